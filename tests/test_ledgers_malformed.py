"""A damaged ledger (the fetch's per-source one, the digest's sent one) is one clear error that
names the file and what is wrong, never a traceback, and the file is left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.digest.ledger import SentLedger
from sitegen.errors import StoreError
from sitegen.store.ledger import Ledger

GOOD_SENT = {
    "cadence": "daily",
    "day": "2026-05-29",
    "last_day": "2026-05-29",
    "period": "2026-05-29",
    "message_id": "<a@b>",
    "recipients": 1,
    "papers": 3,
    "at": "2026-05-29T08:00:00Z",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"schema": 2, "days": {}}', "schema is 2, expected 1"),
        ('["not", "an", "object"]', "a JSON object was expected, not list"),
        ('{"schema": 1}', "'days'"),
        ('{"schema": 1, "days": {"2026-05-29": {"state": "fine"}}}', "day 2026-05-29: unknown state 'fine'"),
        ('{"schema": 1, "days": {"2026-05-29": {"state": "ok", "papers": 1}}}', "unexpected keyword argument 'papers'"),
        ('{"schema": 1, "days": {"29 May": {"state": "ok", "count": 1}}}', "29 May"),
    ],
)
def test_a_damaged_source_ledger_names_the_file_and_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path / "sources" / "huggingface.json", text)
    with pytest.raises(StoreError) as raised:
        Ledger(path, "huggingface")
    message = str(raised.value)
    assert message.startswith(f"{path}: malformed source ledger (")
    assert problem in message
    assert "Restore it from git" in message
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("sent", "problem"),
    [
        ('{"schema": 0, "sent": {}}', "schema is 0, expected 1"),
        ('{"schema": 1, "sent": {"daily 2026-05-29": {"cadence": "daily"}}}', "SentDigest"),
        (json.dumps({"schema": 1, "sent": {"daily May": {**GOOD_SENT, "day": "May"}}}), "May"),
    ],
)
def test_a_damaged_digest_ledger_names_the_file_and_the_problem(tmp_path: Path, sent: str, problem: str) -> None:
    path = write(tmp_path / "digests" / "sent.json", sent)
    with pytest.raises(StoreError) as raised:
        SentLedger(tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{path}: malformed digest ledger (")
    assert problem in message
    assert path.read_text(encoding="utf-8") == sent


def test_a_sound_digest_ledger_loads(tmp_path: Path) -> None:
    write(tmp_path / "digests" / "sent.json", json.dumps({"schema": 1, "sent": {"daily 2026-05-29": GOOD_SENT}}))
    ledger = SentLedger(tmp_path)
    newest = ledger.newest("daily")
    assert newest is not None and newest.key == "2026-05-29"
