"""Immutable records passed between the pipeline stages.

One identity per paper: the arXiv id without version. Sources enrich the same record, so most
fields are optional; a field a source does not know is None (or empty), never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Sources import the id normaliser from here; it lives with the other id rules in arxiv_ids.
from sitegen.store.ids import normalize_arxiv_id as normalize_arxiv_id


@dataclass(frozen=True, slots=True)
class Organization:
    name: str
    fullname: str | None = None
    avatar: str | None = None


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, merged from every source that listed it."""

    arxiv_id: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    # Every day a source listed the paper, ascending; the first is "its" day.
    listing_days: tuple[dt.date, ...]
    published: dt.datetime | None = None
    upvotes: int | None = None
    num_comments: int | None = None
    organization: Organization | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    thumbnail: str | None = None
    submitter: str | None = None
    # arXiv metadata (primary category first).
    categories: tuple[str, ...] = ()
    arxiv_comments: str | None = None
    journal_ref: str | None = None
    version: int | None = None
    # Which sources have listed it ("huggingface", "arxiv"), sorted.
    sources: tuple[str, ...] = ()

    @property
    def first_day(self) -> dt.date:
        return self.listing_days[0]


@dataclass(frozen=True, slots=True)
class DayListing:
    """What one source listed for one day: the parsed papers, in the source's order."""

    source: str
    day: dt.date
    papers: tuple[Paper, ...] = field(default_factory=tuple)
