"""What a digest covers (one listing day, or one ISO week) and which of them are due.

The rules that keep a mailbox sane, in one place:
- a period is due only once it is over (a day once it ended in UTC, a week once its Sunday did),
  so a digest never goes out with half a day's papers;
- only periods newer than the newest one already sent are ever due, so a backfill of old days
  never mails them;
- without catch-up only the newest due period with papers is sent, so days without runs never
  flood, and a period with no papers sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# With --catch-up, at most this many missed periods are sent (the newest ones, oldest first).
CATCH_UP_LIMIT = 7
# How many unsent periods, newest first, are looked at for one with papers in the digest's
# topics: so a first run on a large archive, or narrow topics, never mails something stale.
LOOKBACK = 14


@dataclass(frozen=True, order=True)
class Period:
    first: dt.date  # first day, inclusive (first in the dataclass: periods sort by time)
    last: dt.date  # last day, inclusive
    cadence: str  # "daily" or "weekly"

    @property
    def key(self) -> str:
        """Stable name: "2026-05-29" for a day, "2026-W22" for a week (ledger and Message-ID)."""
        if self.cadence == "daily":
            return self.first.isoformat()
        year, week, _ = self.first.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def label(self) -> str:
        """For people: "Friday, 29 May 2026" or "Week 22 of 2026 (25–31 May)"."""
        if self.cadence == "daily":
            return self.first.strftime("%A, %d %B %Y")
        year, week, _ = self.first.isocalendar()
        start = self.first.strftime("%d %B") if self.first.month != self.last.month else self.first.strftime("%d")
        return f"Week {week} of {year} ({start}–{self.last.strftime('%d %B')})"

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def is_over(self, now: dt.datetime) -> bool:
        return self.last < now.astimezone(dt.UTC).date()


def period_of(day: dt.date, cadence: str) -> Period:
    if cadence == "daily":
        return Period(day, day, cadence)
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6), cadence)


def due_periods(days: Iterable[dt.date], cadence: str, newest_sent: Period | None, now: dt.datetime) -> list[Period]:
    """Periods holding any of `days` that are over and newer than `newest_sent`, newest first,
    at most LOOKBACK of them.

    The caller skips those whose digest is empty and sends the first that is not (or, with
    catch-up, up to CATCH_UP_LIMIT, oldest first).
    """
    periods = {period_of(day, cadence) for day in days}
    due = sorted((p for p in periods if p.is_over(now) and (newest_sent is None or p.first > newest_sent.last)), reverse=True)
    return due[:LOOKBACK]
