"""The related papers of a new day are computed without SciPy (search/csr.py), and every value is
SciPy's, bit for bit: so a daily build's lists are a clean build's, and it does not import SciPy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from sitegen.search.csr import Csr, pair_products

REPO = Path(__file__).resolve().parent.parent


def _random(seed: int, height: int, width: int, density: float) -> sparse.csr_matrix:
    generator = np.random.default_rng(seed)
    # Values of very different sizes: sums in another order would round differently.
    matrix = sparse.random(height, width, density=density, format="csr", random_state=generator, dtype=np.float64)
    matrix.data = matrix.data * 10.0 ** generator.integers(-8, 8, size=len(matrix.data))
    matrix.sort_indices()
    return matrix


def _dense_bits(matrix: sparse.csr_matrix | Csr) -> np.ndarray:
    scipy_matrix = matrix.to_scipy() if isinstance(matrix, Csr) else matrix
    return np.asarray(scipy_matrix.toarray()).view(np.int64)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_product_adds_in_scipys_order(seed: int) -> None:
    left, right = _random(seed, 30, 400, 0.05), _random(seed + 10, 400, 2000, 0.05)
    ours = Csr.of(left).times(Csr.of(right))
    assert np.array_equal(_dense_bits(ours), _dense_bits(left @ right))  # every bit of every sum
    assert ours.to_scipy().nnz == (left @ right).nnz


def test_rows_and_transpose_are_scipys() -> None:
    matrix = _random(4, 50, 300, 0.1)
    rows = [7, 3, 3, 49, 0]
    assert np.array_equal(_dense_bits(Csr.of(matrix).rows(rows)), _dense_bits(matrix[rows]))
    transposed = Csr.of(matrix).transposed()
    assert np.array_equal(_dense_bits(transposed), _dense_bits(matrix.T.tocsr()))
    columns = matrix.tocsc()
    assert np.array_equal(transposed.indptr, columns.indptr) and np.array_equal(transposed.indices, columns.indices)


def test_pair_products_are_scipys_elementwise_products() -> None:
    left, right = _random(5, 20, 200, 0.2), _random(6, 40, 200, 0.2)
    left_rows, right_rows = [0, 0, 5, 19, 7], [39, 1, 1, 0, 7]
    pair, column, product = pair_products(Csr.of(left), left_rows, Csr.of(right), right_rows)
    expected = left[left_rows].multiply(right[right_rows]).tocsr()
    expected.sort_indices()
    owner = np.repeat(np.arange(len(left_rows)), np.diff(expected.indptr))
    assert np.array_equal(pair, owner) and np.array_equal(column, expected.indices)
    assert np.array_equal(product.view(np.int64), expected.data.view(np.int64))


def test_a_new_day_is_related_without_importing_scipy(tmp_path: Path) -> None:
    """Relating one new day to kept days leaves SciPy unimported (in a fresh process)."""
    script = textwrap.dedent(
        f"""
        import datetime as dt, sys
        from pathlib import Path
        from sitegen.search.related_state import update_related
        from sitegen.store.models import Paper

        words = ["adapter rank vision", "expert routing load", "zebrafish larvae fins", "vision expert fins"]
        def paper(number):
            return Paper(
                arxiv_id=f"2603.{{number:05d}}", title=f"Paper {{number}} on " + words[number % 4],
                abstract=words[number % 4] + " " + words[(number + 1) % 4] + f" study {{number}}",
                authors=("A",), listing_days=(dt.date(2026, 3, 1) + dt.timedelta(days=number // 5),),
            )
        papers = [paper(number) for number in range(40)]
        state = Path({str(tmp_path / "related")!r})
        """
    )
    # The first 35 papers (7 days) computed from scratch, with SciPy; then a new day, in a fresh process.
    first = script + "update_related(state, papers[:35], {p.arxiv_id: b'v' * 16 for p in papers})\n"
    then = script + textwrap.dedent(
        """
        found = update_related(state, papers, {p.arxiv_id: b'v' * 16 for p in papers})
        assert found.computed == 5, found.computed
        print("scipy" in sys.modules)
        """
    )
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", first], check=True, env=env)
    result = subprocess.run([sys.executable, "-c", then], check=True, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False"
