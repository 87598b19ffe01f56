"""Related papers: for each paper, up to RELATED papers most similar in title and abstract, each
with the words they share.

The rule that keeps old pages stable: a paper's related papers are chosen among the papers
listed up to and including its own first day, with word weights (idf) counted over those papers
only. So adding a day never changes what an older paper page shows, and a clean build gives the
same lists as years of daily builds.

Similarity is a cosine of BM25-saturated term counts (title words count twice), weighted by idf
squared: `sum_t idf(t)^2 * s(p, t) * s(c, t) / (|s(p)| |s(c)|)`. The norms use no idf, so a
candidate's vector does not depend on the day it is compared on. Each paper's query keeps its
QUERY_TERMS strongest words that are in at most COMMON of the papers so far; the products
run in scipy's sparse matrix code, one listing day at a time.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import orjson

from sitegen.forkpool import default_workers, fork_map
from sitegen.search.csr import Csr, pair_products
from sitegen.search.text import Vocabulary, terms
from sitegen.store.models import Paper
from sitegen.text.readable import readable

if TYPE_CHECKING:  # SciPy is imported by the functions that use it: a build that computes no
    # related list (a daily build keeps them) does not pay its import (0.4 s).
    from scipy import sparse

RELATED = 5
SHARED_SHOWN = 3  # words named in "shares: ..."
QUERY_TERMS = 20
# A word in more than this share of the papers so far (or COMMON_FLOOR papers) says little about
# a paper, and would make every product row dense.
COMMON, COMMON_FLOOR = 0.05, 25
MIN_SCORE = 0.05  # below this, a paper is not shown as related
K1, B, LENGTH = 1.2, 0.75, 150.0  # BM25 saturation, against a fixed typical length


@dataclass(frozen=True, slots=True)
class Related:
    arxiv_id: str
    shares: tuple[str, ...]


def word_counts(papers: Sequence[Paper]) -> tuple[list[str], sparse.csr_matrix]:
    """The vocabulary (sorted) and each paper's word counts (title words twice) as rows over it."""
    words, counts = count_words(papers)
    return words, counts.to_scipy()


def count_words(papers: Sequence[Paper]) -> tuple[list[str], Csr]:
    """`word_counts` without SciPy: the same arrays."""
    vocabulary = Vocabulary()
    term_ids, title_words, abstract_words = array("i"), array("i"), array("i")
    for paper in papers:
        abstract = terms(readable(paper.abstract, paper.arxiv_id))
        title = terms(readable(paper.title, paper.arxiv_id))
        term_ids.extend(map(vocabulary.__getitem__, abstract))
        term_ids.extend(map(vocabulary.__getitem__, title))
        abstract_words.append(len(abstract))
        title_words.append(len(title))
    seen = np.array([term for term in vocabulary if term is not None], dtype=str)
    words = np.unique(seen) if len(seen) else np.array([], dtype=str)
    rows = count_rows(
        np.frombuffer(term_ids, dtype=np.int32),
        np.frombuffer(abstract_words, dtype=np.int32),
        np.frombuffer(title_words, dtype=np.int32),
        np.searchsorted(words, seen) if len(seen) else np.array([], dtype=np.int64),
        len(words),
    )
    indptr = np.r_[0, np.cumsum([len(columns) for columns, _ in rows])].astype(np.int64)
    indices = np.concatenate([columns for columns, _ in rows]).astype(np.int32) if rows else np.zeros(0, np.int32)
    data = np.concatenate([counted for _, counted in rows]).astype(np.int32) if rows else np.zeros(0, np.int32)
    return words.tolist(), Csr(indptr, indices, data, len(words))


def count_rows(
    term_ids: np.ndarray, abstract_words: np.ndarray, title_words: np.ndarray, column_of: np.ndarray, width: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each paper's (columns ascending, counts), from its abstract's then its title's term numbers
    (title words count twice)."""
    papers = len(abstract_words)
    if not papers:
        return []
    if not term_ids.size:  # no paper has a word (an archive of one paper with an empty abstract)
        return [(np.zeros(0, np.int64), np.zeros(0, np.int32))] * papers
    lengths = np.stack([abstract_words, title_words], axis=1).ravel().astype(np.int64)
    tokens = int(lengths.sum())
    # Every token as one number, row * width + column, then each title token once more (it counts
    # twice); sorted in place, a number's repeats are its count. Made in one array and counted
    # without np.unique's copies and inverse: a 100,000-paper archive has some 20 million
    # tokens, and this was the peak memory of the related papers stage.
    in_title = np.repeat(np.tile(np.array([False, True]), papers), lengths)
    keys = np.empty(tokens + int(np.count_nonzero(in_title)), dtype=np.int64)
    keys[:tokens] = np.repeat(np.repeat(np.arange(papers, dtype=np.int64) * width, 2), lengths)
    keys[:tokens] += column_of.astype(np.int32)[term_ids]
    keys[tokens:] = keys[:tokens][in_title]
    del in_title
    keys.sort()
    firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counted = np.diff(np.r_[firsts, len(keys)]).astype(np.int32)
    keys = keys[firsts]
    del firsts
    key_rows, columns = keys // width, keys % width
    bounds = np.searchsorted(key_rows, np.arange(papers + 1)).tolist()
    return [(columns[bounds[row] : bounds[row + 1]], counted[bounds[row] : bounds[row + 1]]) for row in range(papers)]


def related_papers(
    papers: Sequence[Paper], wanted: set[str] | None = None, counted: tuple[list[str], sparse.csr_matrix] | None = None
) -> dict[str, tuple[Related, ...]]:
    """Related papers of `wanted` (default: all), given every paper oldest first by first day and,
    optionally, their word counts from `word_counts`."""
    lists = related_lists(papers, wanted, counted)[0]
    return {
        arxiv_id: tuple(Related(papers[column].arxiv_id, tuple(shares)) for column, shares in entries)
        for arxiv_id, entries in lists.items()
    }


RawLists = dict[str, list[tuple[int, list[str]]]]  # arxiv_id -> [(paper number, shared words)]


def related_lists(
    papers: Sequence[Paper], wanted: set[str] | None = None, counted: tuple[list[str], sparse.csr_matrix] | None = None
) -> tuple[RawLists, sparse.csr_matrix]:
    """`related_papers` with papers by number, and the papers' word weights (rows over the
    sorted words), which related_state.py keeps for the days to come."""
    encoded, matrix = encoded_lists(papers, wanted, counted)
    return {arxiv_id: orjson.loads(entries) for arxiv_id, entries in encoded}, matrix


def encoded_lists(
    papers: Sequence[Paper], wanted: set[str] | None = None, counted: tuple[list[str], sparse.csr_matrix] | None = None
) -> tuple[list[tuple[str, bytes]], sparse.csr_matrix]:
    """`related_lists` with each paper's list as JSON (`[[paper number, [shared words]], ...]`),
    as related_state.py keeps it: decoding every list of the archive only to encode it again
    made some 200 MB of small objects at 100,000 papers, the related stage's peak."""
    global _SHARED
    words, counts = counted if counted is not None else word_counts(papers)
    matrix = weights(counts)
    # The counts are done with (the weights hold the same words); dropped before the workers
    # fork, as are a caller's references to them (they hand them in as `counted` only).
    del counts, counted
    if not papers:
        return [], matrix
    days: list[tuple[int, int]] = []
    start = 0
    while start < len(papers):
        end = start
        while end < len(papers) and papers[end].first_day == papers[start].first_day:
            end += 1
        days.append((start, end))
        start = end
    _SHARED = _Shared(papers, wanted, words, matrix, matrix.T.tocsr(), days)
    try:
        # A day's work grows with the papers listed so far: split the days where half of it is done.
        work = np.cumsum(
            [
                (end - start if wanted is None else sum(papers[r].arxiv_id in wanted for r in range(start, end))) * end
                for start, end in days
            ]
        )
        if default_workers() < 2 or work[-1] < PARALLEL_WORK:
            return _related_days((0, len(days))), matrix
        middle = int(np.searchsorted(work, work[-1] / 2)) + 1
        parts = list(fork_map(_related_days, [(0, middle), (middle, len(days))], 2))
        return [entry for part in parts for entry in part], matrix
    finally:
        _SHARED = None


# Above this much work (papers to relate times papers listed by then), the days are split
# between two forked processes: about 10,000 papers' worth.
PARALLEL_WORK = 10_000 * 5_000


@dataclass(frozen=True)
class _Shared:
    """What the forked workers inherit (nothing is pickled on the way in)."""

    papers: Sequence[Paper]
    wanted: set[str] | None
    words: list[str]
    matrix: sparse.csr_matrix  # every weight is positive: its structure is which paper has which word
    by_term: sparse.csr_matrix
    days: list[tuple[int, int]]


_SHARED: _Shared | None = None


def _related_days(span: tuple[int, int]) -> list[tuple[str, bytes]]:
    """The lists of the papers of days span[0] up to span[1] (what a worker returns), each as
    (arxiv_id, JSON of [[related paper number, [shared words]], ...])."""
    shared = _SHARED
    assert shared is not None
    papers, wanted, matrix = shared.papers, shared.wanted, shared.matrix
    rows = Csr.of(matrix)
    first = shared.days[span[0]][0] if span[0] < len(shared.days) else len(papers)
    # The papers listed before the first day, as the days before would have counted them (the
    # weights' structure says which paper has which word: no weight is zero).
    df = np.bincount(matrix.indices[: matrix.indptr[first]], minlength=len(shared.words)).astype(np.int64)
    result: list[tuple[str, bytes]] = []
    for start, end in shared.days[span[0] : span[1]]:
        np.add.at(df, matrix.indices[matrix.indptr[start] : matrix.indptr[end]], 1)
        todo = [row for row in range(start, end) if wanted is None or papers[row].arxiv_id in wanted]
        if todo:
            idf = np.log(1 + (end - df + 0.5) / (df + 0.5))
            query = queries(rows, todo, idf, df, end)
            scores = (query.to_scipy() @ _listed_so_far(shared.by_term, query, df)).tocsr()
            for row, picked in zip(todo, best_of(Csr.of(scores), todo, query, rows), strict=True):
                entries = [[column, [shared.words[t] for t in shares]] for column, shares in picked]
                # Copied to a bytes of its own size: orjson's result keeps the 4 KB buffer it
                # wrote into, and 100,000 of them held 400 MB.
                result.append((papers[row].arxiv_id, memoryview(orjson.dumps(entries)).tobytes()))
    return result


def _listed_so_far(by_term: sparse.csr_matrix, query: Csr, df: np.ndarray) -> sparse.csr_matrix:
    """The rows of `by_term` the queries use, each cut to the papers listed so far: a term's
    papers are ascending, and the first df[term] of them are those. Without the cut a day's
    products would also score every later paper (and the whole build grow with the square of
    the archive)."""
    from scipy import sparse

    used = np.zeros(by_term.shape[0], dtype=bool)
    used[query.indices] = True
    lengths = np.where(used, df, 0).astype(np.int64)
    starts = by_term.indptr[:-1].astype(np.int64)
    take = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    indptr = np.r_[0, np.cumsum(lengths)]
    return sparse.csr_matrix((by_term.data[take], by_term.indices[take], indptr), shape=by_term.shape)


def weights(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows of BM25-saturated counts, each scaled to length 1."""
    return weigh(Csr.of(counts)).to_scipy()


def weigh(counts: Csr) -> Csr:
    """`weights` without SciPy: the same values."""
    data = counts.data.astype(np.float64)
    rows = np.repeat(np.arange(counts.height), np.diff(counts.indptr))
    # Sums of whole numbers: exact in any order.
    lengths = np.bincount(rows, weights=data, minlength=counts.height)
    norm = K1 * (1 - B + B * lengths[rows] / LENGTH)
    values = data * (K1 + 1) / (data + norm)
    # Per-row sums that also hold for rows without words (a paper with an empty abstract).
    sizes = np.sqrt(np.bincount(rows, weights=values * values, minlength=counts.height))
    sizes[sizes == 0] = 1.0
    return Csr(counts.indptr.astype(np.int64), counts.indices.astype(np.int64), values / sizes[rows], counts.width)


def queries(matrix: Csr, rows: list[int], idf: np.ndarray, df: np.ndarray, papers: int) -> Csr:
    """Each paper's strongest words, weighted by idf squared (over the papers so far)."""
    picked = matrix.rows(rows)
    owner = np.repeat(np.arange(len(rows)), np.diff(picked.indptr))
    columns, values = picked.indices.astype(np.int64), picked.data
    useful = (df[columns] >= 2) & (df[columns] <= max(COMMON_FLOOR, COMMON * papers))
    owner, columns, values = owner[useful], columns[useful], values[useful]
    strength = values * idf[columns]
    # Strongest first; equal strengths by term (sorted ids): a total order. Then the first
    # QUERY_TERMS of each paper, back in column order.
    order = np.lexsort((columns, -strength, owner))
    owner, columns, values = owner[order], columns[order], values[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    kept = rank < QUERY_TERMS
    owner, columns, values = owner[kept], columns[kept], values[kept]
    order = np.lexsort((columns, owner))
    owner, columns, values = owner[order], columns[order], values[order]
    indptr = np.searchsorted(owner, np.arange(len(rows) + 1))
    return Csr(indptr.astype(np.int64), columns, values * idf[columns] ** 2, matrix.width)


def best_of(scores: Csr, todo: list[int], query: Csr, matrix: Csr) -> list[list[tuple[int, list[int]]]]:
    """For each query row: its RELATED most similar papers, each with the SHARED_SHOWN words
    that add most to the similarity (as word numbers)."""
    pairs: list[tuple[int, int]] = []  # (query row, paper)
    for i, row in enumerate(todo):
        columns = scores.indices[scores.indptr[i] : scores.indptr[i + 1]]
        values = scores.data[scores.indptr[i] : scores.indptr[i + 1]]
        # Not itself, similar enough (only papers listed so far were scored).
        useful = (columns != row) & (values >= MIN_SCORE)
        columns, values = columns[useful], values[useful]
        if len(values) > RELATED:
            # Only the best few need sorting: everything at least as good as the RELATED-th value.
            threshold = np.partition(values, len(values) - RELATED)[len(values) - RELATED]
            best = values >= threshold
            columns, values = columns[best], values[best]
        # Most similar first; equal scores: the newer paper (a larger column) first.
        order = np.lexsort((-columns, -values))[:RELATED]
        pairs.extend((i, column) for column in columns[order].tolist())
    picked: list[list[tuple[int, list[int]]]] = [[] for _ in todo]
    if not pairs:
        return picked
    left, right = zip(*pairs, strict=True)
    # Each shared word's part of the similarity: the query's weight times the paper's.
    owner, columns, products = pair_products(query, list(left), matrix, list(right))
    order = np.lexsort((columns, -products, owner))
    owner, shared_words = owner[order], columns[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    kept = rank < SHARED_SHOWN
    owner, shared_words = owner[kept].tolist(), shared_words[kept].tolist()
    shares: list[list[int]] = [[] for _ in pairs]
    for pair, term in zip(owner, shared_words, strict=True):
        shares[pair].append(term)
    for (i, column), shared in zip(pairs, shares, strict=True):
        picked[i].append((column, shared))
    return picked
