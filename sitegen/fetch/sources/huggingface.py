"""Fetch one listing day from Hugging Face Daily Papers, API first, the web page as fallback."""

from __future__ import annotations

import datetime as dt

from sitegen.config.sources import HuggingFaceConfig
from sitegen.errors import FetchError, ParseError, SourceError, SourceUnreachable
from sitegen.fetch.sources.base import DayResult
from sitegen.fetch.sources.day_check import distinct_items, hf_api_items, hf_page_items, item_days, require_day
from sitegen.fetch.sources.http import Fetcher
from sitegen.fetch.sources.huggingface_parse import SOURCE, parse_api_json, parse_page_html
from sitegen.store.ledger import DayHealth
from sitegen.store.models import Paper

PAGE_SIZE = 100  # the API's default limit is 50 and silently cuts longer days; ask for more
MAX_PAGES = 20  # a runaway guard: no day has had more than a few hundred papers


class HuggingFaceSource:
    name = SOURCE
    label = "Hugging Face"

    def __init__(self, config: HuggingFaceConfig, fetcher: Fetcher) -> None:
        self.config = config
        self.fetcher = fetcher

    def default_days(self, now: dt.datetime) -> list[dt.date]:
        """The last `refetch_days` days up to today: recent lists grow and upvotes change."""
        today = now.astimezone(dt.UTC).date()
        return [today - dt.timedelta(days=offset) for offset in range(self.config.refetch_days - 1, -1, -1)]

    def initial_days(self, now: dt.datetime, count: int) -> list[dt.date]:
        """Back from today to the `count`-th weekday; the weekends between are asked too (cheap,
        and Hugging Face sometimes lists papers on them) but not counted."""
        today = now.astimezone(dt.UTC).date()
        first, weekdays = today, 0
        for _ in range(count * 2 + 7):  # bounded: `count` weekdays lie within this many days
            if first.weekday() < 5:
                weekdays += 1
                if weekdays == count:
                    break
            first -= dt.timedelta(days=1)
        return [first + dt.timedelta(days=offset) for offset in range((today - first).days + 1)]

    def no_listing_reason(self, day: dt.date) -> str | None:
        return None  # Hugging Face has no fixed schedule: always ask

    def fetch_day(self, day: dt.date, known: DayHealth | None) -> list[DayResult]:
        try:
            answer = self._from_api(day, known)
        except SourceUnreachable:
            raise  # the page is on the same host: no fallback can help
        except SourceError as api_error:
            try:
                answer = self._from_page(day)
            except SourceError as page_error:
                kind = ParseError if isinstance(page_error, ParseError) else FetchError
                raise kind(f"{api_error}; fallback: {page_error}") from None
        if answer is None:
            return [DayResult(day, "unchanged")]
        papers, skipped = answer
        if papers:
            return [DayResult(day, "ok", tuple(papers), count=len(papers), skipped=skipped)]
        if day.weekday() >= 5 and not skipped:
            return [DayResult(day, "empty", count=0, note="weekend: nothing listed")]
        return [
            DayResult(
                day, "suspect", count=0, note="nothing listed on a weekday (the list may still be filling)", skipped=skipped
            )
        ]

    def _from_api(self, day: dt.date, known: DayHealth | None) -> tuple[list[Paper], int] | None:
        """The day's papers and how many malformed items the parser left out, or None when the
        server says the one-page answer is unchanged."""
        # Only a day that fit in one page can be judged by one conditional request.
        conditional = known is not None and known.good and (known.count or 0) < PAGE_SIZE
        papers: dict[str, Paper] = {}
        skipped = 0
        for page in range(MAX_PAGES):
            url = f"{self.config.base_url}/api/daily_papers?date={day.isoformat()}&limit={PAGE_SIZE}&p={page}"
            response = self.fetcher.get(url, conditional=conditional and page == 0)
            if response.not_modified:
                return None
            if response.status != 200:
                raise FetchError(f"{url}: HTTP {response.status}")
            items = parse_api_json(response.content, day, url)
            raw = hf_api_items(response.content)
            require_day(item_days(raw), day, url)
            skipped += max(0, distinct_items(raw) - len(items))
            for paper in items:
                papers.setdefault(paper.arxiv_id, paper)
            if len(raw) < PAGE_SIZE:  # a short page ends the day (counted as sent, skipped items too)
                return list(papers.values()), skipped
        raise ParseError(
            f"{self.config.base_url}/api/daily_papers?date={day}: more than {MAX_PAGES} full pages; paging seems broken"
        )

    def _from_page(self, day: dt.date) -> tuple[list[Paper], int]:
        url = f"{self.config.base_url}/papers/date/{day.isoformat()}"
        response = self.fetcher.get(url)
        if response.status != 200:
            raise FetchError(f"{url}: HTTP {response.status}")
        papers = parse_page_html(response.content, day, url)
        raw = hf_page_items(response.content)
        require_day(item_days(raw), day, url)
        return papers, max(0, distinct_items(raw) - len(papers))
