"""What a user sees: `sitegen run` / `fetch` exit status and messages, the status page and
status.json, `--source`, and a run killed between days (real subprocesses, real clock)."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fault_server import Stall, StandIn, Status, listing_html, serve
from faultkit import UTC, cli_command, cli_env, data_files, entry, hf_item, write_config

from sitegen.fetch.sources.arxiv_schedule import expected_listing_day
from sitegen.store.store import Store

MONDAY = "2026-09-28"


def sitegen(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(root, *args), capture_output=True, text=True, env=cli_env(), timeout=timeout, cwd=root)


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


@pytest.fixture
def server():
    today = expected_listing_day(dt.datetime.now(UTC))
    stand_in = StandIn(
        hf_days={MONDAY: [hf_item("2609.00001", "A paper about diffusion <script>alert(1)</script>")]},
        listings={"cs.LG": listing_html(today, "cs.LG", new=[entry("2611.00001", dt.datetime.now(UTC))])},
    )
    with serve(stand_in) as running:
        yield running


def test_run_exits_non_zero_with_one_line_per_failed_source_and_still_builds(tmp_path, server):
    write_config(tmp_path, server.base_url, categories=("cs.LG",), interval=0, theme=True)
    server.always["/api/daily_papers"] = Status(503)
    server.always["/papers/date/"] = Status(503)
    server.always["/api/query"] = Status(502)
    result = sitegen(tmp_path, "run", "--since", MONDAY, "--until", MONDAY)
    assert result.returncode == 1, result.stderr
    lines = errors(result)
    assert len(lines) == 2
    assert lines[0].startswith(f"error: huggingface failed on 1 day(s) ({MONDAY}); first error: http://127.0.0.1:")
    assert "HTTP 503 after 4 attempts" in lines[0]
    assert (
        lines[1].startswith(f"error: arxiv failed on 1 day(s) ({MONDAY}); first error: ")
        and "HTTP 502 after 4 attempts" in lines[1]
    )
    assert "Traceback" not in result.stderr
    status = json.loads((tmp_path / "output" / "status.json").read_text())
    by_name = {s["name"]: s for s in status["sources"]}
    assert by_name["huggingface"]["days"][MONDAY]["state"] == "failed"
    assert by_name["huggingface"]["last_error"]["day"] == MONDAY and by_name["huggingface"]["last_success"] is None
    page = (tmp_path / "output" / "status" / "index.html").read_text()
    assert "Days that need another try" in page and "HTTP 503 after 4 attempts" in page

    # The services recover: the next run closes the gap and exits 0; status.json says so.
    server.always.clear()
    result = sitegen(tmp_path, "run", "--since", MONDAY, "--until", MONDAY, "--source", "huggingface")
    assert result.returncode == 0, result.stderr
    status = json.loads((tmp_path / "output" / "status.json").read_text())
    hf = next(s for s in status["sources"] if s["name"] == "huggingface")
    assert hf["days"][MONDAY] == {"count": 1, "state": "ok"} and hf["last_success"] == MONDAY
    assert hf["last_error"]["day"] == MONDAY  # the last error is remembered after the day healed
    before = (tmp_path / "output" / "status.json").read_bytes()
    assert sitegen(tmp_path, "build").returncode == 0
    assert (tmp_path / "output" / "status.json").read_bytes() == before  # derived from the ledger only


def test_plain_run_fetches_todays_arxiv_listing_and_exits_zero(tmp_path, server):
    # initial_days = 1: the first run's backfill is just today's listing (tests/test_first_run.py
    # covers the two-week backfill).
    write_config(tmp_path, server.base_url, categories=("cs.LG",), interval=0, theme=True, fetch={"initial_days": 1})
    result = sitegen(tmp_path, "run", "--source", "arxiv")
    assert result.returncode == 0, result.stderr
    assert [r for r in server.requests] == ["/list/cs.LG/new"]  # --source: Hugging Face not asked
    assert (tmp_path / "output" / "papers" / "2611.00001" / "index.html").exists()
    status = json.loads((tmp_path / "output" / "status.json").read_text())
    arxiv = next(s for s in status["sources"] if s["name"] == "arxiv")
    assert arxiv["coverage"]["ok"] == 1


def test_an_unknown_source_is_a_clear_error(tmp_path, server):
    write_config(tmp_path, server.base_url, arxiv=False)
    result = sitegen(tmp_path, "fetch", "--source", "arxiv")
    assert result.returncode == 1
    assert errors(result) == [
        f"error: source 'arxiv' is not configured in {tmp_path / 'sitegen.toml'} (configured: huggingface); add [sources.arxiv]"
    ]


def test_a_run_killed_between_days_leaves_a_loadable_store_and_the_next_run_completes_it(tmp_path, server):
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(12)]
    server.hf_days = {
        d.isoformat(): [hf_item(f"2609.{i:05d}", f"Paper {i}"), hf_item(f"2609.{i + 100:05d}", f"Other {i}")]
        for i, d in enumerate(days, 1)
    }
    # Day 4 stalls (both the API and the page fallback) longer than the client waits, so the kill
    # lands between days 3 and 4 however slowly the machine runs; a fixed latency per answer left
    # the poller about 1 s of slack under load.
    stalled = ("/api/daily_papers?date=2026-09-04", "/papers/date/2026-09-04")
    for prefix in stalled:
        server.always[prefix] = Stall(60)
    write_config(tmp_path, server.base_url, arxiv=False, fetch={"timeout": 30, "retries": 0})
    process = subprocess.Popen(
        cli_command(tmp_path, "fetch", "--since", "2026-09-01", "--until", "2026-09-12"),
        env=cli_env(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ledger = tmp_path / "data" / "sources" / "huggingface.json"
    # A bound for a broken run only: the loop ends as soon as three days are in (day 4 stalls).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if ledger.exists() and len(json.loads(ledger.read_text()).get("days", {})) >= 3:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    for prefix in stalled:
        del server.always[prefix]
    store = Store(tmp_path / "data")
    partial = store.papers()  # loads: every file is whole
    done = store.ledger("huggingface")
    assert 3 <= len(done) < len(days), "the kill should land between days"
    assert all(h.state == "ok" for h in done.values())
    assert {p.first_day for p in partial.values()} >= set(done)  # the ledger never runs ahead of the papers

    result = sitegen(tmp_path, "fetch", "--since", "2026-09-01", "--until", "2026-09-12")
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "data")
    assert len(store.papers()) == 2 * len(days)
    assert {d: h.state for d, h in store.ledger("huggingface").items()} == {d: "ok" for d in days}
    assert not [name for name in data_files(tmp_path) if name.endswith(".tmp")]
