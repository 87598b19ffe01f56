"""The static search index behind `search/`, written by `sitegen build` as plain JSON files.

Why not a ready-made engine: pagefind 1.5, measured on this project's paper pages, needs 26 s
and 1.5 GB for 10,000 papers and 266 s and 11 GB for 100,000, and cannot update an index in
place; lunr, MiniSearch and FlexSearch load one whole index into the browser (tens of MB at
100,000 papers). This index is split so that a query loads only the few files it needs, and so
that a new day rewrites only the newest chunk. Ranking (BM25F over title, abstract, AI summary,
authors, organization and keywords) is computed in the browser by static/search-core.js, the
same code that benchmarks/search_quality.py runs under node.

Layout under `output/search/index/`:
- `manifest.json`: format, scoring constants, stop words, and the chunks, oldest first, each with
  its folder, paper count and first and last day (date filters skip whole chunks).
- `head.json`: the best few papers for every one- and two-character word being typed
  (search/head.py), fetched with the page so the first keys need no request.
- `<chunk>/...`: see search/chunk.py.

Papers are split, oldest first, into chunks (see `chunk_sizes`); a chunk's folder is named by a digest
of everything it indexes, so a daily build (new papers land in the newest chunk) rebuilds one
chunk and keeps the others' files untouched, and a refreshed upvote count rebuilds nothing. Same
papers, same bytes. What the next build reuses (which store versions gave which chunk, the head's
summaries) is kept in the search state (index_state.py), never published.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from sitegen.errors import BuildError, StoreError
from sitegen.forkpool import default_workers, fork_map, release_free_memory
from sitegen.search.chunk import BLOCK, FIELD_GAP, K1, LEVELS, SHARD_BYTES, chunk_files, shard_key, teaser
from sitegen.search.head import HEAD, head_bytes
from sitegen.search.index_state import IndexState, read_index_state, write_index_state
from sitegen.search.keys import PaperKeys
from sitegen.search.text import MAX_WORD, MIN_WORD, STOPWORDS, normalize
from sitegen.store.files import atomic_write
from sitegen.store.models import Paper

__all__ = ["normalize", "shard_key", "teaser", "write_search_index", "SearchIndexReport"]

FORMAT = 8  # bump when the files or the tokenizer change, so every chunk is rebuilt
# Chunk sizes: TAIL * BASE**k papers, the largest first, then the newest papers (fewer than
# TAIL). A new day rewrites the tail; every TAIL papers the tail becomes a chunk, and BASE chunks
# of one size become one of the next size. So a query reads few chunks (at most BASE - 1 of each
# size: 9 for 100,000 papers) and a daily build re-indexes only a small part: indexing costs
# about 1 ms per paper, so the tail is small (a day of 50 papers re-indexes fewer than 114).
TAIL = 64
BASE = 4
IN_PROCESS = 2048  # papers to index below which no worker process is started
ALONE = 32_768  # a chunk this large is indexed in the build's process, alone (see _build_chunks)
MANIFEST = "manifest.json"
_CHUNK_NAME = re.compile(r"[0-9a-f]{16}\Z")  # blake2b with digest_size=8, as hex
_MANIFEST_TEMP = re.compile(r"\.manifest\.json\..+\.tmp\Z")


@dataclass(frozen=True)
class SearchIndexReport:
    papers: int
    chunks: int
    built: int  # chunks (re)written by this build
    removed: int  # stale chunk folders deleted
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        return f"search index: {self.papers} paper(s) in {self.chunks} chunk(s), {self.built} rebuilt"


def _settings() -> str:
    return f"{FORMAT}|{BLOCK}|{SHARD_BYTES}"


def chunk_sizes(papers: int) -> list[int]:
    """How many papers each chunk holds, oldest first: a function of the count alone, so a clean
    build and a build after years of daily ones split the archive the same way."""
    levels = [TAIL]
    while levels[-1] * BASE <= papers:
        levels.append(levels[-1] * BASE)
    sizes: list[int] = []
    remaining = papers
    for level in reversed(levels):
        while remaining >= level:
            sizes.append(level)
            remaining -= level
    return sizes + ([remaining] if remaining else [])


def chunk_digest(papers: Sequence[Paper]) -> str:
    """Names a chunk by everything that goes into it; any change of text gives a new name."""
    digest = hashlib.blake2b(_settings().encode(), digest_size=8)
    for p in papers:
        org = p.organization
        fields = (
            p.arxiv_id,
            p.first_day.isoformat(),
            p.title,
            p.abstract,
            p.ai_summary or "",
            "\x1f".join(p.authors),
            org.name if org else "",
            (org.fullname or "") if org else "",
            "\x1f".join(p.ai_keywords),
        )
        digest.update("\x1e".join(fields).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1d")
    return digest.hexdigest()


def versions_digest(keys: PaperKeys, start: int, end: int) -> str:
    """A digest of the ids and store versions of papers [start, end) (see Store.paper_versions):
    while it is the one the last build saw, so is the chunk's text, and its name need not be
    computed again."""
    digest = hashlib.blake2b(f"{_settings()}|versions".encode(), digest_size=16)
    digest.update(keys.ids_of(start, end))
    digest.update(keys.versions[start * 16 : end * 16])
    return digest.hexdigest()


def manifest_bytes(names: Sequence[str], chunks: Sequence[Sequence[Paper]], splits: Sequence[dict[str, list[str]]]) -> bytes:
    manifest = {
        "format": FORMAT,
        "block": BLOCK,
        "k1": K1,
        "levels": LEVELS,
        "field_gap": FIELD_GAP,
        "stopwords": list(STOPWORDS),
        "min_word": MIN_WORD,
        "max_word": MAX_WORD,
        "papers": sum(len(chunk) for chunk in chunks),
        "chunks": [
            {
                "dir": name,
                "docs": len(chunk),
                "first": chunk[0].first_day.isoformat(),
                "last": chunk[-1].first_day.isoformat(),
                # The shard files' prefixes that were split further (search_chunk.shard_key).
                "splits": " ".join(chunk_splits["splits"]),
                # For each split prefix, which of its shard files exist (search_chunk.shard_leaves).
                "leaves": "|".join(chunk_splits["leaves"]),
            }
            for name, chunk, chunk_splits in zip(names, chunks, splits, strict=True)
        ],
    }
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"


def write_search_index(
    folder: Path,
    papers_oldest_first: Sequence[Paper],
    versions: Mapping[str, bytes] | None = None,
    state: Path | None = None,
    keys: PaperKeys | None = None,
) -> SearchIndexReport:
    """Bring `folder` up to date with the papers, rebuilding only the chunks that changed; with a
    `state` file, keep there what the next build reuses. `keys`: the papers' ids and versions,
    when the caller has them already."""
    chunks: list[Sequence[Paper]] = []
    for size in chunk_sizes(len(papers_oldest_first)):
        start = sum(len(chunk) for chunk in chunks)
        chunks.append(papers_oldest_first[start : start + size])
    kept, warnings = read_index_state(state) if state is not None else (IndexState(), [])
    # A chunk's name is the digest of its text; chunks whose store versions are unchanged take
    # the name the last build computed.
    if versions is not None or keys is not None:
        keys = keys or PaperKeys.of(papers_oldest_first, versions)
        starts = list(itertools.accumulate(map(len, chunks), initial=0))
        version_keys = [versions_digest(keys, start, end) for start, end in itertools.pairwise(starts)]
    else:
        version_keys = []
    names = [kept.names.get(version_keys[n] if version_keys else "") or chunk_digest(chunk) for n, chunk in enumerate(chunks)]
    previous = _previous_chunks(folder)
    pending = [
        (folder / name, chunk)
        for name, chunk in zip(names, chunks, strict=True)
        if not (name in previous and (folder / name).is_dir())
    ]
    try:
        for target, _ in pending:
            if target.exists():
                shutil.rmtree(target)  # left over by an interrupted build: not trusted
        _build_chunks(pending)
        splits = [orjson.loads((folder / name / "splits.json").read_bytes()) for name in names]
        content = manifest_bytes(names, chunks, splits)
        manifest_path = folder / MANIFEST
        head_path = folder / HEAD
        head_state = kept.head
        if pending or not head_path.is_file() or not manifest_path.is_file() or manifest_path.read_bytes() != content:
            listed = [(name, len(chunk)) for name, chunk in zip(names, chunks, strict=True)]
            head, head_state = head_bytes(folder, listed, kept.head, state.parent / "words" if state is not None else None)
            if not head_path.is_file() or head_path.read_bytes() != head:
                atomic_write(head_path, head)
        if not manifest_path.is_file() or manifest_path.read_bytes() != content:
            # Written last: a build killed before this point leaves the old manifest pointing at
            # the old chunks, which are removed only below.
            atomic_write(manifest_path, content)
        removed = 0
        for entry in sorted(folder.iterdir()):
            # Only what this module writes: chunk folders (named by a digest) and the manifest's
            # temp files left by a killed build. Anything else someone put here is left alone.
            if entry.name in names or entry.is_symlink():
                continue
            if entry.is_dir() and _CHUNK_NAME.match(entry.name):
                shutil.rmtree(entry)
                removed += 1
            elif entry.is_file() and _MANIFEST_TEMP.match(entry.name):
                entry.unlink()
                removed += 1
        if state is not None:
            write_index_state(state, IndexState(dict(zip(version_keys, names, strict=False)), head_state), kept.head.base)
    except (OSError, StoreError, orjson.JSONDecodeError) as error:
        raise BuildError(f"{folder}: cannot write the search index ({error})") from None
    return SearchIndexReport(len(papers_oldest_first), len(chunks), len(pending), removed, tuple(warnings))


def _build_chunks(pending: list[tuple[Path, Sequence[Paper]]]) -> None:
    """Chunks are independent: a full rebuild indexes them on every core (sitegen/forkpool.py:
    the workers inherit the pending list, nothing is pickled on the way in, and write their
    chunk's files themselves), the largest first. A daily build's few small chunks take less
    time than starting processes for them.

    Chunks of ALONE papers or more are indexed first, one at a time, in this process: such a
    chunk's arrays take about 850 MB at 65,536 papers, and a forked worker indexing it would also
    hold a copy of every page of the archive it reads (copy on write: reading an object writes its
    reference count), about 400 MB more beside the build. The peak memory of a 100,000-paper
    build is this stage's; a few seconds of one idle core are its price."""
    alone = [item for item in pending if len(item[1]) >= ALONE]
    for target, chunk in alone:
        _write_chunk(target, chunk)
        # Its arrays are freed: the heap's free pages go back to the system now, not held through
        # the stages that follow (which the workers forked later would inherit).
        release_free_memory()
    rest = [item for item in pending if len(item[1]) < ALONE]
    small = sum(len(chunk) for _, chunk in rest) < IN_PROCESS
    workers = 1 if small else min(len(rest), default_workers())
    for _ in fork_map(lambda index: _write_chunk(*rest[index]), range(len(rest)), workers, ordered=False):
        pass


def _write_chunk(target: Path, chunk: Sequence[Paper]) -> None:
    # A fresh folder that no manifest names yet: plain writes are safe, and fast.
    for sub in ("t", "p", "d"):
        (target / sub).mkdir(parents=True)
    for relative, content in chunk_files(chunk).items():
        (target / relative).write_bytes(content)


def _previous_chunks(folder: Path) -> set[str]:
    """Chunks the last complete build listed; anything else in the folder is rebuilt or removed."""
    try:
        manifest = orjson.loads((folder / MANIFEST).read_bytes())
        if manifest.get("format") != FORMAT:
            return set()
        return {chunk["dir"] for chunk in manifest["chunks"]}
    except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
        return set()
