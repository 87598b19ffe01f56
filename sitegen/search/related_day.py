"""One listing day's related papers, scored against kept segments instead of the whole archive.

The same computation as related.py's `_related_days` for one day, over the words that day needs
only: its papers' words, numbered in sorted order (the order the whole archive's sorted vocabulary
gives them, so every sum runs in the same order and every tie breaks the same way), their
document frequencies over the papers so far, and the postings of the words its queries keep.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from sitegen.search.related import best_of, count_rows, queries, weights
from sitegen.search.related_segments import Segment, as_bytes, gather, word_frequencies
from sitegen.search.text import Vocabulary, terms
from sitegen.store.models import Paper
from sitegen.text.readable import readable

DayLists = list[list[list[object]]]  # per paper: [[paper number, [shared words]], ...]


def related_by_day(papers: Sequence[Paper], start: int, end: int, before: Sequence[Segment]) -> tuple[DayLists, Segment]:
    """The lists of papers[start:end] (one listing day), given the segments of every paper
    before `start`; and the day's own postings as a segment."""
    vocabulary = Vocabulary()
    term_ids, title_words, abstract_words = array("i"), array("i"), array("i")
    for paper in papers[start:end]:
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
    count = end - start
    indptr = np.r_[0, np.cumsum([len(columns) for columns, _ in rows])].astype(np.int64)
    columns = np.concatenate([c for c, _ in rows]).astype(np.int64) if rows else np.zeros(0, np.int64)
    data = np.concatenate([d for _, d in rows]).astype(np.int32) if rows else np.zeros(0, np.int32)
    counts = sparse.csr_matrix((data, columns, indptr), shape=(count, len(words)))
    matrix = weights(counts)
    encoded = as_bytes(words.tolist())
    own = Segment.of_rows(matrix, encoded, 0, count, start)
    # Papers so far with each word: those before the day, then the day's own.
    df = word_frequencies(before, encoded) + np.bincount(columns, minlength=len(words)).astype(np.int64)
    idf = np.log(1 + (end - df + 0.5) / (df + 0.5))
    todo = list(range(count))
    query = queries(matrix, todo, idf, df, end)
    used = np.unique(query.indices).astype(np.int64)
    listed = gather([*before, own], encoded[used], used, len(words), end)
    scores = (query @ listed).tocsr()
    by_paper = listed.T.tocsr()  # each paper's weights for the words the queries use
    picked = best_of(scores, [start + row for row in todo], query, by_paper)
    names = words.tolist()
    return [[[column, [names[t] for t in shares]] for column, shares in lists] for lists in picked], own
