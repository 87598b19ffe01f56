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

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import orjson
from scipy import sparse

from sitegen.store.models import Paper
from sitegen.search.text import terms
from sitegen.text.readable import readable

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


def chain_keys(papers: Sequence[Paper], versions: Mapping[str, bytes]) -> dict[str, bytes]:
    """For each paper, a digest of every paper listed up to the end of its first day (ids and
    store versions, oldest first): its related papers change exactly when this key does."""
    keys: dict[str, bytes] = {}
    hasher = hashlib.blake2b(b"related|1", digest_size=16)
    for index, paper in enumerate(papers):
        hasher.update(paper.arxiv_id.encode())
        hasher.update(versions.get(paper.arxiv_id, b""))
        if index + 1 == len(papers) or papers[index + 1].first_day != paper.first_day:
            digest = hasher.copy().digest()
            for same_day in papers[index::-1]:
                if same_day.first_day != paper.first_day:
                    break
                keys[same_day.arxiv_id] = digest
    return keys


Counts = tuple[bytes, bytes, bytes, bytes]  # JSON [words, ids, versions], then indptr, indices, data


def word_counts(papers: Sequence[Paper], versions: Mapping[str, bytes] | None = None, cache: object = None) -> tuple[list[str], sparse.csr_matrix, Counts]:
    """The vocabulary (sorted), each paper's word counts (title words twice) as rows over it, and
    those counts as bytes to keep for the next build: a paper whose store version is unchanged is
    not read again, so a new day costs its own papers' words."""
    known: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    cached_words = np.array([], dtype=str)
    if isinstance(cache, tuple) and len(cache) == 4 and versions is not None:
        try:
            listed, ids, saved_versions = orjson.loads(cache[0])
            cached_words = np.array(listed, dtype=str)
            indptr = np.frombuffer(cache[1], dtype=np.int64)
            indices = np.frombuffer(cache[2], dtype=np.int32)
            data = np.frombuffer(cache[3], dtype=np.int32)
            for row, (arxiv_id, version) in enumerate(zip(ids, saved_versions)):
                if versions.get(arxiv_id, b"").hex() == version:
                    known[arxiv_id] = (indices[indptr[row] : indptr[row + 1]], data[indptr[row] : indptr[row + 1]])
        except (ValueError, TypeError, IndexError, orjson.JSONDecodeError):
            known = {}  # an unreadable cache only costs reading every paper again
    fresh: dict[str, Counter[str]] = {}
    for paper in papers:
        if paper.arxiv_id not in known:
            found = Counter(terms(readable(paper.abstract, paper.arxiv_id)))
            for term in terms(readable(paper.title, paper.arxiv_id)):
                found[term] += 2
            fresh[paper.arxiv_id] = found
    used = np.unique(np.concatenate([cached_words[indices] for indices, _ in known.values()])) if known else np.array([], dtype=str)
    new_words = sorted({term for found in fresh.values() for term in found})
    words_array = np.unique(np.concatenate([used.astype(str), np.array(new_words, dtype=str)])) if (len(used) or new_words) else np.array([], dtype=str)
    # Sorted order on both sides: remapping keeps each cached row's columns ascending.
    remap = np.searchsorted(words_array, cached_words) if len(cached_words) else np.array([], dtype=np.int64)
    position = {term: int(i) for term, i in zip(new_words, np.searchsorted(words_array, np.array(new_words, dtype=str)))} if new_words else {}
    indptr_out, indices_out, data_out = [0], [], []
    for paper in papers:
        if paper.arxiv_id in known:
            old_indices, old_data = known[paper.arxiv_id]
            indices_out.append(remap[old_indices])
            data_out.append(old_data)
        else:
            row = sorted((position[term], count) for term, count in fresh[paper.arxiv_id].items())
            indices_out.append(np.array([column for column, _ in row], dtype=np.int64))
            data_out.append(np.array([count for _, count in row], dtype=np.int32))
        indptr_out.append(indptr_out[-1] + len(indices_out[-1]))
    indices_all = np.concatenate(indices_out).astype(np.int32) if indices_out else np.array([], dtype=np.int32)
    data_all = np.concatenate(data_out).astype(np.int32) if data_out else np.array([], dtype=np.int32)
    counts = sparse.csr_matrix((data_all, indices_all, np.array(indptr_out, dtype=np.int64)), shape=(len(papers), len(words_array)))
    words = words_array.tolist()
    header = orjson.dumps([words, [p.arxiv_id for p in papers], [(versions or {}).get(p.arxiv_id, b"").hex() for p in papers]])
    saved: Counts = (header, counts.indptr.astype(np.int64).tobytes(), indices_all.tobytes(), data_all.tobytes())
    return words, counts, saved


def related_papers(
    papers: Sequence[Paper], wanted: set[str] | None = None, counted: tuple[list[str], sparse.csr_matrix] | None = None
) -> dict[str, tuple[Related, ...]]:
    """Related papers of `wanted` (default: all), given every paper oldest first by first day and,
    optionally, their word counts from `word_counts`."""
    if not papers:
        return {}
    words, counts = counted if counted is not None else word_counts(papers)[:2]
    matrix = _weights(counts)
    by_term = matrix.T.tocsr()
    present = (matrix > 0).astype(np.int64).tocsr()
    df = np.zeros(len(words), dtype=np.int64)
    result: dict[str, tuple[Related, ...]] = {}
    start = 0
    while start < len(papers):
        end = start
        while end < len(papers) and papers[end].first_day == papers[start].first_day:
            end += 1
        np.add.at(df, present.indices[present.indptr[start] : present.indptr[end]], 1)
        todo = [row for row in range(start, end) if wanted is None or papers[row].arxiv_id in wanted]
        if todo:
            idf = np.log(1 + (end - df + 0.5) / (df + 0.5))
            query = _queries(matrix, todo, idf, df, end)
            scores = (query @ by_term).tocsr()
            for i, row in enumerate(todo):
                result[papers[row].arxiv_id] = _best(scores, i, row, end, query, matrix, papers, words)
        start = end
    return result


def _weights(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows of BM25-saturated counts, each scaled to length 1."""
    counts = counts.astype(np.float64)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    norm = K1 * (1 - B + B * lengths[rows] / LENGTH)
    values = counts.data * (K1 + 1) / (counts.data + norm)
    # Per-row sums that also hold for rows without words (a paper with an empty abstract).
    sizes = np.sqrt(np.bincount(rows, weights=values * values, minlength=counts.shape[0]))
    sizes[sizes == 0] = 1.0
    return sparse.csr_matrix((values / sizes[rows], counts.indices.astype(np.int64), counts.indptr.astype(np.int64)), shape=counts.shape)


def _queries(matrix: sparse.csr_matrix, rows: list[int], idf: np.ndarray, df: np.ndarray, papers: int) -> sparse.csr_matrix:
    """Each paper's strongest words, weighted by idf squared (over the papers so far)."""
    indptr, indices, data = [0], [], []
    for row in rows:
        columns = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        values = matrix.data[matrix.indptr[row] : matrix.indptr[row + 1]]
        useful = (df[columns] >= 2) & (df[columns] <= max(COMMON_FLOOR, COMMON * papers))
        columns, values = columns[useful], values[useful]
        strength = values * idf[columns]
        # Strongest first; equal strengths by term (sorted ids): a total order.
        keep = np.lexsort((columns, -strength))[:QUERY_TERMS]
        keep.sort()
        indices.extend(columns[keep].tolist())
        data.extend((values[keep] * idf[columns[keep]] ** 2).tolist())
        indptr.append(len(indices))
    return sparse.csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)), shape=(len(rows), matrix.shape[1]))


def _best(scores: sparse.csr_matrix, i: int, row: int, end: int, query: sparse.csr_matrix, matrix: sparse.csr_matrix, papers: Sequence[Paper], words: list[str]) -> tuple[Related, ...]:
    columns = scores.indices[scores.indptr[i] : scores.indptr[i + 1]]
    values = scores.data[scores.indptr[i] : scores.indptr[i + 1]]
    # Listed up to this paper's day (columns are oldest first), not itself, similar enough.
    useful = (columns < end) & (columns != row) & (values >= MIN_SCORE)
    columns, values = columns[useful], values[useful]
    if len(values) > RELATED:
        # Only the best few need sorting: everything at least as good as the RELATED-th value.
        threshold = np.partition(values, len(values) - RELATED)[len(values) - RELATED]
        best = values >= threshold
        columns, values = columns[best], values[best]
    # Most similar first; equal scores: the newer paper (a larger column) first.
    order = np.lexsort((-columns, -values))[:RELATED]
    picked = []
    query_terms = dict(zip(query.indices[query.indptr[i] : query.indptr[i + 1]].tolist(), query.data[query.indptr[i] : query.indptr[i + 1]].tolist()))
    for column in columns[order].tolist():
        theirs = matrix.indices[matrix.indptr[column] : matrix.indptr[column + 1]].tolist()
        their_values = matrix.data[matrix.indptr[column] : matrix.indptr[column + 1]].tolist()
        shared = sorted(((query_terms[t] * v, t) for t, v in zip(theirs, their_values) if t in query_terms), key=lambda pair: (-pair[0], pair[1]))
        picked.append(Related(papers[column].arxiv_id, tuple(words[t] for _, t in shared[:SHARED_SHOWN])))
    return tuple(picked)
