"""Does an answer hold the day that was asked for?

A service that ignores `date=` (a proxy, a changed API, a stand-in) answers every day with the
same list; stored as asked, one day's papers would land under every day of a backfill, each marked
ok. So an answer whose papers say they belong to another day is refused whole: the day is failed
(nothing stored), named in the exit status and on the status page, and asked again next run.

- Hugging Face items carry their listing day as `paper.submittedOnDailyAt` (since 2025-03; in
  the real archive it always equals the date asked). Older items carry nothing usable: the
  top-level `publishedAt` means something else, so they are not judged.
- arXiv API entries carry their submission time (`published`), which must fall in the submission
  window asked for (to the minute, as the query is).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import lxml.html
import orjson

from sitegen.errors import ParseError
from sitegen.models import Paper

_SHOWN = 3  # other days named in a message


def hf_api_days(body: bytes) -> Counter[dt.date]:
    """Listing days the items of an API answer carry (items without one are not counted)."""
    try:
        items = orjson.loads(body)
    except orjson.JSONDecodeError:
        return Counter()  # the parser reports bodies it cannot read
    return _item_days(items)


def hf_page_days(body: bytes) -> Counter[dt.date]:
    """Listing days of the items embedded in a `/papers/date/D` page (see huggingface_parse)."""
    try:
        nodes = lxml.html.fromstring(body).xpath('//div[@data-target="DailyPapers"][@data-props]')
        props = orjson.loads(nodes[0].get("data-props")) if nodes else None
    except (lxml.etree.ParserError, ValueError, orjson.JSONDecodeError):
        return Counter()
    return _item_days(props.get("dailyPapers") if isinstance(props, dict) else None)


def _item_days(items: Any) -> Counter[dt.date]:
    days: Counter[dt.date] = Counter()
    if not isinstance(items, list):
        return days
    for item in items:
        paper = item.get("paper") if isinstance(item, dict) else None
        stamp = paper.get("submittedOnDailyAt") if isinstance(paper, dict) else None
        if isinstance(stamp, str):
            try:
                days[dt.date.fromisoformat(stamp[:10])] += 1
            except ValueError:
                continue
    return days


def require_day(days: Counter[dt.date], day: dt.date, url: str) -> None:
    """Raise ParseError when any item says it was listed on another day than `day`."""
    others = {d: n for d, n in days.items() if d != day}
    if not others:
        return
    count = sum(others.values())
    named = ", ".join(f"{d} ({n})" for d, n in sorted(others.items())[:_SHOWN]) + (", ..." if len(others) > _SHOWN else "")
    raise ParseError(
        f"{url}: {count} of {sum(days.values())} paper(s) are listed for other days ({named}), not {day}; "
        "the service seems to ignore the date asked for, so nothing of this answer is stored"
    )


def require_window(papers: tuple[Paper, ...], window: tuple[dt.datetime, dt.datetime], day: dt.date, url: str) -> None:
    """Raise ParseError when any paper was submitted outside the listing day's window."""
    begin, end = window
    slack = dt.timedelta(minutes=1)  # the query is to the minute
    outside = [p for p in papers if p.published is not None and not (begin - slack <= p.published < end + slack)]
    if not outside:
        return
    named = ", ".join(f"{p.arxiv_id} ({p.published:%Y-%m-%d %H:%M})" for p in outside[:_SHOWN]) + (", ..." if len(outside) > _SHOWN else "")
    raise ParseError(
        f"{url}: {len(outside)} of {len(papers)} paper(s) were submitted outside the window of listing day {day} "
        f"({begin:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC): {named}; the API seems to ignore the query, "
        "so nothing of this answer is stored"
    )
