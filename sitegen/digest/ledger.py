"""What was mailed: `digests/sent.json` in the store, and the last failure, `digests/last-error.json`.

The sent ledger is the exactly-once guarantee. It is written (atomically) only after the SMTP
server accepted a message, and it is committed with the archive, so a rerun, a second workflow
run the same day or a retried job sees the digest as sent and does not send it again. A failure
never touches it (the next run retries); it is recorded in its own file for the status page.
Neither file holds an address: only how many recipients there were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sitegen.digest.periods import Period
from sitegen.errors import StoreError
from sitegen.store.files import dump_json, read_json, versioned_document, write_if_changed

SCHEMA_VERSION = 1
FOLDER = "digests"


@dataclass(frozen=True)
class SentDigest:
    cadence: str
    day: str  # the period's first day, ISO
    last_day: str  # its last day (the same day for a daily digest)
    period: str  # Period.key: "2026-05-29" or "2026-W22"
    message_id: str
    recipients: int  # how many; never who
    papers: int
    at: str  # when the server accepted it, ISO UTC

    @property
    def as_period(self) -> Period:
        return Period(dt.date.fromisoformat(self.day), dt.date.fromisoformat(self.last_day), self.cadence)


@dataclass(frozen=True)
class DigestFailure:
    cadence: str
    period: str
    error: str  # one line, no secret (see delivery.py)
    at: str


def ledger_key(period: Period) -> str:
    return f"{period.cadence} {period.key}"


class SentLedger:
    def __init__(self, store_root: Path) -> None:
        self.path = store_root / FOLDER / "sent.json"
        self.failure_path = store_root / FOLDER / "last-error.json"
        self.sent: dict[str, SentDigest] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        with versioned_document(self.path, SCHEMA_VERSION, "digest ledger") as document:
            for key, entry in document["sent"].items():
                record = SentDigest(**entry)
                record.as_period  # noqa: B018 -- read for its check: the dates must parse
                self.sent[key] = record

    def get(self, period: Period) -> SentDigest | None:
        return self.sent.get(ledger_key(period))

    def newest(self, cadence: str) -> Period | None:
        periods = [record.as_period for record in self.sent.values() if record.cadence == cadence]
        return max(periods, default=None)

    def record(self, period: Period, record: SentDigest) -> None:
        self.sent[ledger_key(period)] = record
        document = {"schema": SCHEMA_VERSION, "sent": {key: asdict(value) for key, value in self.sent.items()}}
        write_if_changed(self.path, dump_json(document))

    def record_failure(self, failure: DigestFailure) -> None:
        write_if_changed(self.failure_path, dump_json({"schema": SCHEMA_VERSION, **asdict(failure)}))

    def last_failure(self) -> DigestFailure | None:
        if not self.failure_path.exists():
            return None
        document: Any = read_json(self.failure_path)
        try:
            return DigestFailure(document["cadence"], document["period"], document["error"], document["at"])
        except (KeyError, TypeError) as error:
            raise StoreError(f"{self.failure_path}: malformed ({error}). Delete it; the next failure rewrites it.") from None

    def last_sent(self) -> SentDigest | None:
        """The most recently accepted digest (by time of sending), for the status page."""
        return max(self.sent.values(), key=lambda record: (record.at, record.day), default=None)


@dataclass(frozen=True)
class DigestStatus:
    """For the status page and status.json: the last digest sent and the last failure."""

    last_sent: SentDigest | None
    last_failure: DigestFailure | None

    def to_json(self) -> dict[str, Any]:
        return {
            "last_sent": asdict(self.last_sent) if self.last_sent else None,
            "last_error": asdict(self.last_failure) if self.last_failure else None,
        }


def digest_status(store_root: Path) -> DigestStatus | None:
    """None when no digest was ever attempted (the status page then says nothing about e-mail)."""
    ledger = SentLedger(store_root)
    status = DigestStatus(ledger.last_sent(), ledger.last_failure())
    return status if status.last_sent or status.last_failure else None
