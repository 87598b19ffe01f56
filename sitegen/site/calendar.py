"""The archive as calendars: every month that has listing days, each a grid of weeks."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Monday first, like ISO weeks; the header row names the days.
_WEEKS = calendar.Calendar(firstweekday=0)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Cell:
    day: dt.date | None  # None: a padding cell of the previous or next month
    count: int  # papers listed that day (0: no listing)


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int
    weeks: tuple[tuple[Cell, ...], ...]
    days: int  # listing days in the month
    papers: int  # papers listed in the month (a paper listed twice counts twice)

    @property
    def anchor(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def title(self) -> str:
        return dt.date(self.year, self.month, 1).strftime("%B %Y")


def months(days: Sequence[dt.date], papers_by_day: Mapping[dt.date, Sequence[object]]) -> list[Month]:
    """Every month with at least one listing day, newest first."""
    counts = {day: len(papers_by_day[day]) for day in days}
    keys = sorted({(day.year, day.month) for day in days}, reverse=True)
    result = []
    for year, month in keys:
        weeks = tuple(
            tuple(Cell(d, counts.get(d, 0)) if d.month == month else Cell(None, 0) for d in week)
            for week in _WEEKS.monthdatescalendar(year, month)
        )
        in_month = [d for d in days if d.year == year and d.month == month]
        result.append(Month(year, month, weeks, len(in_month), sum(counts[d] for d in in_month)))
    return result
