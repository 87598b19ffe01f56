"""A first run that fills the site (issue 16): with nothing stored, a plain `sitegen fetch` asks
each source for its last `[fetch] initial_days` listing days (weekends not counted), and the next
run goes back to the usual few days. The real CLI against the stand-in server on 127.0.0.1.

The CLI uses the real date, so the stand-in serves every day around today and the assertions
are about the shape of what was asked (contiguous, ending today, 14 weekdays), not fixed dates.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fault_server import StandIn, listing_html, serve
from faultkit import REPO, UTC, entry, hf_item, write_config

from sitegen.fetch.sources.arxiv_schedule import expected_listing_day, submission_window
from sitegen.store.store import Store


def sitegen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "sitegen", "--config", str(root / "sitegen.toml"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=root)


def hf_dates(requests: list[str]) -> list[dt.date]:
    return [dt.date.fromisoformat(parse_qs(urlsplit(r).query)["date"][0]) for r in requests if r.startswith("/api/daily_papers")]


@pytest.fixture
def server():
    today = dt.datetime.now(UTC).date()
    days = [today - dt.timedelta(days=n) for n in range(-1, 30)]  # tomorrow too: the run may cross midnight
    hf_days = {d.isoformat(): [hf_item(f"{d:%y%m}.{d.day:05d}", f"Paper of {d}")] for d in days if d.weekday() < 5}
    listing_day = expected_listing_day(dt.datetime.now(UTC))
    # One arXiv submission inside each of the last 30 listing days' windows.
    api = [entry(f"{d:%y%m}.{d.day:04d}1", submission_window(d)[0] + dt.timedelta(hours=1)) for d in days if d.weekday() < 5]
    listing = listing_html(listing_day, "cs.LG", new=[entry("2612.99999", dt.datetime.now(UTC))])
    with serve(StandIn(hf_days=hf_days, api_entries=api, listings={"cs.LG": listing})) as running:
        yield running


def test_a_first_fetch_backfills_the_last_14_listing_days_then_runs_as_usual(tmp_path, server):
    write_config(tmp_path, server.base_url, categories=("cs.LG",), interval=0)
    before = dt.datetime.now(UTC).date()
    result = sitegen(tmp_path, "fetch")
    after = dt.datetime.now(UTC).date()
    assert result.returncode == 0, result.stderr

    asked = hf_dates(server.requests)
    assert asked == sorted(asked) and asked[-1] in (before, after)
    assert asked == [asked[0] + dt.timedelta(days=n) for n in range(len(asked))]  # every day of the span
    assert sum(1 for d in asked if d.weekday() < 5) == 14 and asked[0].weekday() < 5  # 14 weekdays, weekends between

    store = Store(tmp_path / "data")
    hf = store.ledger("huggingface")
    assert sorted(d for d, h in hf.items() if h.state == "ok") == [d for d in asked if d.weekday() < 5]
    arxiv = store.ledger("arxiv")
    listing_days = sorted(d for d, h in arxiv.items() if h.state == "ok")
    assert len(listing_days) == 14 and all(d.weekday() < 5 for d in listing_days)
    assert server.count("/api/query") == 13 and server.count("/list/cs.LG/new") == 1  # today's from its page
    assert len(store.papers()) == 14 + 14
    assert "fetched" in result.stderr and "huggingface: " in result.stderr

    # The store is no longer empty: the next run asks for the usual days only (refetch_days = 2).
    server.requests.clear()
    again = sitegen(tmp_path, "fetch")
    assert again.returncode == 0, again.stderr
    assert len(hf_dates(server.requests)) == 2
    assert server.count("/api/query") == 0


def test_initial_days_is_a_config_key(tmp_path, server):
    write_config(tmp_path, server.base_url, arxiv=False, fetch={"initial_days": 3})
    result = sitegen(tmp_path, "fetch")
    assert result.returncode == 0, result.stderr
    asked = hf_dates(server.requests)
    assert sum(1 for d in asked if d.weekday() < 5) == 3
