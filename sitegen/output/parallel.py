"""Render and write page jobs on every core.

Workers are forked after the site model is built, so they inherit the model, the compiled
templates and the job list without pickling any of it; each renders a share of the jobs and
writes the files itself, and sends back only small WriteResults. Where fork is unavailable, or
there are few jobs, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from sitegen.gcpause import gc_paused
from sitegen.output.writer import SiteWriter, WriteResult

Job = TypeVar("Job")
MIN_JOBS_PER_WORKER = 400  # below this, forking costs more than it saves
BATCH = 250  # jobs per task: small enough to balance the cores, large enough to be cheap

# Set in the parent just before forking; workers read them (fork copies, nothing is pickled).
_WORK: tuple[Sequence[object], Callable[[object], tuple[str, bytes, bytes | None]], SiteWriter] | None = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def render_all(
    jobs: Sequence[Job],
    render: Callable[[Job], tuple[str, bytes, bytes | None]],
    writer: SiteWriter,
    workers: int | None = None,
    advance: Callable[[int], None] = lambda count: None,
) -> None:
    """`render(job)` gives (path, bytes, key); every result is written and recorded in `writer`.

    `advance(n)` is told, in this process, each time n more jobs are written (a progress bar).
    """
    global _WORK
    workers = min(workers or default_workers(), max(1, len(jobs) // MIN_JOBS_PER_WORKER))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, len(jobs), BATCH):
            for job in jobs[start : start + BATCH]:
                path, content, key = render(job)
                writer.put(path, content, key)
            advance(len(jobs[start : start + BATCH]))
        return
    _WORK = (jobs, render, writer)  # type: ignore[assignment]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for results in pool.imap_unordered(_render_batch, range(0, len(jobs), BATCH)):
                for result in results:
                    writer.record(result)
                advance(len(results))
    finally:
        _WORK = None


def _render_batch(start: int) -> list[WriteResult]:
    assert _WORK is not None
    jobs, render, writer = _WORK
    results = []
    with gc_paused():
        for job in jobs[start : start + BATCH]:
            path, content, key = render(job)
            results.append(writer.write(path, content, key))
    return results
