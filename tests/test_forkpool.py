"""The build's one fork-pool helper: every item runs once, results keep their order, this process
works beside one forked worker fewer, and a failure in either stops the map."""

from __future__ import annotations

import os

import pytest

from sitegen.forkpool import fork_map


def _square_with_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


@pytest.mark.parametrize("workers", [2, 3])
def test_every_item_runs_once_in_order_here_and_in_fewer_forked_workers(workers: int) -> None:
    items = list(range(200))
    results = list(fork_map(_square_with_pid, items, workers))
    assert [square for square, _ in results] == [n * n for n in items]
    processes = {pid for _, pid in results}
    # This process is one of the workers: at most workers - 1 others were forked.
    assert len(processes - {os.getpid()}) <= workers - 1


def test_unordered_results_are_each_item_once() -> None:
    results = list(fork_map(_square_with_pid, range(300), 2, ordered=False))
    assert sorted(square for square, _ in results) == [n * n for n in range(300)]


def _fail_on(number: int) -> int:
    if number == 7:
        raise ValueError("item 7 is bad")
    return number


@pytest.mark.parametrize("ordered", [True, False])
def test_a_failing_item_stops_the_map_with_its_error(ordered: bool) -> None:
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(fork_map(_fail_on, range(20), 2, ordered=ordered))
    # ...and the helper can be used again (no task left behind).
    assert list(fork_map(_fail_on, range(5), 2)) == [0, 1, 2, 3, 4]


def test_with_one_worker_everything_runs_here() -> None:
    results = list(fork_map(_square_with_pid, range(10), 1))
    assert results == [(n * n, os.getpid()) for n in range(10)]
