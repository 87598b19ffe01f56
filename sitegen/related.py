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
from scipy import sparse

from sitegen.models import Paper
from sitegen.search_text import terms
from sitegen.tex import readable_tex

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


def related_papers(papers: Sequence[Paper], wanted: set[str] | None = None) -> dict[str, tuple[Related, ...]]:
    """Related papers of `wanted` (default: all), given every paper oldest first by first day."""
    if not papers:
        return {}
    vocabulary: dict[str, int] = {}
    counted: list[Counter[str]] = []
    for paper in papers:
        found = Counter(terms(readable_tex(paper.abstract)))
        for term in terms(readable_tex(paper.title)):
            found[term] += 2
        counted.append(found)
        for term in found:
            vocabulary.setdefault(term, 0)
    # Ids in sorted order: the same terms keep the same relative order in any archive, so sums
    # run in the same order and give the same bits.
    words = sorted(vocabulary)
    vocabulary = {term: number for number, term in enumerate(words)}
    matrix = _weights(counted, vocabulary)
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


def _weights(counted: list[Counter[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Rows of BM25-saturated counts, each scaled to length 1."""
    indptr, indices, data = [0], [], []
    for found in counted:
        length = sum(found.values())
        norm = K1 * (1 - B + B * length / LENGTH)
        row = sorted((vocabulary[term], count * (K1 + 1) / (count + norm)) for term, count in found.items())
        size = float(np.sqrt(sum(value * value for _, value in row))) or 1.0
        indices.extend(column for column, _ in row)
        data.extend(value / size for _, value in row)
        indptr.append(len(indices))
    shape = (len(counted), len(vocabulary))
    return sparse.csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)), shape=shape)


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
