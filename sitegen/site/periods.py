"""Weeks and months: the papers first listed in each ISO week and calendar month, ranked.

A period holds the papers whose first listing day falls in it, most upvoted first; ties go to
the newer paper (later first listing day), then to the lower arXiv id, so the order is total.

No wall clock: a period is "running" (its page says "so far") when the archive has no listing day
after it, that is, it holds the newest listing day. The next day listed in a later period ends it.
The weekly feeds publish only weeks that ended this way (see site/browse_feeds.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from sitegen.site.sorted_on_read import SortedOnRead
from sitegen.store.models import Paper

WEEK = "week"
MONTH = "month"
# A period page lists this many papers; the rest are one click away on the period's day pages.
# 100 compact rows are about 40 KB, so a year of weeks and months stays near 3 MB.
PERIOD_SHOWN = 100


def week_key(day: dt.date) -> str:
    """The ISO week of a day, as in its URL: "2026-W21" (ISO year, so 2027-01-01 is "2026-W53")."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_key(kind: str, day: dt.date) -> str:
    return week_key(day) if kind == WEEK else month_key(day)


def week_path(key: str) -> str:
    return f"weeks/{key}/"


def month_path(key: str) -> str:
    return f"months/{key}/"


def period_bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last calendar day of the week (Monday to Sunday) or month that holds `day`."""
    if kind == WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # WEEK or MONTH
    key: str  # "2026-W21" or "2026-05"
    start: dt.date  # first calendar day
    end: dt.date  # last calendar day
    papers: SortedOnRead  # every paper first listed in the period, ranked when read (`given`: newest first)
    days: tuple[tuple[dt.date, int], ...]  # its listing days (ascending) with their new papers
    running: bool  # no listing day after it yet: the page says "so far"

    @property
    def path(self) -> str:
        return week_path(self.key) if self.kind == WEEK else month_path(self.key)

    @property
    def newest_day(self) -> dt.date:
        return self.days[-1][0]

    @property
    def title(self) -> str:
        if self.kind == MONTH:
            return self.start.strftime("%B %Y")
        year, week = self.key.split("-W")
        return f"Week {int(week)}, {year}"

    @property
    def span(self) -> str:
        """The calendar days it covers, e.g. "28 December 2026 – 3 January 2027"."""
        start, end = self.start, self.end
        if start.year != end.year:
            return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
        if start.month != end.month:
            return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
        return f"{start.day}–{end.day} {end:%B %Y}"


def by_first_day(papers: Iterable[Paper]) -> dict[dt.date, list[Paper]]:
    """The papers grouped by their first listing day, in their order: made once for the weeks and
    the months (one pass over 100,000 papers instead of one per kind)."""
    days: dict[dt.date, list[Paper]] = {}
    for paper in papers:
        day = paper.listing_days[0]
        group = days.get(day)
        if group is None:
            days[day] = [paper]
        else:
            group.append(paper)
    return days


def build_periods(
    kind: str, papers: Iterable[Paper] | dict[dt.date, list[Paper]], newest_day: dt.date | None
) -> tuple[Period, ...]:
    """Every period of `kind` that has at least one paper, oldest first. `papers`: the papers,
    or them grouped `by_first_day`. `newest_day` is the archive's newest listing day (a
    relisting counts too): the period holding it is running."""
    days = papers if isinstance(papers, dict) else by_first_day(papers)
    groups: dict[str, list[tuple[dt.date, list[Paper]]]] = {}
    newer_first: dict[dt.date, int] = {}  # one ordinal per day for the ranking
    for day, group in days.items():
        groups.setdefault(period_key(kind, day), []).append((day, group))
        newer_first[day] = -day.toordinal()

    def ranking(paper: Paper) -> tuple[int, int, str]:
        """Most upvoted first; ties: the newer paper first, then the lower id."""
        return (-(paper.upvotes or 0), newer_first[paper.listing_days[0]], paper.arxiv_id)

    def ranked(papers: tuple[Paper, ...]) -> tuple[Paper, ...]:
        return tuple(sorted(papers, key=ranking))

    periods = []
    for key in sorted(groups):  # "YYYY-Www" and "YYYY-MM" sort in time order
        day_groups = groups[key]
        start, end = period_bounds(kind, day_groups[0][0])
        periods.append(
            Period(
                kind=kind,
                key=key,
                start=start,
                end=end,
                papers=SortedOnRead(tuple(chain.from_iterable(group for _, group in day_groups)), ranked),
                days=tuple(sorted((day, len(group)) for day, group in day_groups)),
                running=newest_day is None or newest_day <= end,
            )
        )
    return tuple(periods)


def completed(periods: Sequence[Period]) -> tuple[Period, ...]:
    """The periods that have ended (a later listing day exists), oldest first."""
    return tuple(period for period in periods if not period.running)
