"""The source health ledger: `sources/<source>.json`, what each source answered for each day.

States of a day (a listing day of that source):
- `ok` with `count`: the listing was fetched and stored;
- `empty` with `note`: nothing was listed and nothing was expected (weekend, arXiv holiday,
  "No updates today");
- `suspect` with `note` (and `count` when papers were stored): an answer came but looks wrong:
  fewer papers than the page claims, a stale arXiv listing, an empty weekday;
- `failed` with `error` and `at`: no usable answer after every retry.

Any state but failed may carry `skipped`: items of the answer that could not be read and were
left out (each named in a warning when fetched), while the rest of the day was stored.

Only failures carry a time, so a rerun that gets the same answers writes the same bytes.
`last_error` keeps the latest failure even after its day healed, for the status page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sitegen.store.files import dump_json, versioned_document, write_if_changed

SCHEMA_VERSION = 1
STATES = ("ok", "empty", "suspect", "failed")
GOOD_STATES = frozenset({"ok", "empty"})


@dataclass(frozen=True)
class DayHealth:
    """What the store knows about one source's listing of one day."""

    state: str  # one of STATES
    count: int | None = None
    note: str | None = None  # why a day is empty or suspect
    error: str | None = None  # why it failed
    at: str | None = None  # when it failed (ISO, UTC); absent otherwise so reruns are byte-identical
    skipped: int | None = None  # malformed items left out (the rest of the day is stored)

    @property
    def good(self) -> bool:
        return self.state in GOOD_STATES

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class LastError:
    day: dt.date
    error: str
    at: str


class Ledger:
    """One source's ledger file, loaded once, written (atomically, if changed) on every record."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.days: dict[dt.date, DayHealth] = {}
        self.last_error: LastError | None = None
        if path.exists():
            self._load()

    def _load(self) -> None:
        with versioned_document(self.path, SCHEMA_VERSION, "source ledger") as document:
            for day, entry in document["days"].items():
                health = DayHealth(**entry)
                if health.state not in STATES:
                    raise ValueError(f"day {day}: unknown state {health.state!r}")
                self.days[dt.date.fromisoformat(day)] = health
            last = document.get("last_error")
            if last is not None:
                self.last_error = LastError(dt.date.fromisoformat(last["day"]), last["error"], last["at"])

    def record(self, updates: dict[dt.date, DayHealth], last_error: LastError | None = None) -> bool:
        self.days.update(updates)
        if last_error is not None:
            self.last_error = last_error
        if not self.days and self.last_error is None:
            return False
        document: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "source": self.source,
            "days": {day.isoformat(): health.to_json() for day, health in sorted(self.days.items())},
        }
        if self.last_error is not None:
            document["last_error"] = {
                "day": self.last_error.day.isoformat(),
                "error": self.last_error.error,
                "at": self.last_error.at,
            }
        return write_if_changed(self.path, dump_json(document))
