"""The status page and `status.json`: each source's health, derived from the ledgers only.

No wall clock: the same ledgers give the same bytes. "Last success" is the newest listing day
fetched ok; "last error" is the newest failure the ledger remembers (with its time).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.config.load import Config
from sitegen.fetch.sources.http_cache import FILE_NAME
from sitegen.store import Store
from sitegen.store.ledger import STATES, DayHealth, LastError

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


def source_statuses(config: Config, store: Store, papers_by_source: Mapping[str, int]) -> tuple[SourceStatus, ...]:
    """Configured sources first (in fetch order), then any other that left a ledger or papers.

    `papers_by_source` counts the stored papers each source listed, so the page agrees with the
    store when papers are present but no fetch was ever recorded.
    """
    names = list(config.sources.names())
    folder = store.root / "sources"
    if folder.is_dir():
        names += sorted(p.stem for p in folder.glob("*.json") if p.name != FILE_NAME and p.stem not in names)
    names += sorted(name for name in papers_by_source if name not in names)
    statuses = []
    for name in names:
        ledger = store.source_ledger(name)
        days = tuple(sorted(ledger.days.items()))
        statuses.append(SourceStatus(name, LABELS.get(name, name), days, ledger.last_error, papers_by_source.get(name, 0)))
    return tuple(statuses)


def status_json(statuses: tuple[SourceStatus, ...], digest: dict[str, object] | None = None) -> bytes:
    document: dict[str, object] = {
        "sources": [
            {
                "name": s.name,
                "label": s.label,
                "last_success": s.last_success.isoformat() if s.last_success else None,
                "last_error": (
                    {"day": s.last_error.day.isoformat(), "error": s.last_error.error, "at": s.last_error.at}
                    if s.last_error
                    else None
                ),
                "coverage": s.counts,
                "papers": s.papers,
                "days": {day.isoformat(): health.to_json() for day, health in s.days},
            }
            for s in statuses
        ]
    }
    if digest is not None:
        document["digest"] = digest
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
