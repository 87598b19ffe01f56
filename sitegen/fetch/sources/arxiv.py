"""The arXiv source: today's listing pages for the configured categories, the API for other days.

- The current listing day (by arXiv's schedule, see arxiv_schedule.py) is read from
  `{base_url}/list/<cat>/new` for each category: new submissions and (with
  `include_cross_lists`) cross-lists become papers of that day, once each however many of our
  categories list them; replacements only update papers already stored.
- Any other day (a backfill, or healing a failed day) is asked of the API by submission window.
- A page older than the expected day (a stale batch) stores its papers under the day it shows and
  marks the expected day suspect, so the next run asks again.
"""

from __future__ import annotations

import datetime as dt

from sitegen.config.sources import ArxivConfig
from sitegen.errors import FetchError, ParseError
from sitegen.fetch.clock import Clock
from sitegen.fetch.sources import arxiv_api, arxiv_schedule
from sitegen.fetch.sources.arxiv_listing import SOURCE, ListingPage, parse_listing
from sitegen.fetch.sources.base import DayResult
from sitegen.fetch.sources.day_check import require_window
from sitegen.fetch.sources.http import Fetcher
from sitegen.store.ledger import DayHealth
from sitegen.store.models import Paper

API_PAGE_SIZE = 500  # arXiv allows up to 2000; a few hundred a day is typical for a category
MAX_API_PAGES = 20


class ArxivSource:
    name = SOURCE
    label = "arXiv"

    def __init__(self, config: ArxivConfig, fetcher: Fetcher, clock: Clock) -> None:
        self.config = config
        self.fetcher = fetcher
        self.clock = clock

    def expected_day(self) -> dt.date:
        return arxiv_schedule.expected_listing_day(self.clock.now(), self.config.holidays)

    def default_days(self, now: dt.datetime) -> list[dt.date]:
        return [arxiv_schedule.expected_listing_day(now, self.config.holidays)]

    def initial_days(self, now: dt.datetime, count: int) -> list[dt.date]:
        """The span of the last `count` listing days up to the current one; the weekends and
        holidays inside it cost no request."""
        last = arxiv_schedule.expected_listing_day(now, self.config.holidays)
        first, listed = last, 0
        for _ in range(count * 2 + 7 + len(self.config.holidays)):  # bounded walk back
            if arxiv_schedule.is_listing_day(first, self.config.holidays):
                listed += 1
                if listed == count:
                    break
            first -= dt.timedelta(days=1)
        return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]

    def no_listing_reason(self, day: dt.date) -> str | None:
        return arxiv_schedule.no_listing_reason(day, self.config.holidays)

    def fetch_day(self, day: dt.date, known: DayHealth | None) -> list[DayResult]:
        if day == self.expected_day():
            return self._from_listings(day, known)
        return self._from_api(day, known)

    # -- the listing pages of the current day --------------------------------------------------

    def _listing_url(self, category: str) -> str:
        return f"{self.config.base_url}/list/{category}/new"

    def _get_listing(self, category: str, conditional: bool) -> ListingPage | None:
        url = self._listing_url(category)
        response = self.fetcher.get(url, conditional=conditional)
        if response.not_modified:
            return None
        if response.status != 200:
            raise FetchError(f"{url}: HTTP {response.status}")
        return parse_listing(response.content, url)

    def _from_listings(self, expected: dt.date, known: DayHealth | None) -> list[DayResult]:
        # A 304 only proves "same page as last time"; that is enough when last time was good.
        conditional = known is not None and known.good
        pages: dict[str, ListingPage | None] = {c: self._get_listing(c, conditional) for c in self.config.categories}
        if all(page is None for page in pages.values()):
            return [DayResult(expected, "unchanged")]
        for category, page in pages.items():
            if page is None:  # others changed: this one must be read in full to judge the day
                pages[category] = self._get_listing(category, False)
        return self._combine(expected, {c: p for c, p in pages.items() if p is not None})

    def _combine(self, expected: dt.date, pages: dict[str, ListingPage]) -> list[DayResult]:
        by_day: dict[dt.date, dict[str, ListingPage]] = {}
        for category, page in pages.items():
            by_day.setdefault(page.day or expected, {})[category] = page
        results: list[DayResult] = []
        stale = [
            f"{c}: stale listing of {day} (expected {expected})" for day in sorted(by_day) if day < expected for c in by_day[day]
        ]
        for day, group in sorted(by_day.items()):
            if day < expected:
                # Real papers of the day it shows: store them, but do not judge that day by them.
                papers, revisions, _ = self._papers(group)
                results.append(DayResult(day, "extra", papers, revisions))
                continue
            results.append(self._judge(day, group, stale if day == expected else []))
        if expected not in by_day:
            results.append(DayResult(expected, "suspect", count=0, note="; ".join(stale)))
        return results

    def _papers(self, group: dict[str, ListingPage]) -> tuple[tuple[Paper, ...], tuple[Paper, ...], list[str]]:
        papers: dict[str, Paper] = {}
        revisions: dict[str, Paper] = {}
        notes: list[str] = []
        for category, page in sorted(group.items()):
            kinds = ("new", "cross") if self.config.include_cross_lists else ("new",)
            for kind in kinds:
                for paper in page.papers(kind):
                    papers.setdefault(paper.arxiv_id, paper)  # cross-listed in several: once
            for paper in page.papers("replacement"):
                revisions.setdefault(paper.arxiv_id, paper)
            notes += [f"{category}: {note}" for note in page.shortfalls()]
        return tuple(papers.values()), tuple(revisions.values()), notes

    def _judge(self, day: dt.date, group: dict[str, ListingPage], stale: list[str]) -> DayResult:
        papers, revisions, notes = self._papers(group)
        notes = stale + notes
        if notes:
            return DayResult(day, "suspect", papers, revisions, count=len(papers), note="; ".join(notes))
        if all(page.no_updates for page in group.values()):
            return DayResult(day, "empty", count=0, note="No updates today (arXiv)")
        return DayResult(day, "ok", papers, revisions, count=len(papers))

    # -- the API, for any other day --------------------------------------------------------------

    def _from_api(self, day: dt.date, known: DayHealth | None) -> list[DayResult]:
        window = arxiv_schedule.submission_window(day)
        conditional = known is not None and known.good and (known.count or 0) < API_PAGE_SIZE
        papers: dict[str, Paper] = {}
        start, seen, total, skipped = 0, 0, 0, 0
        for _page in range(MAX_API_PAGES):
            url = arxiv_api.query_url(self.config.api_base_url, self.config.categories, window, start, API_PAGE_SIZE)
            response = self.fetcher.get(url, conditional=conditional and start == 0)
            if response.not_modified:
                return [DayResult(day, "unchanged")]
            if response.status != 200:
                message = arxiv_api.api_error(response.content)
                raise FetchError(f"{url}: HTTP {response.status}" + (f": {message}" if message else ""))
            page = arxiv_api.parse_api(response.content, url, day)
            require_window(page.papers, window, day, url)
            total = page.total
            if page.entries == 0 and start < total:
                raise ParseError(f"{url}: the API says it has {total} results but this page (start={start}) has none")
            for paper in page.papers:
                if self.config.include_cross_lists or (paper.categories and paper.categories[0] in self.config.categories):
                    papers.setdefault(paper.arxiv_id, paper)
            seen += len(page.papers)
            skipped += page.entries - len(page.papers)  # entries without a usable id or title
            start += page.entries
            if page.entries == 0 or start >= total:
                break
        else:
            raise ParseError(
                f"{self.config.api_base_url}/api/query for {day}: more than {MAX_API_PAGES} pages; paging seems broken"
            )
        if seen < total:
            note = f"the API claims {total} results, {seen} were read"
            return [DayResult(day, "suspect", tuple(papers.values()), count=len(papers), note=note, skipped=skipped)]
        if not papers:
            return [DayResult(day, "suspect", count=0, note="the API lists no submissions for a listing day", skipped=skipped)]
        return [DayResult(day, "ok", tuple(papers.values()), count=len(papers), skipped=skipped)]
