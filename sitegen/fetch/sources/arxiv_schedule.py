"""arXiv's announcement schedule: which listing day a moment or a submission belongs to.

arXiv announces new submissions Sunday to Thursday at 20:00 US Eastern time; the mailing is
dated the next day (the listing page says "new listings for Monday, 28 September 2026" for the
Sunday-evening announcement). Submissions close at 14:00 Eastern on the weekday before:

    listing day   submissions received (Eastern time)
    Monday        Thursday 14:00 .. Friday 14:00
    Tuesday       Friday 14:00   .. Monday 14:00
    Wednesday     Monday 14:00   .. Tuesday 14:00
    Thursday      Tuesday 14:00  .. Wednesday 14:00
    Friday        Wednesday 14:00 .. Thursday 14:00

Weekends have no listing, nor do arXiv holidays (`[sources.arxiv] holidays`); around a holiday
arXiv shifts its deadlines, which this model does not know: a backfilled day next to a holiday
may hold a few papers of its neighbour.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
ANNOUNCE_HOUR = 20
CUTOFF_HOUR = 14


def is_listing_day(day: dt.date, holidays: tuple[dt.date, ...] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def no_listing_reason(day: dt.date, holidays: tuple[dt.date, ...] = ()) -> str | None:
    """Why `day` has no arXiv listing (so no request is needed), or None when it should have one."""
    if day.weekday() >= 5:
        return "weekend: arXiv announces nothing"
    if day in holidays:
        return "arXiv holiday (sources.arxiv.holidays)"
    return None


def expected_listing_day(now: dt.datetime, holidays: tuple[dt.date, ...] = ()) -> dt.date:
    """The listing day of the newest announcement at or before `now` (an aware datetime)."""
    local = now.astimezone(EASTERN)
    day = local.date()
    if local.hour < ANNOUNCE_HOUR:
        day -= dt.timedelta(days=1)  # today's announcement has not happened yet
    # Walk back to an announcement evening (Sunday..Thursday) whose listing day is not a holiday.
    while True:
        listing = day + dt.timedelta(days=1)
        if day.weekday() in (6, 0, 1, 2, 3) and listing not in holidays:
            return listing
        day -= dt.timedelta(days=1)


def _previous_weekday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def submission_window(listing_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The (start, end) in UTC of submissions announced on `listing_day` (a weekday)."""
    close = _previous_weekday(listing_day)
    open_ = _previous_weekday(close)
    start = dt.datetime(open_.year, open_.month, open_.day, CUTOFF_HOUR, tzinfo=EASTERN)
    end = dt.datetime(close.year, close.month, close.day, CUTOFF_HOUR, tzinfo=EASTERN)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
