"""The build's plan: every output as its paths, its key and a way to render it; and writing it.

Pages, feeds and site files all become `Planned` items. Writing a plan skips each item whose key
the build cache holds for all its paths (its inputs did not change: the files stay as they
are), and renders the rest on every core (sitegen/forkpool.py): forked workers inherit the site
model, the compiled templates and the plan, render batches of items, write the files through
the writer and send back only small WriteResults, which this process records in the writer.

Memory: a forked worker copies every page of the archive it reads (reading an object writes its
reference count), and so does this process for every page it writes while a worker shares it.
A worker that rendered the whole plan would end up with its own copy of most of the archive and
the plan (about 0.7 GB at 100,000 papers), so each worker renders one round of ROUND batches
and exits; the next round forks a fresh one from this process, sharing everything again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import NamedTuple

from sitegen.forkpool import fork_map, workers_for
from sitegen.output.writer import SiteWriter, WriteResult

Output = tuple[str, bytes]
MIN_ITEMS_PER_WORKER = 400  # below this, forking costs more than it saves
BATCH = 250  # items per task: small enough to balance the cores, large enough to be cheap
# Batches each process renders before the round's workers exit: a fork and a wait for the
# slowest batch per round, against what a worker copies in its lifetime (about a round's
# papers and the titles of their related papers).
ROUND = 8


ProgressBar = Callable[[int], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def no_bar(total: int) -> Iterator[Callable[[int], None]]:
    yield lambda count: None


class Planned(NamedTuple):
    """One output of the build. `render()` gives the bytes of each of `paths` (a page is one
    file; a feed channel is three: RSS, Atom and JSON Feed, rendered together). `key` is a
    digest of everything the output shows (see fingerprint.py); None: rendered on every build.
    A named tuple: a plan holds one per page, and a tuple is made several times faster than a
    frozen dataclass."""

    paths: tuple[str, ...]
    key: bytes | None
    render: Callable[[], Iterable[Output]]
    kind: str = "file"  # "page", "feed" or "file": for the build's report


def planned_file(path: str, content: bytes) -> Planned:
    """A file made while planning (site-wide files, cheap enough to make on every build)."""
    return Planned((path,), None, lambda: ((path, content),))


def write_plan(
    plan: Sequence[Planned], writer: SiteWriter, workers: int | None = None, bar: ProgressBar = no_bar
) -> list[Planned]:
    """Write every planned output; returns the items rendered (the rest were current).

    `bar(total)` is entered with the number of items to render; the function it yields is told,
    in this process, each time n more are written (build_progress.py shows a progress bar)."""
    stale: list[Planned] = []
    for item in plan:
        if item.key is not None and all(writer.is_current(path, item.key) for path in item.paths):
            for path in item.paths:
                writer.keep_current(path)
        else:
            stale.append(item)

    def render_batch(start: int) -> tuple[int, list[WriteResult]]:
        results = []
        for item in stale[start : start + BATCH]:
            for path, content in item.render():
                results.append(writer.write(path, content, item.key))
        return start, results

    count = workers_for(len(stale), MIN_ITEMS_PER_WORKER, workers)
    starts = range(0, len(stale), BATCH)
    per_round = ROUND * count
    with bar(len(stale)) as advance:
        for first in range(0, len(starts), per_round):
            # In any order (the writer sorts what it records), so the bar moves with every batch.
            for start, results in fork_map(render_batch, starts[first : first + per_round], count, ordered=False):
                for result in results:
                    writer.record(result)
                advance(len(stale[start : start + BATCH]))
    return stale
