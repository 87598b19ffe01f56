"""The fetch stage: ask each configured source for each day, merge into the store, record health.

A failed day never stops the others and never erases what is stored: it is recorded in the
ledger and reported, and the caller decides the exit status.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import httpx

from sitegen.config import Config
from sitegen.errors import SourceError
from sitegen.sources import http, huggingface
from sitegen.store import Store
from sitegen.store.store import DayHealth

ProgressFactory = Callable[[list[dt.date], str], AbstractContextManager[Iterator[dt.date]]]


@dataclass(frozen=True)
class DayFailure:
    source: str
    day: dt.date
    error: str


@dataclass
class FetchReport:
    days: int = 0
    new_papers: int = 0
    updated_papers: int = 0
    failures: list[DayFailure] = field(default_factory=list)

    def summary(self) -> str:
        return f"fetched {self.days} day(s): {self.new_papers} new paper(s), {self.updated_papers} updated"

    def failure_line(self) -> str:
        """One line for the exit message: which source failed on which days."""
        by_source: dict[str, list[str]] = {}
        for failure in self.failures:
            by_source.setdefault(failure.source, []).append(failure.day.isoformat())
        parts = [f"{source} failed on {len(days)} day(s) ({', '.join(days)})" for source, days in by_source.items()]
        return "; ".join(parts) + f"; first error: {self.failures[0].error}"


def date_range(since: dt.date, until: dt.date) -> list[dt.date]:
    if since > until:
        return []
    return [since + dt.timedelta(days=offset) for offset in range((until - since).days + 1)]


def default_days(config: Config, today: dt.date) -> list[dt.date]:
    """The last `refetch_days` days up to today: recent lists grow and upvotes change."""
    hf = config.sources.huggingface
    span = hf.refetch_days if hf else 1
    return date_range(today - dt.timedelta(days=span - 1), today)


def _no_progress(days: list[dt.date], label: str) -> AbstractContextManager[Iterator[dt.date]]:
    return nullcontext(iter(days))


def fetch(
    config: Config,
    store: Store,
    days: list[dt.date],
    *,
    client: httpx.Client | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    sleep: Callable[[float], None] = time.sleep,
    progress: ProgressFactory = _no_progress,
) -> FetchReport:
    report = FetchReport(days=len(days))
    source = config.sources.huggingface
    if source is None or not days:
        return report
    owns_client = client is None
    client = client or http.make_client(config.fetch)
    health: dict[dt.date, DayHealth] = {}
    try:
        with progress(days, "Hugging Face") as day_iter:
            for day in day_iter:
                try:
                    listing = huggingface.fetch_day(client, source, config.fetch, day, sleep)
                except SourceError as error:
                    report.failures.append(DayFailure(huggingface.SOURCE, day, str(error)))
                    stamp = now().astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()
                    health[day] = DayHealth(state="failed", error=str(error), at=stamp)
                    continue
                changes = store.add_listing(listing)
                report.new_papers += changes.new_papers
                report.updated_papers += changes.updated_papers
                health[day] = DayHealth(state="ok", count=len(listing.papers))
    finally:
        # Health is written even when interrupted, so what was learned is not lost.
        store.record_health(huggingface.SOURCE, health)
        if owns_client:
            client.close()
    return report
