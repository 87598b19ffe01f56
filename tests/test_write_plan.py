"""Writing the plan in rounds: every planned file is written once with its bytes, whichever
round's worker or this process rendered it, and each round forks its own workers (a worker that
lived for the whole plan copied most of the archive: output/plan.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import forkpool
from sitegen.output import plan as plan_module
from sitegen.output.plan import Planned, write_plan
from sitegen.output.writer import SiteWriter


def _page(number: int, log: Path) -> Planned:
    path = f"pages/{number}/index.html"

    def render() -> list[tuple[str, bytes]]:
        with log.open("a", encoding="utf-8") as handle:  # a file: forked workers write it too
            handle.write(f"{os.getpid()} {number}\n")
        return [(path, f"page {number}\n".encode())]

    return Planned((path,), f"key {number}".encode(), render, "page")


def test_every_item_is_written_once_by_fresh_workers_round_after_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "BATCH", 3)
    monkeypatch.setattr(plan_module, "ROUND", 2)
    monkeypatch.setattr(plan_module, "MIN_ITEMS_PER_WORKER", 1)
    output, log = tmp_path / "site", tmp_path / "rendered-by"
    writer = SiteWriter(output)
    writer.claim()
    plan = [_page(number, log) for number in range(60)]  # 20 batches: 5 rounds of 4 on 2 processes
    rounds: list[list[int]] = []

    def one_pool(task, items, workers, *, ordered=True):  # type: ignore[no-untyped-def]
        rounds.append(list(items))
        return forkpool.fork_map(task, items, workers, ordered=ordered)

    monkeypatch.setattr(plan_module, "fork_map", one_pool)

    rendered = write_plan(plan, writer, workers=2)

    assert rendered == plan
    by = [tuple(map(int, line.split())) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(number for _, number in by) == list(range(60))  # each item once
    for number in range(60):
        assert (output / f"pages/{number}/index.html").read_bytes() == f"page {number}\n".encode()
    assert sorted(writer.entries) == sorted(f"pages/{number}/index.html" for number in range(60))
    # A pool (fresh workers) per round of 2 x ROUND batches, the rounds in the plan's order.
    assert rounds == [[0, 3, 6, 9], [12, 15, 18, 21], [24, 27, 30, 33], [36, 39, 42, 45], [48, 51, 54, 57]]
