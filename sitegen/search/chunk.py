"""The files of one search-index chunk: BM25F term postings, positions for phrases, result rows.

Scoring is BM25F (Robertson & Zaragoza): a term's weight in a paper is its count in each field,
times the field's weight, over the field's length relative to the chunk's average, saturated:
`s = tf~ * (K1 + 1) / (tf~ + K1)`. The browser multiplies `s` by the term's idf over the whole
archive (static/search-core.js). `s` depends only on the chunk, so a chunk's files never change
when other chunks do; the average lengths are the chunk's own.

Files, relative to the chunk's folder (`key` is `shard_key` of a term; everything is JSON):
- `splits.json`: the prefixes split into longer ones (see `shard_key`); the manifest repeats them.
- `t/<key>.json`: `{term: postings}` for the terms of one shard (see `shard_plan`); postings are ascending `doc_delta * 32 + q`, q (1..31) the
  quantized `s`. Also `{"@a:" + term: doc deltas}` for words of authors' names and `"@o:"` for
  the organization, which the `author:` and `org:` filters read.
- `p/<key>.json`: `{term: [[position deltas] per posting]}`: where the term stands in the title,
  abstract and AI summary, for quoted phrases (loaded only for them).
- `d/<n>.json`: rows `[arxiv_id, title, first day, authors, organization, teaser]` for docs
  `n * BLOCK` onwards.
- `days.json`: `[[day, papers]]` in doc order (docs are oldest first), for date filters.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

import orjson

from sitegen.store.models import Paper
from sitegen.search.text import ASCII_ALNUM, positioned, terms
from sitegen.text.readable import readable

BLOCK = 20  # docs per result-row file: a page of results reads about one file per result
SHARD_BYTES = 12_000  # about this much JSON per term file, so a query reads little more than its words
AUTHORS_SHOWN = 3
TEASER = 200  # characters of the AI summary (or else the abstract) shown under a result
K1 = 1.2
LEVELS = 31  # q = round(s / (K1 + 1) * LEVELS), at least 1
# Field: (weight, length normalisation b). A word in the title or an author's name says more
# about a paper than one in the abstract; names and keywords are not length-normalised.
FIELDS: dict[str, tuple[float, float]] = {
    "title": (3.0, 0.5),
    "abstract": (1.0, 0.75),
    "summary": (1.0, 0.75),
    "authors": (3.0, 0.0),
    "org": (2.0, 0.0),
    "keywords": (1.5, 0.0),
}
PHRASE_FIELDS = ("title", "abstract", "summary")
FIELD_GAP = 8  # positions left between fields, so no phrase spans two of them


def file_name(key: str) -> str:
    """A shard's file name: ASCII letters and digits as they are, anything else as `_<hex>`."""
    return "".join(c if c in ASCII_ALNUM else f"_{ord(c):x}" for c in key)


def shard_key(term: str, splits: Collection[str]) -> str:
    """The shard holding `term`: its shortest prefix that was not split further (search-core.js
    `shardKey`). A split prefix's own file keeps only the term equal to it."""
    key = term[:1]
    while key in splits and len(term) > len(key):
        key = term[: len(key) + 1]
    return key


def shard_plan(sizes: dict[str, int]) -> tuple[dict[str, str], list[str]]:
    """Group terms by prefix into files of about SHARD_BYTES, splitting a prefix by one more
    character while its terms are larger; returns term -> shard key, and the split prefixes."""
    keys: dict[str, str] = {}
    splits: list[str] = []
    groups: list[tuple[str, list[str]]] = [(prefix, group) for prefix, group in _by_prefix(sorted(sizes), 1).items()]
    while groups:  # each round goes one character deeper; terms are at most MAX_WORD long
        deeper: list[tuple[str, list[str]]] = []
        for prefix, group in groups:
            if sum(sizes[term] for term in group) <= SHARD_BYTES or all(len(term) == len(prefix) for term in group):
                keys.update(dict.fromkeys(group, prefix))
                continue
            splits.append(prefix)
            keys.update((term, prefix) for term in group if len(term) == len(prefix))
            deeper.extend(_by_prefix([term for term in group if len(term) > len(prefix)], len(prefix) + 1).items())
        groups = deeper
    return keys, sorted(splits)


def _by_prefix(terms: list[str], length: int) -> dict[str, list[str]]:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for term in terms:
        groups[term[:length]].append(term)
    return groups


def to_json(value: object) -> bytes:
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


def _fields(paper: Paper) -> dict[str, str]:
    org = paper.organization
    return {
        "title": readable(paper.title, paper.arxiv_id),
        "abstract": readable(paper.abstract, paper.arxiv_id),
        "summary": paper.ai_summary or "",
        "authors": "\n".join(paper.authors),
        "org": f"{org.name}\n{org.fullname or ''}" if org else "",
        "keywords": "\n".join(paper.ai_keywords),
    }


def chunk_files(papers: Sequence[Paper]) -> dict[str, bytes]:
    """Every file of one chunk (papers oldest first), by path relative to the chunk's folder."""
    counts: list[dict[str, Counter[str]]] = []
    positions: list[dict[str, list[int]]] = []
    totals = dict.fromkeys(FIELDS, 0)
    rows: list[list[str]] = []
    names: defaultdict[str, list[int]] = defaultdict(list)  # "@a:word" / "@o:word" -> docs
    for number, paper in enumerate(papers):
        texts = _fields(paper)
        per_field = {}
        where: defaultdict[str, list[int]] = defaultdict(list)
        offset = 0
        for name in FIELDS:
            if name in PHRASE_FIELDS:
                spots = positioned(texts[name])
                for position, term in enumerate(spots):
                    if term is not None:
                        where[term].append(offset + position)
                offset += len(spots) + FIELD_GAP
                found = [term for term in spots if term is not None]
            else:
                found = terms(texts[name]) if name != "org" else sorted(set(terms(texts[name])))
            per_field[name] = Counter(found)
            totals[name] += len(found)
        counts.append(per_field)
        positions.append(where)
        for prefix, name in (("@a:", "authors"), ("@o:", "org")):
            for term in sorted(per_field[name]):
                names[prefix + term].append(number)
        authors = ", ".join(paper.authors[:AUTHORS_SHOWN]) + (" et al." if len(paper.authors) > AUTHORS_SHOWN else "")
        rows.append([paper.arxiv_id, texts["title"], paper.first_day.isoformat(), authors, organization(paper), teaser(paper.ai_summary or texts["abstract"])])
    postings = _postings(counts, totals)
    encoded = {term: [(doc - previous) * 32 + q for (doc, q), previous in zip(values, [0, *(d for d, _ in values[:-1])])] for term, values in postings.items()}
    sizes = {term: len(values) * 4 + len(term) for term, values in encoded.items()}
    for key, docs in names.items():
        sizes[key[3:]] = sizes.get(key[3:], 0) + len(docs) * 3 + len(key)
    keys, splits = shard_plan(sizes)
    shards: dict[str, dict[str, list]] = defaultdict(dict)
    position_shards: dict[str, dict[str, list[list[int]]]] = defaultdict(dict)
    for term in sorted(encoded):
        shards[keys[term]][term] = encoded[term]
        where = [positions[doc].get(term, []) for doc, _ in postings[term]]
        if any(where):
            position_shards[keys[term]][term] = [_deltas(spots) for spots in where]
    for key in sorted(names):
        shards[keys[key[3:]]][key] = _deltas(names[key])
    files: dict[str, bytes] = {}
    for key in sorted(shards):
        files[f"t/{file_name(key)}.json"] = to_json(dict(sorted(shards[key].items())))
    for key in sorted(position_shards):
        files[f"p/{file_name(key)}.json"] = to_json(position_shards[key])
    for start in range(0, len(rows), BLOCK):
        files[f"d/{start // BLOCK}.json"] = to_json(rows[start : start + BLOCK])
    files["splits.json"] = to_json(splits)
    days: list[list] = []
    for paper in papers:
        day = paper.first_day.isoformat()
        if days and days[-1][0] == day:
            days[-1][1] += 1
        else:
            days.append([day, 1])
    files["days.json"] = to_json(days)
    return files


def _postings(counts: list[dict[str, Counter[str]]], totals: dict[str, int]) -> dict[str, list[tuple[int, int]]]:
    """term -> [(doc, q)] ascending, q the quantized BM25F weight of the term in the doc."""
    docs = max(len(counts), 1)
    average = {name: max(total / docs, 1.0) for name, total in totals.items()}
    postings: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for number, per_field in enumerate(counts):
        weighted: defaultdict[str, float] = defaultdict(float)
        for name, (weight, b) in FIELDS.items():
            found = per_field[name]
            if not found:
                continue
            norm = 1 - b + b * sum(found.values()) / average[name]
            for term, count in found.items():
                weighted[term] += weight * count / norm
        for term in sorted(weighted):
            tf = weighted[term]
            saturated = tf * (K1 + 1) / (tf + K1)
            postings[term].append((number, max(1, min(LEVELS, math.floor(saturated / (K1 + 1) * LEVELS + 0.5)))))
    return postings


def _deltas(values: list[int]) -> list[int]:
    return [value - previous for value, previous in zip(values, [0, *values[:-1]])]
