"""`sitegen run` against a Hugging Face stand-in on 127.0.0.1, as a user runs it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from conftest import FIXTURES, run_sitegen, write_config
from hf_server import FIXTURE_WEEK, HFStandIn, serve

from sitegen.publish.site_size import UNPUBLISHED

DAYS = FIXTURE_WEEK
RANGE = ("--since", "2026-05-25", "--until", "2026-05-29")
# What the test config's rules must give (diffusion: any "diffusion", none "survey"; agents: any "agent").
EXPECTED_TOPICS = {
    "diffusion": {"2405.00001", "2510.00004"},
    "agents": {"2503.00003", "2510.00004", "2605.00005"},
    "all": {"2405.00001", "2405.00002", "2503.00003", "2510.00004", "2605.00005"},
}


def _stand_in() -> HFStandIn:
    days = {day: json.loads((FIXTURES / name).read_text()) if name else [] for day, name in DAYS.items()}
    stand_in = HFStandIn(days=days)
    # One day only works through the web-page fallback.
    stand_in.always["/api/daily_papers?date=2026-05-27"] = 404
    return stand_in


@pytest.fixture
def hf() -> Iterator[HFStandIn]:
    with serve(_stand_in()) as stand_in:
        yield stand_in


def _snapshot(*folders: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path): (path.read_bytes(), path.stat().st_mtime_ns)
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_run_builds_every_paper_into_its_days_pages_and_feeds(tmp_path: Path, hf: HFStandIn) -> None:
    config = write_config(tmp_path, hf.base_url)
    result = run_sitegen(config, "run", *RANGE)
    assert result.returncode == 0, result.stderr
    assert "fetched 5 day(s): 5 new paper(s)" in result.stderr
    output = tmp_path / "output"

    # Every paper on each of its listing days, exactly once, and on its own page.
    listings: dict[str, set[str]] = {}
    for day, name in DAYS.items():
        for item in json.loads((FIXTURES / name).read_text()) if name else []:
            listings.setdefault(day, set()).add(item["paper"]["id"])
    for day, ids in listings.items():
        page = (output / "days" / day / "index.html").read_text()
        for arxiv_id in ids:
            assert page.count(f'href="../../papers/{arxiv_id}/"') == 1, (day, arxiv_id)
    # An empty day (weekend) is not a listing day: no page, and navigation steps over it.
    assert not (output / "days/2026-05-28").exists()
    assert 'rel="prev" href="../../days/2026-05-27/"' in (output / "days/2026-05-29/index.html").read_text()
    for arxiv_id in EXPECTED_TOPICS["all"]:
        assert (output / "papers" / arxiv_id / "index.html").is_file()
    relisted = (output / "papers/2405.00001/index.html").read_text()
    assert "2026-05-25" in relisted and "2026-05-29" in relisted  # first day kept, later listing recorded

    # Every feed parses back and holds each matching paper exactly once, with abstract and link.
    for slug, expected in EXPECTED_TOPICS.items():
        for kind in ("rss.xml", "atom.xml"):
            feed = feedparser.parse((output / "feeds" / f"{slug}.{kind}").read_bytes())
            assert not feed.bozo, (slug, kind, feed.get("bozo_exception"))
            ids = [entry.id for entry in feed.entries]
            assert sorted(ids) == sorted(f"https://arxiv.org/abs/{i}" for i in expected), (slug, kind)
            for entry in feed.entries:
                assert entry.link.startswith("http://127.0.0.1:8000/papers/")
                assert entry.get("summary") or entry.get("content")


def test_scraped_text_is_escaped_and_unsafe_links_dropped(tmp_path: Path, hf: HFStandIn) -> None:
    config = write_config(tmp_path, hf.base_url)
    assert run_sitegen(config, "run", *RANGE).returncode == 0
    output = tmp_path / "output"
    page = (output / "papers/2510.00004/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Diffusion Agents" in page
    assert "An abstract with a &lt;/script&gt; tag and ]]&gt; in it." in page
    for path in output.rglob("*"):
        # Every published file (the builder's memory beside them is never served).
        if path.is_file() and path.relative_to(output).parts[0] not in UNPUBLISHED:
            text = path.read_text(errors="replace")
            assert "<script>alert(1)" not in text, path
            assert "javascript:" not in text, path
    atom = feedparser.parse((output / "feeds/all.atom.xml").read_bytes())
    titles = {entry.id.rsplit("/", 1)[1]: entry.title for entry in atom.entries}
    assert titles["2510.00004"] == "<script>alert(1)</script> Diffusion Agents"  # round-trips as text


def test_second_run_with_same_answers_rewrites_nothing(tmp_path: Path, hf: HFStandIn) -> None:
    config = write_config(tmp_path, hf.base_url)
    assert run_sitegen(config, "run", *RANGE).returncode == 0
    before = _snapshot(tmp_path / "data", tmp_path / "output")
    second = run_sitegen(config, "run", *RANGE)
    assert second.returncode == 0, second.stderr
    assert "0 file(s) written" in second.stderr
    assert _snapshot(tmp_path / "data", tmp_path / "output") == before


def test_http_500_then_success_is_retried(tmp_path: Path, hf: HFStandIn) -> None:
    hf.fail("/api/daily_papers?date=2026-05-29", 500, times=2)
    result = run_sitegen(write_config(tmp_path, hf.base_url), "run", "--since", "2026-05-29", "--until", "2026-05-29")
    assert result.returncode == 0, result.stderr
    assert sum(r.startswith("/api/daily_papers?date=2026-05-29") for r in hf.requests) == 3
    assert (tmp_path / "output/papers/2605.00005/index.html").exists()


def test_failing_day_is_reported_and_the_store_kept(tmp_path: Path, hf: HFStandIn) -> None:
    config = write_config(tmp_path, hf.base_url)
    assert run_sitegen(config, "run", *RANGE).returncode == 0
    stored = _snapshot(tmp_path / "data" / "papers")
    hf.always["/api/daily_papers?date=2026-05-29"] = 500
    hf.always["/papers/date/2026-05-29"] = 500
    result = run_sitegen(config, "run", *RANGE)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: huggingface failed on 1 day(s) (2026-05-29); first error: ")
    assert "HTTP 500 after 3 attempts" in last_line
    assert "built 5 paper(s)" in result.stderr  # the site is still built from what is stored
    assert _snapshot(tmp_path / "data" / "papers") == stored
    ledger = json.loads((tmp_path / "data/sources/huggingface.json").read_text())
    assert ledger["days"]["2026-05-29"]["state"] == "failed"
    # An empty weekday is not silently "ok": suspect, asked again by the next runs (issue 7).
    assert ledger["days"]["2026-05-28"]["state"] == "suspect" and ledger["days"]["2026-05-28"]["count"] == 0


def test_invalid_json_falls_back_to_the_web_page(tmp_path: Path, hf: HFStandIn) -> None:
    hf.fail("/api/daily_papers?date=2026-05-26", 200, b"{not json", "application/json")
    result = run_sitegen(write_config(tmp_path, hf.base_url), "run", "--since", "2026-05-26", "--until", "2026-05-26")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output/papers/2503.00003/index.html").exists()


@pytest.mark.parametrize(
    ("api_body", "api_message"),
    [
        (b"{not json", "the answer is not valid JSON"),
        (b'{"papers": "moved"}', "expected a JSON array of papers, got an object"),
    ],
)
def test_answers_not_understood_are_errors_never_empty_days(
    tmp_path: Path, hf: HFStandIn, api_body: bytes, api_message: str
) -> None:
    hf.fail("/api/daily_papers?date=2026-05-26", 200, api_body, "application/json")
    hf.fail("/papers/date/2026-05-26", 200, b"<html><body>new layout</body></html>", "text/html")
    config = write_config(tmp_path, hf.base_url)
    result = run_sitegen(config, "fetch", "--since", "2026-05-26", "--until", "2026-05-26")
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()[-1]
    assert f"{hf.base_url}/api/daily_papers?date=2026-05-26&limit=100&p=0: {api_message}" in message
    assert f'{hf.base_url}/papers/date/2026-05-26: no div[data-target="DailyPapers"] with data-props' in message
    assert not (tmp_path / "data/papers").exists()
    assert json.loads((tmp_path / "data/sources/huggingface.json").read_text())["days"]["2026-05-26"]["state"] == "failed"


def test_corrupt_store_file_stops_the_run_and_is_left_alone(tmp_path: Path, hf: HFStandIn) -> None:
    config = write_config(tmp_path, hf.base_url)
    assert run_sitegen(config, "run", *RANGE).returncode == 0
    victim = tmp_path / "data/papers/2026/2026-05-26.json"
    victim.write_bytes(b'{"schema": 1, "papers": {"2503.00003": ')
    result = run_sitegen(config, "run", *RANGE)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(rf"error: {re.escape(str(victim))}: store file is not valid JSON", result.stderr)
    assert victim.read_bytes() == b'{"schema": 1, "papers": {"2503.00003": '


def test_invalid_config_reports_every_problem(tmp_path: Path, hf: HFStandIn) -> None:
    config = write_config(tmp_path, hf.base_url, extra="[feeds]\nmax_item = 5\n", topics='[topics.x]\nany = "diffusion"\n')
    result = run_sitegen(config, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"error: {config}: 3 config problems:",
        '  feeds.max_item: unknown key; did you mean "max_items"?',
        "  topics.x.title: is required (a string)",
        "  topics.x.any: must be a list of strings, got a string",
    ]
