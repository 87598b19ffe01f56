"""The search index's head: the answer to every one- and two-character word being typed, fetched
with the search page so that the first results need no request after the first keystrokes.

Why: on a slow connection (DevTools' "Fast 3G" adds 562 ms to every request) no answer that is
fetched after a key is pressed can appear within 300 ms; for the first two keys, the head has it.

`head.json` is `{"rows": [[arxiv_id, title, first day, authors, organization], ...],
"prefixes": {"l": [[row, word, excerpt], ...], "lo": [...]}}`: for each prefix of one or two
ASCII letters or digits (PREFIXES) that starts an indexed word, the HEAD_RESULTS papers that best match its
completions, best first, each with the word that matched it (for highlighting) and the few words
of its teaser around that word (see `excerpt`), so a result shows at once. The ranking is
search-core.js's for a word being typed: the prefix itself as a word (weight 1) and its
PREFIX_WORDS most frequent completions over the archive (weight PREFIX_WEIGHT), each paper scored
by its best word, `weight * idf * q * (K1 + 1) / LEVELS`, equal scores newest first.

Cost: computed from summaries of the chunks' words (head_words.py). The summary of every chunk but
the newest (`base`) is kept between builds in the search state, so a daily build summarises only
the newest chunk (the one a new day rewrites) and reads the few result rows it has not kept.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np
import orjson

from sitegen.search.chunk import BLOCK, K1, LEVELS, to_json
from sitegen.search.head_words import HEAD_RESULTS, ChunkWords, StoredWords, chunk_words, combine
from sitegen.search.text import positioned
from sitegen.store.files import atomic_write

HEAD = "head.json"
PREFIX_WORDS = 24  # search-core.js PREFIX_WORDS
PREFIX_WEIGHT = 0.5  # search-core.js PREFIX_WEIGHT
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
# Every letter or digit, then two of them but two digits ("20" starts years and counts, which
# few people type first): 36 + 36 * 36 - 100 starts, those that begin a word kept.
PREFIXES = [*_ALNUM, *(a + b for a in _ALNUM for b in _ALNUM if not (a.isdigit() and b.isdigit()))]
_WORD = re.compile(r"[^\W_]+")
_WORDS_FILE = re.compile(r"words-[0-9a-f]{16}\.msgpack")
EXCERPT_BEFORE, EXCERPT_AFTER = 20, 40  # characters of context, then cut at a space


class HeadState(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the next build's head reuses: the summary of the chunks but the newest (by their
    folder names, oldest first), the newest chunk's, and the result rows shown."""

    base: list[str] = []
    base_words: StoredWords | None = None
    newest: str = ""
    newest_words: StoredWords | None = None
    rows: dict[str, list[str]] = {}  # "folder:doc" -> row of d/<n>.json
    excerpts: dict[str, str] = {}  # "folder:doc:word" -> its excerpt


def excerpt(teaser: str, word: str) -> str:
    """A few words of the teaser around the first word whose term is `word` ("" when none is):
    why the paper matched, in a sixth of the teaser's bytes."""
    for match in _WORD.finditer(teaser):
        if positioned(match.group())[:1] == [word]:
            start = teaser.rfind(" ", 0, max(match.start() - EXCERPT_BEFORE, 0)) + 1 if match.start() > EXCERPT_BEFORE else 0
            end = teaser.find(" ", match.end() + EXCERPT_AFTER)
            end = len(teaser) if end < 0 else end
            return ("…" if start else "") + teaser[start:end] + ("…" if end < len(teaser) else "")
    return ""


def _idf(papers: int, df: int) -> float:
    return math.log(1 + (papers - df + 0.5) / (df + 0.5))


def head_bytes(
    folder: Path, chunks: Sequence[tuple[str, int]], kept: HeadState | None = None, words: Path | None = None
) -> tuple[bytes, HeadState]:
    """The head of the index in `folder`, whose chunks are (folder name, papers), oldest first,
    every one already written; and what to keep for the next build. `words`: a folder that
    keeps each chunk's summary (head_words.py), so that chunks merging into one cost only the
    new chunk's summary."""
    kept = kept or HeadState()
    names = [name for name, _ in chunks]
    summaries = WordsFolder(folder, words)
    base = _base_words(summaries, names[:-1], kept)
    if not names:
        newest = combine([])
    elif kept.newest == names[-1] and kept.newest_words is not None:
        newest = ChunkWords.from_stored(kept.newest_words).numbered(len(names) - 1)
    else:
        newest = summaries.get(names[-1], len(names) - 1)
    summaries.prune(names)
    papers = sum(docs for _, docs in chunks)
    chosen = _prefix_words(base, newest)
    scale = (K1 + 1) / LEVELS
    rows_kept = kept.rows
    rows: list[list[str]] = []
    row_of: dict[tuple[int, int], int] = {}
    used: dict[str, list[str]] = {}
    cut: dict[str, str] = {}
    blocks: dict[tuple[int, int], list[list[str]]] = {}
    prefixes: dict[str, list[list[object]]] = {}
    for prefix, weighted in chosen:
        scored: dict[tuple[int, int], tuple[float, str]] = {}
        for word, weight, df, best in weighted:
            word_idf = _idf(papers, df)
            for q, chunk, doc in best:
                value = weight * word_idf * q * scale
                if (chunk, doc) not in scored or value > scored[(chunk, doc)][0]:
                    scored[(chunk, doc)] = (value, word)
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], -item[0][0], -item[0][1]))[:HEAD_RESULTS]
        entries: list[list[object]] = []
        for (chunk, doc), (_, word) in ranked:
            key = f"{names[chunk]}:{doc}"
            row = used.get(key) or rows_kept.get(key)
            if row is None:
                block = (chunk, doc // BLOCK)
                if block not in blocks:
                    blocks[block] = orjson.loads((folder / names[chunk] / "d" / f"{doc // BLOCK}.json").read_bytes())
                row = blocks[block][doc % BLOCK]
            used[key] = row
            if (chunk, doc) not in row_of:
                row_of[(chunk, doc)] = len(rows)
                rows.append(row[:5])
            said = f"{key}:{word}"
            if said not in cut:
                cut[said] = kept.excerpts[said] if said in kept.excerpts else excerpt(row[5], word)
            entries.append([row_of[(chunk, doc)], word, cut[said]])
        prefixes[prefix] = entries
    state = HeadState(names[:-1], base.stored(), names[-1] if names else "", newest.stored(), used, cut)
    return to_json({"rows": rows, "prefixes": prefixes}) + b"\n", state


def _base_words(summaries: WordsFolder, names: list[str], kept: HeadState) -> ChunkWords:
    """The summary of the chunks `names`: the kept one, the kept one with chunks added after it,
    or one made of each chunk's summary."""
    if kept.base_words is not None and kept.base == names[: len(kept.base)]:
        base = ChunkWords.from_stored(kept.base_words)
        added = [summaries.get(name, number) for number, name in enumerate(names) if number >= len(kept.base)]
        return combine([base, *added]) if added else base
    return combine([summaries.get(name, number) for number, name in enumerate(names)])


class WordsFolder:
    """Each chunk's summary, kept as `words-<chunk>.msgpack` in a folder of the search state
    (None: made from the chunk's files every time)."""

    def __init__(self, index: Path, folder: Path | None) -> None:
        self.index, self.folder = index, folder

    def get(self, name: str, number: int) -> ChunkWords:
        path = self.folder / f"words-{name}.msgpack" if self.folder else None
        if path is not None and path.is_file():
            try:
                return ChunkWords.from_stored(msgspec.msgpack.decode(path.read_bytes(), type=StoredWords)).numbered(number)
            except (ValueError, msgspec.DecodeError):
                pass  # made again below
        made = chunk_words(self.index / name, number)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, msgspec.msgpack.encode(made.stored()))
        return made

    def prune(self, names: list[str]) -> None:
        """Remove the summaries of chunks the index no longer has (only files named like ours)."""
        if self.folder is None or not self.folder.is_dir():
            return
        current = {f"words-{name}.msgpack" for name in names}
        for entry in sorted(self.folder.iterdir()):
            if _WORDS_FILE.fullmatch(entry.name) and entry.name not in current and entry.is_file():
                entry.unlink()


Weighted = tuple[str, float, int, list[tuple[int, int, int]]]  # word, weight, df, best (q, chunk, doc)


def _prefix_words(base: ChunkWords, newest: ChunkWords) -> list[tuple[str, list[Weighted]]]:
    """For each prefix (one or two letters or digits) that starts a word: the prefix itself when
    it is a word, and its PREFIX_WORDS most frequent completions, with their dfs and best papers.

    A word's df over the archive is its base df plus its newest df, and both only add: so the
    most frequent completions are among the base's most frequent ones and the newest chunk's."""

    def base_range(prefix: str) -> tuple[int, int]:
        return bisect.bisect_left(base.terms, prefix), bisect.bisect_left(base.terms, prefix + "\U0010ffff")

    def newest_range(prefix: str) -> tuple[int, int]:
        return bisect.bisect_left(newest.terms, prefix), bisect.bisect_left(newest.terms, prefix + "\U0010ffff")

    def look(words: ChunkWords, word: str) -> int:
        at = bisect.bisect_left(words.terms, word)
        return at if at < len(words.terms) and words.terms[at] == word else -1

    def total_df(word: str) -> int:
        return sum(int(words.df[at]) for words in (base, newest) if (at := look(words, word)) >= 0)

    def entry(word: str, weight: float) -> Weighted:
        at_base, at_newest = look(base, word), look(newest, word)
        df, best = 0, list[tuple[int, int, int]]()
        for at, words in ((at_base, base), (at_newest, newest)):
            if at >= 0:
                df += int(words.df[at])
                best.extend((int(q), int(c), int(d)) for q, c, d in words.best[at].tolist() if q > 0)
        best.sort(key=lambda item: (-item[0], -item[1], -item[2]))
        return word, weight, df, best[:HEAD_RESULTS]

    chosen: list[tuple[str, list[Weighted]]] = []
    for prefix in PREFIXES:
        (b_start, b_end), (n_start, n_end) = base_range(prefix), newest_range(prefix)
        if b_start == b_end and n_start == n_end:
            continue
        dfs = base.df[b_start:b_end]
        candidates = set(newest.terms[n_start:n_end])
        if b_end - b_start > PREFIX_WORDS + 1:
            # Ties at the threshold all stay candidates; anything below it cannot make the list.
            threshold = np.partition(dfs, len(dfs) - PREFIX_WORDS - 1)[len(dfs) - PREFIX_WORDS - 1]
            candidates.update(base.terms[b_start + int(i)] for i in np.flatnonzero(dfs >= threshold))
        else:
            candidates.update(base.terms[b_start:b_end])
        totals = {word: total_df(word) for word in candidates}
        completions = sorted((w for w in candidates if w != prefix), key=lambda w: (-totals[w], w))[:PREFIX_WORDS]
        itself = look(base, prefix) >= 0 or look(newest, prefix) >= 0
        weighted = ([entry(prefix, 1.0)] if itself else []) + [entry(w, PREFIX_WEIGHT) for w in completions]
        chosen.append((prefix, weighted))
    return chosen
