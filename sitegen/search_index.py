"""The static search index behind `search/`: titles, abstracts, authors and organizations.

Why not pagefind: measured on this project's paper pages, pagefind 1.5 needs 26 s and 1.5 GB
for 10,000 papers and 266 s and 11 GB for 100,000, far over the build budget, and it cannot
update an index in place. This index is plain JSON that a small script (`static/search.js`)
queries in the browser, built in Python from the site model without parsing any HTML.

Layout under `output/search/index/`:
- `manifest.json`: format, block size, stop words, and the chunks, oldest first.
- `<chunk>/t/<key>.json`: `{word: postings}` for the words whose first two characters give `key`
  (`shard_key`). Postings are delta-encoded ascending `doc * 2 + strong`, where `doc` is the
  paper's number within the chunk and `strong` says the word is in the title, an author's name or
  the organization (ranked higher than a match in the abstract only).
- `<chunk>/d/<n>.json`: docs `n * BLOCK` onwards: `[arxiv_id, title, first day, authors,
  organization, teaser]`, the teaser being the start of the AI summary or else of the abstract.

Incremental: papers are split, oldest first, into chunks of CHUNK_SIZE; a chunk's folder is named
by a digest of everything it indexes, so a daily build (new papers land in the newest chunk)
rebuilds one chunk and keeps the others' files untouched. Same papers, same bytes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from sitegen.errors import BuildError, StoreError
from sitegen.models import Paper
from sitegen.store.files import atomic_write
from sitegen.tex import readable_tex

FORMAT = 3  # bump when the files or the tokenizer change, so every chunk is rebuilt
CHUNK_SIZE = 5000
BLOCK = 100  # docs per display file
MIN_WORD, MAX_WORD = 2, 32  # in code points; shorter and longer tokens are not indexed
AUTHORS_SHOWN = 3
TEASER = 200  # characters of the AI summary (or else the abstract) shown under a result
# Words too common to narrow a search; the script drops them from queries too.
STOPWORDS = tuple(
    sorted(
        "a an and are as at be but by can for from has have in into is it its of on or our that the their "
        "these this to via was we were which while with".split()
    )
)
_STOP = frozenset(STOPWORDS)
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile("[\u0300-\u036f]")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
MANIFEST = "manifest.json"
_CHUNK_NAME = re.compile(r"[0-9a-f]{16}\Z")  # blake2b with digest_size=8, as hex
_MANIFEST_TEMP = re.compile(r"\.manifest\.json\..+\.tmp\Z")


def normalize(text: str) -> str:
    """Lower case, compatibility forms and no accents: "Schrödinger" finds "schrodinger".

    static/search.js does the same to the query: toLowerCase, NFKD, strip U+0300..U+036F.
    """
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))


def words(text: str) -> set[str]:
    found = set(_WORD.findall(normalize(text)))
    found -= _STOP
    # Filtering the distinct words (not every occurrence) keeps this cheap.
    return {w for w in found if MIN_WORD <= len(w) <= MAX_WORD}


def shard_key(word: str) -> str:
    """File name of a word's shard: its first two characters, non-ASCII ones as `_<hex>`."""
    return "".join(c if c in _ASCII_ALNUM else f"_{ord(c):x}" for c in word[:2])


def _json(value: object) -> bytes:
    """JSON with `<`, `>` and `&` as \\u escapes: the same strings, but no file of the site ever
    holds a raw `<script>` from a scraped title, whatever reads it (the page inserts text only)."""
    return orjson.dumps(value).replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def teaser(text: str) -> str:
    """The first TEASER characters, cut at a word, with an ellipsis when something was cut."""
    text = " ".join(text.split())
    if len(text) <= TEASER:
        return text
    cut = text[:TEASER].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def organization(paper: Paper) -> str:
    org = paper.organization
    return (org.fullname or org.name) if org else ""


@dataclass(frozen=True)
class SearchIndexReport:
    papers: int
    chunks: int
    built: int  # chunks (re)written by this build
    removed: int  # stale chunk folders deleted

    def summary(self) -> str:
        return f"search index: {self.papers} paper(s) in {self.chunks} chunk(s), {self.built} rebuilt"


def chunk_digest(papers: Sequence[Paper]) -> str:
    """Names a chunk by everything that goes into it; any change of text gives a new name."""
    digest = hashlib.blake2b(f"{FORMAT}|{CHUNK_SIZE}|{BLOCK}".encode(), digest_size=8)
    for p in papers:
        org = p.organization
        fields = (p.arxiv_id, p.first_day.isoformat(), p.title, p.abstract, p.ai_summary or "", "\x1f".join(p.authors), org.name if org else "", (org.fullname or "") if org else "")
        digest.update("\x1e".join(fields).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1d")
    return digest.hexdigest()


def chunk_files(papers: Sequence[Paper]) -> dict[str, bytes]:
    """Every file of one chunk, by path relative to the chunk's folder."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    docs: list[list[str]] = []
    for number, paper in enumerate(papers):
        title = readable_tex(paper.title)
        org = organization(paper)
        strong = words(" ".join((title, org, paper.organization.name if paper.organization else "", *paper.authors)))
        abstract = readable_tex(paper.abstract)
        weak = words(abstract) - strong
        value = number * 2
        for word in strong:
            postings[word].append(value + 1)
        for word in weak:
            postings[word].append(value)
        authors = ", ".join(paper.authors[:AUTHORS_SHOWN]) + (" et al." if len(paper.authors) > AUTHORS_SHOWN else "")
        docs.append([paper.arxiv_id, title, paper.first_day.isoformat(), authors, org, teaser(paper.ai_summary or abstract)])
    shards: dict[str, dict[str, list[int]]] = {}
    for word in sorted(postings):
        values = postings[word]
        shards.setdefault(shard_key(word), {})[word] = [values[0]] + [b - a for a, b in zip(values, values[1:])]
    files = {f"t/{key}.json": _json(shard) for key, shard in shards.items()}
    for start in range(0, len(docs), BLOCK):
        files[f"d/{start // BLOCK}.json"] = _json(docs[start : start + BLOCK])
    return files


def versions_digest(papers: Sequence[Paper], versions: Mapping[str, bytes]) -> str:
    """A chunk's name from its papers' store versions (see Store.paper_versions): the same answer
    as hashing their text whenever a version covers the text, for a fraction of the work."""
    digest = hashlib.blake2b(f"{FORMAT}|{CHUNK_SIZE}|{BLOCK}|versions".encode(), digest_size=8)
    for p in papers:
        digest.update(p.arxiv_id.encode())
        digest.update(versions[p.arxiv_id])
    return digest.hexdigest()


def write_search_index(
    folder: Path, papers_oldest_first: Sequence[Paper], versions: Mapping[str, bytes] | None = None
) -> SearchIndexReport:
    """Bring `folder` up to date with the papers, rebuilding only the chunks that changed."""
    chunks = [papers_oldest_first[i : i + CHUNK_SIZE] for i in range(0, len(papers_oldest_first), CHUNK_SIZE)]
    names = [versions_digest(chunk, versions) if versions is not None else chunk_digest(chunk) for chunk in chunks]
    previous = _previous_chunks(folder)
    pending = [(folder / name, chunk) for name, chunk in zip(names, chunks) if not (name in previous and (folder / name).is_dir())]
    try:
        for target, _ in pending:
            if target.exists():
                shutil.rmtree(target)  # left over by an interrupted build: not trusted
        _build_chunks(pending)
        manifest = {
            "format": FORMAT,
            "block": BLOCK,
            "stopwords": list(STOPWORDS),
            "min_word": MIN_WORD,
            "max_word": MAX_WORD,
            "chunks": [{"dir": name, "docs": len(chunk)} for name, chunk in zip(names, chunks)],
        }
        content = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
        manifest_path = folder / MANIFEST
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
    except (OSError, StoreError) as error:
        raise BuildError(f"{folder}: cannot write the search index ({error})") from None
    return SearchIndexReport(papers=len(papers_oldest_first), chunks=len(chunks), built=len(pending), removed=removed)


# Chunks are independent: a full rebuild indexes them on every core. Forked workers inherit the
# pending list (nothing is pickled on the way in) and write their chunk's files themselves.
_PENDING: list[tuple[Path, Sequence[Paper]]] = []


def _build_chunks(pending: list[tuple[Path, Sequence[Paper]]]) -> None:
    global _PENDING
    workers = min(len(pending), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for target, chunk in pending:
            _write_chunk(target, chunk)
        return
    _PENDING = pending
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_write_pending, range(len(pending)), chunksize=1)
    finally:
        _PENDING = []


def _write_pending(index: int) -> None:
    _write_chunk(*_PENDING[index])


def _write_chunk(target: Path, chunk: Sequence[Paper]) -> None:
    # A fresh folder that no manifest names yet: plain writes are safe, and fast.
    for sub in ("t", "d"):
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
