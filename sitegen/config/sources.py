"""The `[sources]` table: which services to fetch from, and how (see README, The arXiv source)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sitegen.config.reader import TableReader
from sitegen.config.values import http_url_problem

# These patterns are used with fullmatch: `$` would also accept a value ending in "\n".
# arXiv category names: "cs.LG", "quant-ph", "astro-ph.GA", "q-bio.NC".
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")
_CONTACT = re.compile(r"(?:[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+|https?://[^\s<>()]+)")


@dataclass(frozen=True)
class HuggingFaceConfig:
    base_url: str
    refetch_days: int = 3


@dataclass(frozen=True)
class ArxivConfig:
    categories: tuple[str, ...]
    include_cross_lists: bool = True
    base_url: str = "https://arxiv.org"  # listing pages: {base_url}/list/<cat>/new
    api_base_url: str = "https://export.arxiv.org"  # backfill: {api_base_url}/api/query
    contact: str | None = None  # an e-mail for the User-Agent, as arXiv asks
    request_interval: float = 3.0  # seconds between requests; arXiv asks for at least 3
    holidays: tuple[dt.date, ...] = ()  # days arXiv announces nothing (besides weekends)


@dataclass(frozen=True)
class SourcesConfig:
    huggingface: HuggingFaceConfig | None
    arxiv: ArxivConfig | None = None

    def names(self) -> tuple[str, ...]:
        """Configured sources in fetch order."""
        return tuple(name for name in ("huggingface", "arxiv") if getattr(self, name) is not None)


def parse_sources(table: TableReader) -> SourcesConfig:
    huggingface = None
    if table.has("huggingface"):
        hf = table.subtable("huggingface")
        base_url = _http_url(hf, "base_url", "https://huggingface.co")
        huggingface = HuggingFaceConfig(
            base_url=base_url,
            refetch_days=hf.integer("refetch_days", 3, minimum=1),
        )
        hf.finish()
    arxiv = _parse_arxiv(table.subtable("arxiv")) if table.has("arxiv") else None
    table.finish()
    return SourcesConfig(huggingface=huggingface, arxiv=arxiv)


def _http_url(table: TableReader, key: str, default: str) -> str:
    value = table.text(key, default, nonempty=True)
    if isinstance(value, str):
        problem = http_url_problem(value, example=default)
        if problem:
            table.problem(table.key_path(key), problem)
            value = default
    return (value if isinstance(value, str) else default).rstrip("/")


def _parse_arxiv(table: TableReader) -> ArxivConfig:
    if not table.has("categories") or table.table.get("categories") == []:
        table.problem(table.key_path("categories"), 'is required: list the arXiv categories to follow, e.g. ["cs.LG", "cs.CL"]')
    categories = table.text_list("categories")
    for index, category in enumerate(categories):
        if not _ARXIV_CATEGORY.fullmatch(category):
            where = f"{table.key_path('categories')}[{index}]"
            table.problem(where, f'{category!r} is not an arXiv category name such as "cs.LG" or "quant-ph"')
    contact = table.text("contact", None)
    if isinstance(contact, str) and not _CONTACT.fullmatch(contact):
        table.problem(
            table.key_path("contact"),
            f"must be an e-mail address or an http(s) URL (it goes into the User-Agent), got {contact!r}",
        )
        contact = None
    holidays: list[dt.date] = []
    for index, raw in enumerate(table.text_list("holidays")):
        try:
            holidays.append(dt.date.fromisoformat(raw))
        except ValueError:
            table.problem(f"{table.key_path('holidays')}[{index}]", f"must be a date YYYY-MM-DD, got {raw!r}")
    arxiv = ArxivConfig(
        categories=tuple(dict.fromkeys(categories)),
        include_cross_lists=table.boolean("include_cross_lists", True),
        base_url=_http_url(table, "base_url", "https://arxiv.org"),
        api_base_url=_http_url(table, "api_base_url", "https://export.arxiv.org"),
        contact=contact,
        request_interval=table.number("request_interval", 3.0, minimum=0.0),
        holidays=tuple(sorted(set(holidays))),
    )
    table.finish()
    return arxiv
