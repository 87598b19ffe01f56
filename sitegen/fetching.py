"""The fetch stage: every configured source, day by day, into the store and its health ledger.

For each source, in order:
1. heal: the failed and suspect days of the last `[fetch] heal_days` are asked again first;
2. then the days asked for (a `--since/--until` range, or the source's default days);
3. each answer is merged into the store, then the day's state is written to the ledger, so a
   run killed between days leaves a store that loads and a ledger that says what is done.

A failed day never stops the others and never erases what is stored. After `[fetch]
give_up_after` consecutive failed days, a source is left alone for this run (its other days are
recorded as failed, to be healed) and the next source is fetched. The caller decides the exit
status from the report.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field

from sitegen.clock import Clock, SystemClock, utc_stamp
from sitegen.config import Config
from sitegen.errors import SitegenError, SourceError
from sitegen.models import DayListing
from sitegen.sources import http
from sitegen.sources.arxiv import ArxivSource
from sitegen.sources.base import DayResult, Source
from sitegen.sources.http_cache import FILE_NAME, HttpCache
from sitegen.sources.huggingface import HuggingFaceSource
from sitegen.store import Store
from sitegen.store.ledger import DayHealth, LastError

ProgressFactory = Callable[[list[dt.date], str], AbstractContextManager[Iterator[dt.date]]]


@dataclass(frozen=True)
class DayProblem:
    source: str
    day: dt.date
    message: str


@dataclass
class SourceReport:
    name: str
    days: int = 0
    new_papers: int = 0
    updated_papers: int = 0
    requests: int = 0
    failed: list[DayProblem] = field(default_factory=list)  # days left in state "failed"
    suspect: list[DayProblem] = field(default_factory=list)
    gave_up: str | None = None

    def failure_line(self) -> str:
        days = ", ".join(p.day.isoformat() for p in self.failed)
        line = f"{self.name} failed on {len(self.failed)} day(s) ({days}); first error: {self.failed[0].message}"
        return line + (f" [{self.gave_up}]" if self.gave_up and self.gave_up != self.failed[0].message else "")


@dataclass
class FetchReport:
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def days(self) -> int:
        return sum(s.days for s in self.sources)

    @property
    def new_papers(self) -> int:
        return sum(s.new_papers for s in self.sources)

    @property
    def updated_papers(self) -> int:
        return sum(s.updated_papers for s in self.sources)

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.sources)

    @property
    def failures(self) -> list[DayProblem]:
        return [p for s in self.sources for p in s.failed]

    def summary(self) -> str:
        parts = ", ".join(f"{s.name}: {s.days} day(s) in {s.requests} request(s)" for s in self.sources)
        return f"fetched {self.days} day(s): {self.new_papers} new paper(s), {self.updated_papers} updated ({parts or 'no source'})"

    def failure_lines(self) -> list[str]:
        """One line per source with failed days: the CLI's exit message."""
        return [s.failure_line() for s in self.sources if s.failed]

    def warning_lines(self) -> list[str]:
        lines = []
        for s in self.sources:
            lines += [f"{p.source}: {p.day} suspect: {p.message}" for p in s.suspect]
        return lines


def date_range(since: dt.date, until: dt.date) -> list[dt.date]:
    if since > until:
        return []
    return [since + dt.timedelta(days=offset) for offset in range((until - since).days + 1)]


def _no_progress(days: list[dt.date], label: str) -> AbstractContextManager[Iterator[dt.date]]:
    return nullcontext(iter(days))


def make_sources(config: Config, names: tuple[str, ...], clock: Clock, cache: HttpCache, rng: random.Random | None = None) -> list[Source]:
    """The configured sources among `names`, each with its own client and the run's shared budget."""
    budget = http.WaitBudget(config.fetch.max_wait)
    sources: list[Source] = []
    for name in names:
        if name == "huggingface" and config.sources.huggingface:
            client = http.make_client(config.fetch)
            fetcher = http.Fetcher(client, config.fetch, clock=clock, budget=budget, cache=cache, rng=rng)
            sources.append(HuggingFaceSource(config.sources.huggingface, fetcher))
        elif name == "arxiv" and config.sources.arxiv:
            arxiv = config.sources.arxiv
            # arXiv asks for one connection and a pause between requests.
            client = http.make_client(config.fetch, http.user_agent(arxiv.contact), single_connection=True)
            fetcher = http.Fetcher(client, config.fetch, clock=clock, budget=budget, cache=cache, interval=arxiv.request_interval, rng=rng)
            sources.append(ArxivSource(arxiv, fetcher, clock))
    return sources


def fetch(
    config: Config,
    store: Store,
    days: list[dt.date] | None = None,
    *,
    sources: tuple[str, ...] | None = None,
    clock: Clock | None = None,
    progress: ProgressFactory = _no_progress,
    rng: random.Random | None = None,
) -> FetchReport:
    """Fetch `days` (None: each source's default days) from `sources` (None: all configured)."""
    clock = clock or SystemClock()
    names = sources if sources is not None else config.sources.names()
    unknown = [n for n in names if n not in config.sources.names()]
    if unknown:
        configured = ", ".join(config.sources.names()) or "none"
        raise SitegenError(f"source {unknown[0]!r} is not configured in {config.path} (configured: {configured}); add [sources.{unknown[0]}]")
    cache = HttpCache(store.root / "sources" / FILE_NAME)
    report = FetchReport()
    with ExitStack() as stack:
        active = make_sources(config, names, clock, cache, rng)
        for source in active:
            stack.callback(source.fetcher.client.close)
        try:
            for source in active:
                report.sources.append(_fetch_source(config, store, source, days, clock, progress))
        finally:
            # Validators only of days whose papers were stored (see HttpCache); saved even when interrupted.
            cache.discard()
            cache.save()
    return report


def _fetch_source(config: Config, store: Store, source: Source, days: list[dt.date] | None, clock: Clock, progress: ProgressFactory) -> SourceReport:
    report = SourceReport(source.name)
    ledger = store.source_ledger(source.name)
    planned = days if days is not None else source.default_days(clock.now())
    today = clock.now().astimezone(dt.timezone.utc).date()
    horizon = today - dt.timedelta(days=config.fetch.heal_days)
    heal = [d for d, h in sorted(ledger.days.items()) if h.state in ("failed", "suspect") and horizon < d <= today and d not in planned]
    order = heal + list(planned)
    report.days = len(order)
    failures_in_a_row = 0
    last_error = ""
    with progress(order, source.label) as day_iter:
        for day in day_iter:
            known = ledger.days.get(day)
            if report.gave_up:
                _record_failure(store, source, day, known, report.gave_up, clock, report, tried=False)
                continue
            reason = source.no_listing_reason(day)
            if reason:
                store.record_health(source.name, {day: DayHealth("empty", count=0, note=reason)})
                continue
            try:
                results = source.fetch_day(day, known)
            except SourceError as error:
                if source.fetcher.cache:
                    source.fetcher.cache.discard()
                _record_failure(store, source, day, known, str(error), clock, report)
                failures_in_a_row += 1
                last_error = str(error)
                if failures_in_a_row >= config.fetch.give_up_after:
                    report.gave_up = f"gave up on {source.name} for this run after {failures_in_a_row} failed days in a row; last error: {last_error}"
                continue
            failures_in_a_row = 0
            for result in results:
                _apply(store, source, result, ledger.days.get(result.day), report)
            if source.fetcher.cache:
                source.fetcher.cache.commit()
    report.requests = source.fetcher.requests
    return report


def _apply(store: Store, source: Source, result: DayResult, known: DayHealth | None, report: SourceReport) -> None:
    if result.papers:
        changes = store.add_listing(DayListing(source=source.name, day=result.day, papers=result.papers))
        report.new_papers += changes.new_papers
        report.updated_papers += changes.updated_papers
    if result.revisions:
        report.updated_papers += store.revise(result.revisions).updated_papers
    if result.state in ("unchanged", "extra"):
        return
    health = DayHealth(result.state, count=result.count, note=result.note)
    if health.state == "ok" and known is not None and known.state == "ok" and (result.count or 0) < (known.count or 0):
        # Fewer papers than the same source listed before: kept (the store loses nothing), flagged
        # until a later answer confirms it.
        health = DayHealth("suspect", count=result.count, note=f"{result.count} paper(s) listed now, {known.count} before")
    if health.state == "suspect":
        report.suspect.append(DayProblem(source.name, result.day, health.note or "suspect"))
    store.record_health(source.name, {result.day: health})


def _record_failure(
    store: Store, source: Source, day: dt.date, known: DayHealth | None, error: str, clock: Clock, report: SourceReport, tried: bool = True
) -> None:
    """A day's state is the outcome of its latest attempt: a failed refresh of a stored day is
    failed too (its stored papers stay), so the run ends red and the next runs heal it.
    A day skipped after giving up (`tried` False) that is already good is left as it is."""
    if not tried and known is not None and known.good:
        return
    stamp = utc_stamp(clock.now())
    report.failed.append(DayProblem(source.name, day, error))
    store.record_health(source.name, {day: DayHealth("failed", error=error, at=stamp)}, LastError(day, error, stamp) if tried else None)
