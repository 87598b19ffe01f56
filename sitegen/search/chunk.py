"""The files of one search-index chunk: BM25F term postings, positions for phrases, result rows.

Scoring is BM25F (Robertson & Zaragoza): a term's weight in a paper is its count in each field,
times the field's weight, over the field's length relative to the chunk's average, saturated:
`s = tf~ * (K1 + 1) / (tf~ + K1)`. The browser multiplies `s` by the term's idf over the whole
archive (static/search-core.js). `s` depends only on the chunk, so a chunk's files never change
when other chunks do; the average lengths are the chunk's own.

Files, relative to the chunk's folder (`key` is `shard_key` of a term; everything is JSON):
- `splits.json`: `{"splits": [...], "leaves": [...]}`: the prefixes split into longer ones (see
  `shard_key`) and, for each, which of its shard files exist and which are large
  (`shard_leaves`); the manifest repeats both, so the page loads the files under a long split
  prefix being typed (its completions) without asking for files that do not exist.
- `t/<key>.json`: `{term: postings}` for the terms of one shard (see `shard_plan`); postings are
  ascending `doc_delta * 32 + q`, q (1..31) the quantized `s`. Also `{"@a:" + term: doc deltas}`
  for words of authors' names and `"@o:"` for the organization, which the `author:` and `org:` filters read.
- `p/<key>.json`: `{term: "n per posting..., position deltas..."}`: where the term stands in the
  title, abstract and AI summary, for quoted phrases (loaded only for them): first how many
  positions each posting has (in the order of the postings), then all of them, each posting's
  as distances from the previous position in the same doc (its first from 0). One flat list per
  term is far quicker to write and to parse than a list per posting; it is written as packed
  text (packed.py: about one character per count and two per position, half the bytes of JSON
  numbers; positions were half of the index).
- `d/<n>.json`: rows `[arxiv_id, title, first day, authors, organization, teaser]` for docs
  `n * BLOCK` onwards.
- `days.json`: `[[day, papers]]` in doc order (docs are oldest first), for date filters.
"""

from __future__ import annotations

import itertools
from array import array
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import orjson

from sitegen.search.packed import pack
from sitegen.search.text import ASCII_ALNUM, Vocabulary, positioned, terms
from sitegen.store.models import Paper
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


def shard_leaves(splits: Sequence[str], files: Collection[str], large: Collection[str] = ()) -> list[str]:
    """For each split prefix, in order: "=" when its own file exists (a term equal to it), then
    the last character of each existing shard file one character longer that is not split
    itself (its longer words are under a split of their own, listed in turn); "*" after either
    marks a large file (one common word's postings, more than SHARD_BYTES), which the page reads
    as a completion only when the word being typed is one character from it. Terms are letters
    and digits only, so "=", "*" and the manifest's "|" between entries never occur in them."""
    split_set = set(splits)
    mark = {key: "*" if key in large else "" for key in files}
    children: defaultdict[str, list[str]] = defaultdict(list)
    for key in files:
        if len(key) > 1 and key not in split_set and key[:-1] in split_set:
            children[key[:-1]].append(key[-1])
    return [
        ("=" + mark[prefix] if prefix in files else "") + "".join(char + mark[prefix + char] for char in sorted(children[prefix]))
        for prefix in splits
    ]


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
    """Every file of one chunk (papers oldest first), by path relative to the chunk's folder.

    Each paper's text is cut into terms once (Python); counting, weighting and sorting run over
    flat arrays of (term, doc, field, position) in numpy, so a chunk of 65,536 papers takes
    seconds, not minutes."""
    vocabulary = Vocabulary()
    term_ids = array("i")
    lengths = array("i")  # tokens of each (doc, field), doc by doc
    rows: list[list[str]] = []
    for paper in papers:
        texts = _fields(paper)
        for name in FIELDS:
            listed: Sequence[str | None]
            if name in PHRASE_FIELDS:
                listed = positioned(texts[name])
            else:
                listed = terms(texts[name]) if name != "org" else sorted(set(terms(texts[name])))
            term_ids.extend(map(vocabulary.__getitem__, listed))
            lengths.append(len(listed))
        authors = ", ".join(paper.authors[:AUTHORS_SHOWN]) + (" et al." if len(paper.authors) > AUTHORS_SHOWN else "")
        rows.append(
            [
                paper.arxiv_id,
                texts["title"],
                paper.first_day.isoformat(),
                authors,
                organization(paper),
                teaser(paper.ai_summary or texts["abstract"]),
            ]
        )
    words = [term for term in vocabulary if term is not None]  # by number
    tokens = _Tokens.of(
        np.frombuffer(term_ids, dtype=np.int32), np.frombuffer(lengths, dtype=np.int32).reshape(len(papers), len(FIELDS))
    )
    del term_ids, lengths  # copied into the tokens (about 90 MB in a chunk of 65,536 papers)
    postings = _postings(tokens, len(papers), len(words))
    names = _names(tokens, words)
    sizes = dict(
        zip(words, (postings.counts * 4 + np.fromiter(map(len, words), dtype=np.int64, count=len(words))).tolist(), strict=True)
    )
    for key, docs in names.items():
        sizes[key[3:]] = sizes.get(key[3:], 0) + len(docs) * 3 + len(key)
    keys, splits = shard_plan(sizes)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    position_shards: dict[str, dict[str, str]] = defaultdict(dict)
    # The phrase fields' tokens are all the positions need: the rest goes first, and the
    # postings become lists after (the positions' sorting and packing was this stage's peak).
    phrase = tokens.places >= 0
    phrase_tokens = [tokens.terms[phrase], tokens.docs[phrase], tokens.places[phrase]]
    del tokens, phrase
    where = _positions(phrase_tokens, postings, len(words))
    encoded = postings.encoded.tolist()
    starts = postings.starts.tolist()
    for term in sorted(words):
        number = vocabulary[term]
        shards[keys[term]][term] = encoded[starts[number] : starts[number + 1]]
        if number in where:
            position_shards[keys[term]][term] = where[number]
    for key in sorted(names):
        shards[keys[key[3:]]][key] = names[key]
    files: dict[str, bytes] = {}
    for key in sorted(shards):
        files[f"t/{file_name(key)}.json"] = to_json(dict(sorted(shards[key].items())))
    for key in sorted(position_shards):
        files[f"p/{file_name(key)}.json"] = to_json(position_shards[key])
    for start in range(0, len(rows), BLOCK):
        files[f"d/{start // BLOCK}.json"] = to_json(rows[start : start + BLOCK])
    shard_sizes: defaultdict[str, int] = defaultdict(int)
    for term, key in keys.items():
        shard_sizes[key] += sizes[term]
    large = {key for key, size in shard_sizes.items() if size > SHARD_BYTES}
    files["splits.json"] = to_json({"splits": splits, "leaves": shard_leaves(splits, set(shards), large)})
    days: list[list] = []
    for paper in papers:
        day = paper.first_day.isoformat()
        if days and days[-1][0] == day:
            days[-1][1] += 1
        else:
            days.append([day, 1])
    files["days.json"] = to_json(days)
    return files


@dataclass(frozen=True)
class _Tokens:
    """Every token of a chunk that has a term, as parallel arrays (places: -1 outside phrase fields)."""

    terms: np.ndarray
    docs: np.ndarray
    fields: np.ndarray
    places: np.ndarray

    @classmethod
    def of(cls, term_ids: np.ndarray, lengths: np.ndarray) -> _Tokens:
        """From every position's term number (-1: none), doc by doc and field by field in FIELDS
        order, and the number of positions of each (doc, field)."""
        papers, field_count = lengths.shape
        flat = lengths.ravel().astype(np.int64)
        # Narrow types throughout (a chunk of 65,536 papers has some 20 million positions, and
        # this runs in a worker beside the others): token numbers and places fit in 32 bits.
        docs = np.repeat(np.repeat(np.arange(papers, dtype=np.int32), field_count), flat)
        fields = np.repeat(np.tile(np.arange(field_count, dtype=np.int8), papers), flat)
        # A phrase field's positions continue the doc's previous phrase field, FIELD_GAP later.
        phrase = np.isin(np.arange(field_count), [list(FIELDS).index(name) for name in PHRASE_FIELDS])
        span = np.where(phrase, lengths + FIELD_GAP, 0).astype(np.int64)
        first_place = (np.cumsum(span, axis=1) - span).ravel()
        segment_start = np.cumsum(flat) - flat
        places = np.repeat((first_place - segment_start).astype(np.int32), flat)
        places += np.arange(len(term_ids), dtype=np.int32)
        places[~phrase[fields]] = -1
        kept = term_ids >= 0
        return cls(term_ids[kept], docs[kept], fields[kept], places[kept])


@dataclass(frozen=True)
class _Postings:
    """Postings of every term, grouped by term (by number) and ascending by doc within a term."""

    docs: np.ndarray  # doc of each posting
    encoded: np.ndarray  # doc delta * 32 + q
    phrase_counts: np.ndarray  # positions of the term in the doc's phrase fields
    starts: np.ndarray  # term n's postings are [starts[n], starts[n + 1])
    counts: np.ndarray  # postings per term


def _postings(tokens: _Tokens, papers: int, vocabulary: int) -> _Postings:
    """The quantized BM25F weight q of every (term, doc), as in the docstring at the top."""
    field_count = len(FIELDS)
    lengths = np.bincount(tokens.docs * field_count + tokens.fields, minlength=papers * field_count).reshape(papers, field_count)
    docs = max(papers, 1)
    weights = np.array([weight for weight, _ in FIELDS.values()])
    bs = np.array([b for _, b in FIELDS.values()])
    average = np.maximum(lengths.sum(axis=0) / docs, 1.0)
    norm = 1 - bs + bs * lengths / average  # per doc and field
    # One entry per (doc, term, field) with its count; sorted by doc, then term, then field.
    if not len(tokens.terms):
        empty = np.zeros(0, dtype=np.int64)
        return _Postings(empty, empty, empty, np.zeros(vocabulary + 1, dtype=np.int64), np.zeros(vocabulary, dtype=np.int64))
    # Each array of (doc, term, field) or (doc, term) entries is millions long in a large chunk:
    # each is dropped as soon as it is used (del), so a few are alive at a time, not all.
    keys, counts = _unique_counts(tokens, vocabulary)
    field = keys % field_count
    pair = keys // field_count
    del keys
    doc = pair // vocabulary
    values = weights[field] * counts / norm[doc, field]
    firsts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    # Summed in field order, as a running float sum would: the same q as computed one by one.
    tf = np.add.reduceat(values, firsts)
    del values
    phrase = np.isin(field, [list(FIELDS).index(name) for name in PHRASE_FIELDS])
    del field
    phrase_counts = np.add.reduceat(np.where(phrase, counts, 0), firsts)
    del phrase, counts
    q = np.clip(np.floor(tf * (K1 + 1) / (tf + K1) / (K1 + 1) * LEVELS + 0.5), 1, LEVELS).astype(np.int64)
    del tf
    pair_docs, pair_terms = doc[firsts], pair[firsts] % vocabulary
    del doc, pair, firsts
    order = np.argsort(pair_terms, kind="stable")  # by term; docs stay ascending within a term
    pair_docs, pair_terms, q, phrase_counts = pair_docs[order], pair_terms[order], q[order], phrase_counts[order]
    del order
    term_counts = np.bincount(pair_terms, minlength=vocabulary)
    del pair_terms
    starts = np.r_[0, np.cumsum(term_counts)]
    previous = np.r_[0, pair_docs[:-1]]
    previous[starts[:-1][term_counts > 0]] = 0  # a term's first posting counts from doc 0
    return _Postings(pair_docs, (pair_docs - previous) * 32 + q, phrase_counts, starts, term_counts)


def _unique_counts(tokens: _Tokens, vocabulary: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (doc, term, field) as one number, ascending, and how many tokens have it: what
    np.unique(..., return_counts=True) gives, made and sorted in place (np.unique would sort a
    copy of the 20 million numbers of a large chunk)."""
    keys = tokens.docs.astype(np.int64)
    keys *= vocabulary
    keys += tokens.terms
    keys *= len(FIELDS)
    keys += tokens.fields
    keys.sort()
    firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counts = np.diff(np.r_[firsts, len(keys)])
    return keys[firsts], counts


def _positions(phrase_tokens: list[np.ndarray], postings: _Postings, vocabulary: int) -> dict[int, str]:
    """term number -> its phrase positions, for terms found in a phrase field: first the number of
    positions in each posting's doc, then every posting's positions, each as the distance from
    the one before in the same doc (the first from 0); packed (packed.py). `phrase_tokens`: the
    terms, docs and places of the tokens in phrase fields (in the chunk's order), taken out of
    the list so that each array is freed as soon as it is sorted or used."""
    terms, docs, places = phrase_tokens
    phrase_tokens.clear()
    if not len(terms):
        return {}
    # Tokens come doc by doc, positions ascending within a doc: a stable sort by term alone
    # leaves each term's docs and positions in order.
    order = np.argsort(terms, kind="stable")
    terms, docs, places = terms[order], docs[order], places[order]
    del order
    same = np.r_[False, (terms[1:] == terms[:-1]) & (docs[1:] == docs[:-1])]
    del docs
    deltas = places - np.where(same, np.r_[0, places[:-1]], 0)
    del same, places
    per_term = np.bincount(terms, minlength=vocabulary)
    del terms
    # Packed once for the whole chunk; each term's text is then two slices (its postings' counts,
    # then its positions), found by where its first and past-last number start.
    count_text, count_at = pack(postings.phrase_counts)
    delta_text, delta_at = pack(deltas)
    del deltas
    counts_from = count_at[postings.starts].tolist()
    deltas_from = delta_at[np.r_[0, np.cumsum(per_term)]].tolist()
    return {
        term: (
            count_text[counts_from[term] : counts_from[term + 1]] + delta_text[deltas_from[term] : deltas_from[term + 1]]
        ).decode("ascii")
        for term in np.flatnonzero(per_term).tolist()
    }


def _names(tokens: _Tokens, words: list[str]) -> dict[str, list[int]]:
    """ "@a:" + a word of an author's name and "@o:" + a word of the organization -> the docs that
    have it there, as deltas (read by the author: and org: filters)."""
    names: dict[str, list[int]] = {}
    for prefix, name in (("@a:", "authors"), ("@o:", "org")):
        chosen = tokens.fields == list(FIELDS).index(name)
        span = int(tokens.docs.max(initial=0)) + 1
        pairs = np.unique(tokens.terms[chosen].astype(np.int64) * span + tokens.docs[chosen])
        if not len(pairs):
            continue
        terms, docs = pairs // span, pairs % span
        firsts = np.r_[True, terms[1:] != terms[:-1]]
        deltas = (docs - np.where(firsts, 0, np.r_[0, docs[:-1]])).tolist()
        bounds = np.r_[np.flatnonzero(firsts), len(terms)].tolist()
        for start, end in itertools.pairwise(bounds):
            names[prefix + words[int(terms[start])]] = deltas[start:end]
    return names
