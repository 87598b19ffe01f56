"""The fetch stage: every configured source, day by day, into the store and its health ledger.

For each source, in order:
1. heal: the failed and suspect days of the last `[fetch] heal_days` are asked again first;
2. then the days asked for (a `--since/--until` range, or the source's default days; with
   `backfill_empty`, a source with nothing stored yet is asked for its last `[fetch]
   initial_days` listing days instead, so a new site starts with two weeks of papers);
3. each answer is merged into the store, then the day's state is written to the ledger, so a
   run killed between days leaves a store that loads and a ledger that says what is done.

A failed day never stops the others and never erases what is stored. A source is left alone for
this run (its other days are recorded as failed, to be healed) after `[fetch] give_up_after`
consecutive failed days, or at once when its host cannot be reached at all (SourceUnreachable:
retrying within the run cannot help); the next source is fetched. A conditional request is only
allowed for a day whose papers are all still in the store: a deleted day file is fetched in full.
The caller decides the exit status from the report.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import ExitStack
from typing import Protocol

import httpx

from sitegen.config.load import Config
from sitegen.errors import SitegenError, SourceError, SourceUnreachable
from sitegen.fetch.clock import Clock, SystemClock, utc_stamp
from sitegen.fetch.report import DayProblem, FetchReport, SourceReport
from sitegen.fetch.sources import http
from sitegen.fetch.sources.arxiv import ArxivSource
from sitegen.fetch.sources.base import DayResult, Source
from sitegen.fetch.sources.http_cache import FILE_NAME, HttpCache
from sitegen.fetch.sources.huggingface import HuggingFaceSource
from sitegen.store.ledger import DayHealth, LastError
from sitegen.store.models import DayListing
from sitegen.store.store import Store

__all__ = ["FetchProgress", "FetchReport", "SourceReport", "DayProblem", "date_range", "fetch"]


class FetchProgress(Protocol):
    """How the caller shows a source's progress (the CLI: a bar on a terminal, a line otherwise)."""

    def start(self, label: str, days: int) -> None: ...

    def advance(self, day: dt.date, requests: int) -> None: ...

    def stop(self, report: SourceReport) -> None:
        """The source is done or given up: the bar ends here, not after the skipped days."""


class NoProgress:
    def start(self, label: str, days: int) -> None:
        pass

    def advance(self, day: dt.date, requests: int) -> None:
        pass

    def stop(self, report: SourceReport) -> None:
        pass


def date_range(since: dt.date, until: dt.date) -> list[dt.date]:
    if since > until:
        return []
    return [since + dt.timedelta(days=offset) for offset in range((until - since).days + 1)]


def make_sources(
    config: Config, names: tuple[str, ...], clock: Clock, cache: HttpCache, rng: random.Random | None = None
) -> list[Source]:
    """The configured sources among `names`, each with its own client and the run's shared budget."""
    budget = http.WaitBudget(config.fetch.max_wait)
    sources: list[Source] = []
    for name in names:
        if name == "huggingface" and config.sources.huggingface:
            hf = config.sources.huggingface
            client = http.make_client(config.fetch)
            hosts = _hosts({"[sources.huggingface] base_url": hf.base_url})
            fetcher = http.Fetcher(client, config.fetch, clock=clock, budget=budget, cache=cache, rng=rng, hosts=hosts)
            sources.append(HuggingFaceSource(hf, fetcher))
        elif name == "arxiv" and config.sources.arxiv:
            arxiv = config.sources.arxiv
            # arXiv asks for one connection and a pause between requests.
            client = http.make_client(config.fetch, http.user_agent(arxiv.contact), single_connection=True)
            hosts = _hosts({"[sources.arxiv] base_url": arxiv.base_url, "[sources.arxiv] api_base_url": arxiv.api_base_url})
            fetcher = http.Fetcher(
                client,
                config.fetch,
                clock=clock,
                budget=budget,
                cache=cache,
                interval=arxiv.request_interval,
                rng=rng,
                hosts=hosts,
            )
            sources.append(ArxivSource(arxiv, fetcher, clock))
    return sources


def _hosts(keys: dict[str, str]) -> dict[str, str]:
    """Host -> the config key(s) naming it, for redirects and error messages."""
    hosts: dict[str, str] = {}
    for key, url in keys.items():
        host = httpx.URL(url).host
        hosts[host] = f"{hosts[host]} / {key.split('] ')[1]}" if host in hosts else key
    return hosts


def fetch(
    config: Config,
    store: Store,
    days: list[dt.date] | None = None,
    *,
    sources: tuple[str, ...] | None = None,
    clock: Clock | None = None,
    progress: FetchProgress | None = None,
    rng: random.Random | None = None,
    backfill_empty: bool = False,
) -> FetchReport:
    """Fetch `days` (None: each source's default days) from `sources` (None: all configured).

    With `backfill_empty` and `days` None, a source that has no paper in the store yet is asked
    for its last `[fetch] initial_days` listing days instead (a first run fills the site).
    """
    progress = progress or NoProgress()
    clock = clock or SystemClock()
    names = sources if sources is not None else config.sources.names()
    unknown = [n for n in names if n not in config.sources.names()]
    if unknown:
        configured = ", ".join(config.sources.names()) or "none"
        raise SitegenError(
            f"source {unknown[0]!r} is not configured in {config.path} (configured: {configured}); add [sources.{unknown[0]}]"
        )
    cache = HttpCache(store.root / "sources" / FILE_NAME)
    report = FetchReport()
    with ExitStack() as stack:
        active = make_sources(config, names, clock, cache, rng)
        for source in active:
            stack.callback(source.fetcher.client.close)
        try:
            for source in active:
                planned = days
                if planned is None and backfill_empty and not store.holds_source(source.name):
                    planned = source.initial_days(clock.now(), config.fetch.initial_days)
                report.sources.append(_fetch_source(config, store, source, planned, clock, progress))
        finally:
            # Validators only of days whose papers were stored (see HttpCache); saved even when interrupted.
            cache.discard()
            cache.save()
    return report


def _fetch_source(
    config: Config, store: Store, source: Source, days: list[dt.date] | None, clock: Clock, progress: FetchProgress
) -> SourceReport:
    report = SourceReport(source.name)
    ledger = store.source_ledger(source.name)
    planned = days if days is not None else source.default_days(clock.now())
    today = clock.now().astimezone(dt.UTC).date()
    horizon = today - dt.timedelta(days=config.fetch.heal_days)
    heal = [
        d
        for d, h in sorted(ledger.days.items())
        if h.state in ("failed", "suspect") and horizon < d <= today and d not in planned
    ]
    order = heal + list(planned)
    report.days = len(order)
    failures_in_a_row = 0
    progress.start(source.label, len(order))
    try:
        for index, day in enumerate(order):
            known = ledger.days.get(day)
            reason = source.no_listing_reason(day)
            if reason:
                store.record_health(source.name, {day: DayHealth("empty", count=0, note=reason)})
                report.without_listing += 1
                progress.advance(day, source.fetcher.requests)
                continue
            try:
                results = source.fetch_day(day, _trusted(store, source.name, day, known))
            except SourceError as error:
                if source.fetcher.cache:
                    source.fetcher.cache.discard()
                _record_failure(store, source, day, known, str(error), clock, report)
                failures_in_a_row += 1
                if isinstance(error, SourceUnreachable):
                    report.gave_up, report.unreachable = str(error), True
                elif failures_in_a_row >= config.fetch.give_up_after:
                    report.gave_up = (
                        f"gave up on {source.name} for this run after {failures_in_a_row} failed days in a row; "
                        f"last error: {error}"
                    )
                if report.gave_up:
                    _skip(store, source, order[index + 1 :], clock, report)
                    break  # the bar ends here, not after the skipped days
                progress.advance(day, source.fetcher.requests)
                continue
            failures_in_a_row = 0
            report.fetched += 1
            for result in results:
                _apply(store, source, result, ledger.days.get(result.day), report)
            if source.fetcher.cache:
                source.fetcher.cache.commit()
            progress.advance(day, source.fetcher.requests)
    finally:
        report.requests = source.fetcher.requests
        progress.stop(report)
    return report


def _skip(store: Store, source: Source, days: list[dt.date], clock: Clock, report: SourceReport) -> None:
    """The days not asked after giving up: recorded as failed, so the next runs heal them (a day
    without a listing needs no request and is recorded as such)."""
    ledger = store.source_ledger(source.name)
    for day in days:
        reason = source.no_listing_reason(day)
        if reason:
            store.record_health(source.name, {day: DayHealth("empty", count=0, note=reason)})
            report.without_listing += 1
        else:
            _record_failure(store, source, day, ledger.days.get(day), report.gave_up or "", clock, report, tried=False)


def _trusted(store: Store, source: str, day: dt.date, known: DayHealth | None) -> DayHealth | None:
    """The ledger's entry when the store still holds every paper it counts, else None.

    A source may send conditional requests for a good day only; a day whose file was deleted (or
    lost papers) must be asked in full, or a 304 would keep it missing for ever.
    """
    if known is None or not known.good or not known.count:
        return known
    return known if store.listed_count(source, day) >= known.count else None


def _apply(store: Store, source: Source, result: DayResult, known: DayHealth | None, report: SourceReport) -> None:
    if result.papers:
        changes = store.add_listing(DayListing(source=source.name, day=result.day, papers=result.papers))
        report.new_papers += changes.new_papers
        report.updated_papers += changes.updated_papers
    if result.revisions:
        report.updated_papers += store.revise(result.revisions).updated_papers
    if result.state in ("unchanged", "extra"):
        return
    skipped = result.skipped or None
    health = DayHealth(result.state, count=result.count, note=result.note, skipped=skipped)
    if health.state == "ok" and known is not None and known.state == "ok" and (result.count or 0) < (known.count or 0):
        # Fewer papers than the same source listed before: kept (the store loses nothing), flagged
        # until a later answer confirms it.
        health = DayHealth(
            "suspect", count=result.count, note=f"{result.count} paper(s) listed now, {known.count} before", skipped=skipped
        )
    if skipped:
        message = f"{skipped} malformed item(s) skipped, the other {result.count or 0} stored (noted in the ledger)"
        report.skipped_items.append(DayProblem(source.name, result.day, message))
    if health.state == "suspect":
        report.suspect.append(DayProblem(source.name, result.day, health.note or "suspect"))
    store.record_health(source.name, {result.day: health})


def _record_failure(
    store: Store,
    source: Source,
    day: dt.date,
    known: DayHealth | None,
    error: str,
    clock: Clock,
    report: SourceReport,
    tried: bool = True,
) -> None:
    """A day's state is the outcome of its latest attempt: a failed refresh of a stored day is
    failed too (its stored papers stay), so the run ends red and the next runs heal it.
    A day skipped after giving up (`tried` False) that is already good is left as it is."""
    if not tried:
        report.skipped += 1
        if known is not None and known.good:
            return
    stamp = utc_stamp(clock.now())
    report.failed.append(DayProblem(source.name, day, error, tried))
    store.record_health(
        source.name, {day: DayHealth("failed", error=error, at=stamp)}, LastError(day, error, stamp) if tried else None
    )
