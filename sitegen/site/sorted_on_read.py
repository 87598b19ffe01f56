"""Papers put in display order the first time a page reads them.

A plan makes thousands of these (one per topic chunk, week and month: about 4,000 at 100,000
papers with 30 topics) and a daily build renders few of them, so sorting waits until a page
needs the order. Keys are made of the papers as given (`given`), which never needs the sort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import overload

from sitegen.store.models import Paper


class SortedOnRead(Sequence[Paper]):
    __slots__ = ("_order_of", "_sorted", "given")

    def __init__(self, papers: tuple[Paper, ...], order: Callable[[tuple[Paper, ...]], tuple[Paper, ...]]) -> None:
        self.given = papers  # in the order they were handed in: what a page key is made of
        self._order_of = order
        self._sorted: tuple[Paper, ...] | None = None

    def _order(self) -> tuple[Paper, ...]:
        if self._sorted is None:
            self._sorted = self._order_of(self.given)
        return self._sorted

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Paper, ...]: ...
    def __getitem__(self, index: int | slice) -> Paper | tuple[Paper, ...]:
        return self._order()[index]

    def __len__(self) -> int:
        return len(self.given)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._order())
