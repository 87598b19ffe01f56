"""The one way the build runs work on every core: forked workers that inherit what they need.

The build's parallel stages (tagging, rendering and writing pages, indexing search chunks) work
on large in-memory state: the archive, the site model, compiled templates. Pickling that to each
worker would cost more than the work, so the workers are forked after it exists and inherit it;
only indices go to them and small results come back. This process runs items too (see
`fork_map`). Where fork is unavailable, or with fewer than two
workers, everything runs in this process, in the same order.

Memory: a forked worker shares the parent's pages until either writes to one, so what the parent
holds counts once, however many workers there are; but freed memory that the C allocator keeps
for reuse is held in every process. Before forking, the parent gives that back to the system
(`release_free_memory`): after the related papers' matrices, about 550 MB at 100,000 papers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sitegen.errors import BuildError
from sitegen.gcpause import gc_paused

Item = TypeVar("Item")
Result = TypeVar("Result")

def release_free_memory() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim; elsewhere nothing).

    Python frees large objects (NumPy arrays, big strings) with free(), and glibc keeps the
    space for reuse, so a process stays as large as its peak; malloc_trim unmaps the free pages.
    Takes a few tens of milliseconds on a heap of a gigabyte."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


# The C library this process already runs on (CDLL(None) loads nothing new); None where the
# platform has no such handle.
try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None)
except (OSError, TypeError):
    _LIBC = None


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def workers_for(items: int, per_worker: int, workers: int | None = None) -> int:
    """How many workers `items` pieces of work deserve: at most one per `per_worker` items (below
    that, forking costs more than it saves) and at most `workers` (default: every core)."""
    return max(1, min(workers or default_workers(), items // per_worker))


def fork_map(task: Callable[[Item], Result], items: Sequence[Item], workers: int, *, ordered: bool = True) -> Iterator[Result]:
    """`task(item)` for every item, on `workers` processes: this one and `workers - 1` forked
    ones; results as they come (in the items' order when `ordered`). Iterate to the end: the
    pool lives as long as the iteration.

    This process works too, rather than wait: a forked worker copies every page of the parent's
    objects it reads (reading an object writes its reference count), so each worker holds its
    own copy of much of the archive, and one worker fewer is that much less memory at the same
    speed. The forked workers take items from the front, this process from the back, until they
    meet (`_Claims`); every item runs once."""
    global _RUNNING
    if workers < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield task(item)
        return
    if _RUNNING is not None:
        raise BuildError("fork_map called inside another fork_map; this is a bug in sitegen")
    context = multiprocessing.get_context("fork")
    claims = _Claims(context.Lock(), context.RawValue("q", 0), context.RawValue("q", len(items)))
    _RUNNING = (task, items, claims)
    release_free_memory()
    try:
        with context.Pool(min(workers, len(items)) - 1) as pool:
            answers = (pool.imap if ordered else pool.imap_unordered)(_run, range(len(items)))
            mine: dict[int, Result] = {}  # results of the items this process ran, until their turn

            def passed_on(answer: tuple[int, bool, Any]) -> Result:
                index, ran, result = answer
                # Not ran: this process had claimed the item, and it claims one at a time, so
                # by the time the answer is read here its result is in `mine`.
                return result if ran else mine.pop(index)

            while (index := claims.take_back()) is not None:
                mine[index] = task(items[index])
                while True:  # what the workers finished meanwhile, without waiting
                    try:
                        answer = answers.next(timeout=0)
                    except multiprocessing.TimeoutError:
                        break
                    except StopIteration:
                        return
                    yield passed_on(answer)
            for answer in answers:
                yield passed_on(answer)
    finally:
        _RUNNING = None


class _Claims:
    """Which items are taken: [0, front) by the forked workers (they get every index in order,
    and run those this process has not taken), [back, n) by this process. Shared memory and a
    lock made before the fork."""

    def __init__(self, lock: Any, front: Any, back: Any) -> None:
        self.lock, self.front, self.back = lock, front, back

    def take_front(self, index: int) -> bool:
        with self.lock:
            if index >= self.back.value:
                return False
            self.front.value = max(self.front.value, index + 1)
            return True

    def take_back(self) -> int | None:
        with self.lock:
            if self.back.value <= self.front.value:
                return None
            self.back.value -= 1
            return int(self.back.value)


# The running fork_map's task, items and claims; set in the parent just before the workers fork,
# because a forked worker can only find the parent's closure through a module global.
_RUNNING: tuple[Callable[[Any], Any], Sequence[Any], _Claims] | None = None


def _run(index: int) -> tuple[int, bool, Any]:
    """In a forked worker: (index, True, the item's result), or (index, False, None) when this
    process had taken the item already."""
    assert _RUNNING is not None
    task, items, claims = _RUNNING
    if not claims.take_front(index):
        return index, False, None
    # The worker's objects live until it exits: cycle collection would only walk them.
    with gc_paused():
        return index, True, task(items[index])
