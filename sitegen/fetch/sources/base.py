"""What every source gives the fetch stage: the results of asking for one listing day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sitegen.fetch.sources.http import Fetcher
from sitegen.store.ledger import DayHealth
from sitegen.store.models import Paper

# States of a DayResult: the ledger's states ("ok", "empty", "suspect"), plus
# "unchanged": every request was answered 304, so the stored listing and its ledger entry stand;
# "extra": papers to store under their own day without judging that day (a stale arXiv page
# still lists real papers of the day it shows).
RESULT_STATES = ("ok", "empty", "suspect", "unchanged", "extra")


@dataclass(frozen=True)
class DayResult:
    day: dt.date
    state: str
    papers: tuple[Paper, ...] = ()
    # arXiv replacements: update papers already stored, never add new ones.
    revisions: tuple[Paper, ...] = ()
    count: int | None = None
    note: str | None = None
    skipped: int = 0  # malformed items the parser left out of this answer


class Source(Protocol):
    name: str  # the ledger's and the CLI's name: "huggingface", "arxiv"
    label: str  # for people: "Hugging Face", "arXiv"
    fetcher: Fetcher

    def default_days(self, now: dt.datetime) -> list[dt.date]:
        """The days a plain `fetch` or `run` asks for."""

    def initial_days(self, now: dt.datetime, count: int) -> list[dt.date]:
        """The days a first fetch asks for: the span of the last `count` listing days."""

    def no_listing_reason(self, day: dt.date) -> str | None:
        """Why `day` needs no request at all (nothing is ever listed then), or None."""

    def fetch_day(self, day: dt.date, known: DayHealth | None) -> list[DayResult]:
        """Ask for `day`. `known` is the ledger's entry: when it is good, requests may be
        conditional. Raises SourceError (FetchError, ParseError) naming the URL."""
