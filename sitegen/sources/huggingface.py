"""Fetch one listing day from Hugging Face Daily Papers, API first, the web page as fallback."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import httpx

from sitegen.config import FetchConfig, HuggingFaceConfig
from sitegen.errors import FetchError, ParseError, SourceError
from sitegen.models import DayListing, Paper
from sitegen.sources import http
from sitegen.sources.huggingface_parse import SOURCE, parse_api_json, parse_page_html

PAGE_SIZE = 100  # the API's default limit is 50 and silently cuts longer days; ask for more
MAX_PAGES = 20  # a runaway guard: no day has had more than a few hundred papers


def fetch_day(
    client: httpx.Client,
    source: HuggingFaceConfig,
    fetch: FetchConfig,
    day: dt.date,
    sleep: Callable[[float], None] = time.sleep,
) -> DayListing:
    """Every paper listed on `day`. Raises SourceError (FetchError or ParseError) naming the URL."""
    try:
        papers = _fetch_from_api(client, source, fetch, day, sleep)
    except SourceError as api_error:
        try:
            papers = _fetch_from_page(client, source, fetch, day, sleep)
        except SourceError as page_error:
            kind = ParseError if isinstance(page_error, ParseError) else FetchError
            raise kind(f"{api_error}; fallback: {page_error}") from None
    return DayListing(source=SOURCE, day=day, papers=tuple(papers))


def _fetch_from_api(
    client: httpx.Client, source: HuggingFaceConfig, fetch: FetchConfig, day: dt.date, sleep: Callable[[float], None]
) -> list[Paper]:
    papers: dict[str, Paper] = {}
    for page in range(MAX_PAGES):
        url = f"{source.base_url}/api/daily_papers?date={day.isoformat()}&limit={PAGE_SIZE}&p={page}"
        response = http.get(client, url, fetch, sleep)
        if response.status_code != 200:
            raise FetchError(f"{url}: HTTP {response.status_code}")
        items = parse_api_json(response.content, day, url)
        for paper in items:
            papers.setdefault(paper.arxiv_id, paper)
        if len(items) < PAGE_SIZE:
            return list(papers.values())
    raise ParseError(f"{source.base_url}/api/daily_papers?date={day}: more than {MAX_PAGES} full pages; paging seems broken")


def _fetch_from_page(
    client: httpx.Client, source: HuggingFaceConfig, fetch: FetchConfig, day: dt.date, sleep: Callable[[float], None]
) -> list[Paper]:
    url = f"{source.base_url}/papers/date/{day.isoformat()}"
    response = http.get(client, url, fetch, sleep)
    if response.status_code != 200:
        raise FetchError(f"{url}: HTTP {response.status_code}")
    return parse_page_html(response.content, day, url)
