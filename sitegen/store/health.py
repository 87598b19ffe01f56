"""Each source's health as the store's ledgers record it: what the status page and `status.json` show.

Read by the build and handed to the renderer (site/status.py turns it into `status.json`), so
rendering never touches the store. No wall clock: the same ledgers give the same statuses.
"Last success" is the newest listing day fetched ok; "last error" is the newest failure the
ledger remembers (with its time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sitegen.store.ledger import STATES, DayHealth, LastError
from sitegen.store.store import Store

LABELS = {"huggingface": "Hugging Face", "arxiv": "arXiv"}


@dataclass(frozen=True)
class SourceStatus:
    name: str
    label: str
    days: tuple[tuple[dt.date, DayHealth], ...]  # ascending
    last_error: LastError | None
    # Papers in the store that this source listed: with no ledger days, they were imported
    # (copied in, or fetched by a version without a ledger), never fetched by this site.
    papers: int = 0

    @property
    def imported_only(self) -> bool:
        return not self.days and self.papers > 0

    @property
    def last_success(self) -> dt.date | None:
        return next((day for day, health in reversed(self.days) if health.state == "ok"), None)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for _, health in self.days:
            counts[health.state] += 1
        return counts

    @property
    def problems(self) -> tuple[tuple[dt.date, DayHealth], ...]:
        """Failed and suspect days, newest first."""
        return tuple((d, h) for d, h in reversed(self.days) if h.state in ("failed", "suspect"))

    @property
    def months(self) -> list[tuple[str, list[tuple[dt.date, DayHealth]]]]:
        """Newest month first, each month's days ascending."""
        months: dict[str, list[tuple[dt.date, DayHealth]]] = {}
        for day, health in self.days:
            months.setdefault(day.strftime("%B %Y"), []).append((day, health))
        return list(reversed(months.items()))


def source_statuses(configured: Iterable[str], store: Store, papers_by_source: Mapping[str, int]) -> tuple[SourceStatus, ...]:
    """Configured sources first (in fetch order), then any other that left a ledger or papers.

    `papers_by_source` counts the stored papers each source listed, so the page agrees with the
    store when papers are present but no fetch was ever recorded.
    """
    names = list(configured)
    names += [name for name in store.ledger_sources() if name not in names]
    names += sorted(name for name in papers_by_source if name not in names)
    statuses = []
    for name in names:
        ledger = store.source_ledger(name)
        days = tuple(sorted(ledger.days.items()))
        statuses.append(SourceStatus(name, LABELS.get(name, name), days, ledger.last_error, papers_by_source.get(name, 0)))
    return tuple(statuses)
