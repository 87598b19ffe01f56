"""One listing day's related papers, scored against kept segments instead of the whole archive.

The same computation as related.py's `_related_days` for one day, over the words that day needs
only: its papers' words, numbered in sorted order (the order the whole archive's sorted vocabulary
gives them, so every sum runs in the same order and every tie breaks the same way), their
document frequencies over the papers so far, and the postings of the words its queries keep.
Without SciPy (csr.py: the same sums in the same order): a daily build does not import it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sitegen.search.related import best_of, count_words, queries, weigh
from sitegen.search.related_segments import Segment, as_bytes, gather, word_frequencies
from sitegen.store.models import Paper

DayLists = list[list[list[object]]]  # per paper: [[paper number, [shared words]], ...]


def related_by_day(papers: Sequence[Paper], start: int, end: int, before: Sequence[Segment]) -> tuple[DayLists, Segment]:
    """The lists of papers[start:end] (one listing day), given the segments of every paper
    before `start`; and the day's own postings as a segment."""
    words, counts = count_words(papers[start:end])
    count = end - start
    matrix = weigh(counts)
    encoded = as_bytes(words)
    own = Segment.of_words(matrix.transposed(), encoded, start)
    # Papers so far with each word: those before the day, then the day's own.
    df = word_frequencies(before, encoded) + np.bincount(counts.indices, minlength=len(words)).astype(np.int64)
    idf = np.log(1 + (end - df + 0.5) / (df + 0.5))
    todo = list(range(count))
    query = queries(matrix, todo, idf, df, end)
    used = np.unique(query.indices).astype(np.int64)
    listed = gather([*before, own], encoded[used], used, len(words), end)
    scores = query.times(listed)
    by_paper = listed.transposed()  # each paper's weights for the words the queries use
    picked = best_of(scores, [start + row for row in todo], query, by_paper)
    return [[[column, [words[t] for t in shares]] for column, shares in lists] for lists in picked], own
