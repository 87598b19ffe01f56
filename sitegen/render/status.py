"""The status page and `status.json`: each source's health, derived from the ledgers only.

No wall clock: the same ledgers give the same bytes. "Last success" is the newest listing day
fetched ok; "last error" is the newest failure the ledger remembers (with its time).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sitegen.config import Config
from sitegen.sources.http_cache import FILE_NAME
from sitegen.store import Store
from sitegen.store.ledger import STATES, DayHealth, LastError

LABELS = {"huggingface": "Hugging Face", "arxiv": "arXiv"}


@dataclass(frozen=True)
class SourceStatus:
    name: str
    label: str
    days: tuple[tuple[dt.date, DayHealth], ...]  # ascending
    last_error: LastError | None

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


def source_statuses(config: Config, store: Store) -> tuple[SourceStatus, ...]:
    """Configured sources first (in fetch order), then any other source that left a ledger."""
    names = list(config.sources.names())
    folder = store.root / "sources"
    if folder.is_dir():
        names += sorted(p.stem for p in folder.glob("*.json") if p.name != FILE_NAME and p.stem not in names)
    statuses = []
    for name in names:
        ledger = store.source_ledger(name)
        statuses.append(SourceStatus(name, LABELS.get(name, name), tuple(sorted(ledger.days.items())), ledger.last_error))
    return tuple(statuses)


def status_json(statuses: tuple[SourceStatus, ...]) -> bytes:
    document = {
        "sources": [
            {
                "name": s.name,
                "label": s.label,
                "last_success": s.last_success.isoformat() if s.last_success else None,
                "last_error": (
                    {"day": s.last_error.day.isoformat(), "error": s.last_error.error, "at": s.last_error.at} if s.last_error else None
                ),
                "coverage": s.counts,
                "days": {day.isoformat(): health.to_json() for day, health in s.days},
            }
            for s in statuses
        ]
    }
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
