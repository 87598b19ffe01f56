"""The search index's head: the answer to every two-character word being typed, fetched with the
search page so that the first results need no request after the first keystrokes.

Why: on a slow connection (DevTools' "Fast 3G" adds 562 ms to every request) no answer that is
fetched after a key is pressed can appear within 300 ms; by the second key, the head has it.

`head.json` is `{"rows": [[arxiv_id, title, first day, authors, organization], ...],
"prefixes": {"lo": [[row, word, excerpt], ...]}}` (authors left empty): for each prefix of two
ASCII letters that starts an indexed word, the HEAD_RESULTS papers that best match its completions, best first,
each with the word that matched it (for highlighting) and the few words of its teaser around
that word (see `excerpt`). The ranking is search-core.js's for a
word being typed: the prefix itself as a word (weight 1) and its PREFIX_WORDS most frequent
completions over the archive (weight PREFIX_WEIGHT), each paper scored by its best word,
`weight * idf * q * (K1 + 1) / LEVELS`, equal scores newest first. (The page asks the chunks for
three characters or more, where completions are those of the word's shard.)

Rewritten whenever a chunk changes (every new day); computed from the chunks' own files.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import orjson

from sitegen.search.chunk import BLOCK, K1, LEVELS, file_name, shard_key, to_json
from sitegen.search.text import positioned

HEAD = "head.json"
HEAD_RESULTS = 3
PREFIX_WORDS = 24  # search-core.js PREFIX_WORDS
PREFIX_WEIGHT = 0.5  # search-core.js PREFIX_WEIGHT
_PREFIX = re.compile(r"[a-z]{2}")  # letters: "d2" or "10" start few words anyone types first
_WORD = re.compile(r"[^\W_]+")
EXCERPT_BEFORE, EXCERPT_AFTER = 20, 40  # characters of context, then cut at a space


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


def head_bytes(folder: Path, chunks: Sequence[tuple[str, int, list[str]]]) -> bytes:
    """The head of the index in `folder`, whose chunks are (folder name, papers, splits), oldest
    first, every one already written."""
    papers = sum(docs for _, docs, _ in chunks)
    # Pass 1: how many papers have each word (the t/ files hold every word once per chunk).
    df: Counter[str] = Counter()
    for name, _, _ in chunks:
        for path in sorted((folder / name / "t").glob("*.json")):
            for term, postings in orjson.loads(path.read_bytes()).items():
                if not term.startswith("@"):
                    df[term] += len(postings)
    words_by_prefix: defaultdict[str, list[str]] = defaultdict(list)
    for term in df:
        if _PREFIX.match(term):
            words_by_prefix[term[:2]].append(term)
    chosen: dict[str, list[tuple[str, float]]] = {}
    for prefix, words in sorted(words_by_prefix.items()):
        completions = sorted((w for w in words if w != prefix), key=lambda w: (-df[w], w))[:PREFIX_WORDS]
        chosen[prefix] = ([(prefix, 1.0)] if prefix in df else []) + [(w, PREFIX_WEIGHT) for w in completions]
    needed = {word for words in chosen.values() for word, _ in words}
    # Pass 2: each needed word's best HEAD_RESULTS papers (by q, then newest), over all chunks.
    scale = (K1 + 1) / LEVELS
    best: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # word -> [(q, chunk, doc)]
    for number, (name, _, splits) in enumerate(chunks):
        split_set = set(splits)
        by_file: defaultdict[str, list[str]] = defaultdict(list)
        for word in needed:
            by_file[file_name(shard_key(word, split_set))].append(word)
        for key, words in sorted(by_file.items()):
            path = folder / name / "t" / f"{key}.json"
            if not path.is_file():
                continue
            shard = orjson.loads(path.read_bytes())
            for word in words:
                if word not in shard:
                    continue
                values = np.asarray(shard[word], dtype=np.int64)
                docs, qs = np.cumsum(values // 32), values % 32
                top = np.lexsort((-docs, -qs))[:HEAD_RESULTS]
                best[word].extend((int(qs[i]), number, int(docs[i])) for i in top)
    rows: list[list[str]] = []
    row_of: dict[tuple[int, int], int] = {}
    prefixes: dict[str, list[list[object]]] = {}
    blocks: dict[tuple[int, int], list[list[str]]] = {}
    for prefix, weighted in chosen.items():
        scored: dict[tuple[int, int], tuple[float, str]] = {}
        for word, weight in weighted:
            word_idf = _idf(papers, df[word])
            for q, chunk, doc in best[word]:
                value = weight * word_idf * q * scale
                if (chunk, doc) not in scored or value > scored[(chunk, doc)][0]:
                    scored[(chunk, doc)] = (value, word)
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], -item[0][0], -item[0][1]))[:HEAD_RESULTS]
        entries: list[list[object]] = []
        for (chunk, doc), (_, word) in ranked:
            if (chunk, doc) not in row_of:
                block = (chunk, doc // BLOCK)
                if block not in blocks:
                    blocks[block] = orjson.loads((folder / chunks[chunk][0] / "d" / f"{doc // BLOCK}.json").read_bytes())
                row_of[(chunk, doc)] = len(rows)
                rows.append(blocks[block][doc % BLOCK])
            entries.append([row_of[(chunk, doc)], word, excerpt(rows[row_of[(chunk, doc)]][5], word)])
        prefixes[prefix] = entries
    # Rows without authors and teasers (the entries carry the excerpts): the head stays small,
    # about 80 KB gzip-encoded for the real archive (the titles are most of it).
    return to_json({"rows": [[*row[:3], "", row[4]] for row in rows], "prefixes": prefixes}) + b"\n"
