"""Time as an injected dependency, so retries, politeness waits and ledger stamps are testable.

The fetch stage never calls `time.sleep` or `datetime.now` directly: it asks a Clock. Tests pass
a clock whose `sleep` only advances a counter, so a run that "waits" minutes takes milliseconds
and its total wait can be asserted exactly.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Aware UTC wall time: for ledger stamps, Retry-After dates and the arXiv schedule."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back: for intervals between requests."""

    def sleep(self, seconds: float) -> None:
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def utc_stamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second: how the ledger writes a failure's time."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()
