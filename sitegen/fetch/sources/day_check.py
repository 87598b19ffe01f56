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

import lxml.etree
import lxml.html
import orjson

from sitegen.errors import ParseError
from sitegen.store.models import Paper

_SHOWN = 3  # other days named in a message


def hf_api_items(body: bytes) -> list[Any]:
    """The raw items of an API answer ([] when it cannot be read: the parser reports that)."""
    try:
        items = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    return items if isinstance(items, list) else []


def hf_page_items(body: bytes) -> list[Any]:
    """The raw items embedded in a `/papers/date/D` page (see huggingface_parse)."""
    try:
        nodes = lxml.html.fromstring(body).xpath('//div[@data-target="DailyPapers"][@data-props]')
        props = orjson.loads(nodes[0].get("data-props")) if nodes else None
    except (lxml.etree.ParserError, ValueError, orjson.JSONDecodeError):
        return []
    items = props.get("dailyPapers") if isinstance(props, dict) else None
    return items if isinstance(items, list) else []


def distinct_items(items: list[Any]) -> int:
    """How many papers the raw items stand for: one per distinct `paper.id` (a page boundary can
    repeat an item), and one for each item without a readable id."""
    ids: set[str] = set()
    unnamed = 0
    for item in items:
        paper = item.get("paper") if isinstance(item, dict) else None
        raw_id = paper.get("id") if isinstance(paper, dict) else None
        if isinstance(raw_id, str) and raw_id.strip():
            ids.add(raw_id.strip().lower())
        else:
            unnamed += 1
    return len(ids) + unnamed


def item_days(items: list[Any]) -> Counter[dt.date]:
    """Listing days the items carry (items without one are not counted)."""
    days: Counter[dt.date] = Counter()
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
    named = ", ".join(f"{p.arxiv_id} ({p.published:%Y-%m-%d %H:%M})" for p in outside[:_SHOWN]) + (
        ", ..." if len(outside) > _SHOWN else ""
    )
    raise ParseError(
        f"{url}: {len(outside)} of {len(papers)} paper(s) were submitted outside the window of listing day {day} "
        f"({begin:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC): {named}; the API seems to ignore the query, "
        "so nothing of this answer is stored"
    )
