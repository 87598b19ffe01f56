"""Sparse rows in plain NumPy arrays, with the few operations the related papers of one new day
need, computed exactly as SciPy's sparse code computes them.

A daily build relates a few dozen papers; importing SciPy alone would take longer than that
(0.3 to 0.9 s). So the day's path (related_day.py) works on `Csr`, SciPy's compressed-row layout
without SciPy: same arrays, and every sum added in the order SciPy adds it, so a day computed
here gets the lists a clean build gets from SciPy, bit for bit (tests/test_related_state.py,
tests/test_csr.py). The whole-archive path keeps SciPy (its products run over 100,000 rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse


@dataclass(frozen=True)
class Csr:
    """A height x width matrix by rows: row r's entries are indices/data[indptr[r]:indptr[r + 1]]."""

    indptr: np.ndarray  # int64, height + 1
    indices: np.ndarray  # column of each entry
    data: np.ndarray  # value of each entry
    width: int

    @property
    def height(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def of(cls, matrix: sparse.csr_matrix) -> Csr:
        """The same arrays as a SciPy CSR matrix (not copied)."""
        return cls(matrix.indptr.astype(np.int64, copy=False), matrix.indices, matrix.data, int(matrix.shape[1]))

    @classmethod
    def empty(cls, height: int, width: int) -> Csr:
        return cls(np.zeros(height + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64), width)

    def to_scipy(self) -> sparse.csr_matrix:
        from scipy import sparse

        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=(self.height, self.width))

    def rows(self, rows: np.ndarray | list[int]) -> Csr:
        """The given rows, in the given order (SciPy's `matrix[rows]`)."""
        wanted = np.asarray(rows, dtype=np.int64)
        starts = self.indptr[wanted]
        lengths = self.indptr[wanted + 1] - starts
        take = spans(starts, lengths)
        return Csr(np.r_[0, np.cumsum(lengths)].astype(np.int64), self.indices[take], self.data[take], self.width)

    def transposed(self) -> Csr:
        """The transpose by rows, each row's columns ascending (SciPy's `.T.tocsr()`, or the
        columns of `.tocsc()`)."""
        order = np.argsort(self.indices, kind="stable")  # entries are in row order: rows stay ascending
        owner = np.repeat(np.arange(self.height, dtype=np.int64), np.diff(self.indptr))
        counts = np.bincount(self.indices, minlength=self.width) if len(self.indices) else np.zeros(self.width, np.int64)
        return Csr(np.r_[0, np.cumsum(counts)].astype(np.int64), owner[order], self.data[order], self.height)

    def times(self, other: Csr) -> Csr:
        """The matrix product, each sum added as SciPy's csr_matmat adds it: for each row, over
        this row's entries in their order, each product `a * b` into its column, from zero;
        columns whose sum is zero are left out, as SciPy leaves them out. Columns ascending
        (SciPy leaves them in another order; the values are the same)."""
        starts = other.indptr[self.indices]
        lengths = other.indptr[self.indices + 1] - starts
        take = spans(starts, lengths)
        entry = np.repeat(np.arange(len(self.indices), dtype=np.int64), lengths)
        products = self.data[entry] * other.data[take]
        columns = other.indices[take].astype(np.int64)
        # Where each row's products begin: the entries of a row are consecutive.
        bounds = np.r_[0, np.cumsum(lengths)][self.indptr]
        indptr, found, values = [0], [], []
        for row in range(self.height):
            begin, end = int(bounds[row]), int(bounds[row + 1])
            # bincount adds its weights one by one in array order: SciPy's order.
            sums = np.bincount(columns[begin:end], weights=products[begin:end], minlength=other.width)
            nonzero = np.flatnonzero(sums)
            found.append(nonzero)
            values.append(sums[nonzero])
            indptr.append(indptr[-1] + len(nonzero))
        return Csr(
            np.array(indptr, dtype=np.int64),
            np.concatenate(found) if found else np.zeros(0, np.int64),
            np.concatenate(values) if values else np.zeros(0, np.float64),
            other.width,
        )


def spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions starts[i] .. starts[i] + lengths[i] - 1 of every i, one after the other."""
    lengths = lengths.astype(np.int64)
    total = int(lengths.sum())
    offsets = np.r_[0, np.cumsum(lengths)[:-1]] if len(lengths) else np.zeros(0, np.int64)
    return np.repeat(starts.astype(np.int64) - offsets, lengths) + np.arange(total, dtype=np.int64)


Triples = tuple[np.ndarray, np.ndarray, np.ndarray]


def pair_products(left: Csr, left_rows: list[int], right: Csr, right_rows: list[int]) -> Triples:
    """For each pair i of rows (left_rows[i] of `left`, right_rows[i] of `right`), the columns
    both have and the product of their values there (SciPy's `left[l].multiply(right[r])`):
    as (pair, column, product) arrays, by pair then column. Each row's columns must be unique."""
    a, b = left.rows(left_rows), right.rows(right_rows)
    width = max(left.width, right.width, 1)
    a_keys = np.repeat(np.arange(a.height, dtype=np.int64), np.diff(a.indptr)) * width + a.indices
    b_keys = np.repeat(np.arange(b.height, dtype=np.int64), np.diff(b.indptr)) * width + b.indices
    keys, in_a, in_b = np.intersect1d(a_keys, b_keys, assume_unique=True, return_indices=True)
    return keys // width, keys % width, a.data[in_a] * b.data[in_b]
