"""Fetching has hard limits (issue 11): a deadline per request, bounded bodies, redirects only to
the source's own hosts, answers of another day refused, and a deleted day fetched in full.

Each against a real server on 127.0.0.1 that misbehaves (tests/hostile_server.py,
tests/fault_server.py). Deadlines are configured small so the suite stays fast; no test reads a
clock: a deadline is proven by the server having had bytes left to send when the client left.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tracemalloc

import pytest
from fault_server import Body, StandIn, Status, atom_feed, serve
from faultkit import UTC, FakeClock, config, entry, hf_item
from hostile_server import Canned, Trickle, gzip_bomb, response, serve_canned, serve_trickle

from sitegen.config.load import FetchConfig
from sitegen.errors import FetchError
from sitegen.fetch.run import fetch
from sitegen.fetch.sources import arxiv_schedule, http
from sitegen.store.store import Store

MONDAY = dt.date(2026, 9, 28)
NOW = dt.datetime(2026, 9, 29, 3, 0, tzinfo=UTC)
# Generous time limits for every test but the deadline's own: a loaded machine may take seconds
# to answer, and only the size and host limits are under test there.
POLICY = FetchConfig(
    timeout=30, retries=0, backoff=0.01, max_backoff=0.05, max_wait=5.0, deadline=60, max_download_mb=0.5, max_decoded_mb=1.0
)
# The deadline's tests: each byte comes every 0.02 s, far within the per-read timeout (5 s), so only
# the overall deadline (0.4 s) can end a 400-byte answer that takes 8 s or more to send.
DEADLINE = FetchConfig(**{**POLICY.__dict__, "timeout": 5, "deadline": 0.4})


def fetcher(policy: FetchConfig = POLICY, hosts: dict[str, str] | None = None) -> http.Fetcher:
    return http.Fetcher(http.make_client(policy), policy, clock=FakeClock(NOW), rng=random.Random(3), hosts=hosts)


@pytest.mark.parametrize("trickle_head", [False, True], ids=["body", "status-line-and-headers"])
def test_a_server_trickling_one_byte_at_a_time_is_cut_off_at_the_deadline(trickle_head):
    # Without the deadline the client would wait for all 400 bytes (8 s or more).
    trickle = Trickle(body=b"[" + b" " * 398 + b"]", pause=0.02, trickle_head=trickle_head)
    with serve_trickle(trickle) as base:
        get = fetcher(DEADLINE)
        with pytest.raises(FetchError, match=r"no complete answer within \[fetch\] deadline = 0.4 s"):
            get.get(f"{base}/api/daily_papers?date=2026-09-28")
        assert not trickle.finished
        assert trickle.sent < len(trickle.body if not trickle_head else trickle.head())


def test_a_deadline_exceeded_is_retried_like_a_timeout():
    trickle = Trickle(body=b"[" + b" " * 398 + b"]", pause=0.02)
    with serve_trickle(trickle) as base:
        get = fetcher(FetchConfig(**{**DEADLINE.__dict__, "retries": 1}))
        with pytest.raises(FetchError, match="after 2 attempts"):
            get.get(f"{base}/api/daily_papers?date=2026-09-28")
    assert trickle.requests == 2


def test_a_gzip_bomb_stops_at_the_decoded_limit_without_filling_memory():
    bomb = gzip_bomb(30)  # ~30 KB sent, 30 MB decoded; the limit is 1 MB
    canned = Canned(response(bomb, "Content-Type: application/json", "Content-Encoding: gzip"))
    with serve_canned(canned) as base:
        get = fetcher()
        tracemalloc.start()
        try:
            with pytest.raises(
                FetchError, match=r"answer refused: the body decompresses to more than 1,000,000 bytes .*max_decoded_mb"
            ):
                get.get(f"{base}/api/daily_papers?date=2026-09-28")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(bomb) < POLICY.max_download_mb * 1_000_000  # the download itself is within limits
    assert peak < 8_000_000  # the decoded limit plus a few chunks, not 30 MB
    assert len(canned.requests) == 1  # refused, not retried


def test_a_normal_gzip_answer_is_decoded():
    body = json.dumps([hf_item("2609.00001", "Diffusion")]).encode()
    import gzip

    canned = Canned(response(gzip.compress(body), "Content-Type: application/json", "Content-Encoding: gzip"))
    with serve_canned(canned) as base:
        assert fetcher().get(f"{base}/x").content == body


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_download_limit_is_refused(chunked):
    body = b"x" * 600_000  # the limit is 0.5 MB
    if chunked:
        raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        raw += (
            b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[i : i + 50_000] for i in range(0, len(body), 50_000)))
            + b"0\r\n\r\n"
        )
    else:
        raw = response(body)
    canned = Canned(raw)
    with serve_canned(canned) as base:
        expected = r"more than 500,000 bytes sent" if chunked else r"announces 600,000 bytes, over the limit of 500,000"
        with pytest.raises(FetchError, match=expected):
            fetcher().get(f"{base}/x")
    assert len(canned.requests) == 1


def test_a_redirect_to_another_host_is_refused_and_that_host_never_asked():
    other = Canned(response(json.dumps([hf_item("2609.66666", "Planted paper")]).encode(), "Content-Type: application/json"))
    with serve_canned(other, host="127.0.0.2") as elsewhere:
        redirect = Canned(response(b"", f"Location: {elsewhere}/api/daily_papers?date=2026-09-28", status="302 Found"))
        refused = r"redirected to http://127.0.0.2:\d+/api/daily_papers\?date=2026-09-28, another host; .*only to 127.0.0.1"
        with serve_canned(redirect) as base, pytest.raises(FetchError, match=refused):
            fetcher().get(f"{base}/api/daily_papers?date=2026-09-28")
    assert other.requests == []


def test_redirects_within_the_host_or_to_a_host_the_source_names_are_followed():
    final = Canned(response(b"[]", "Content-Type: application/json"))
    with serve_canned(final, host="127.0.0.2") as api:
        hop = Canned(response(b"", f"Location: {api}/api/query?x=1", status="301 Moved Permanently"))
        with serve_canned(hop) as base:
            same = Canned(response(b"", "Location: /next", status="307 Temporary Redirect"))
            get = fetcher(hosts={"127.0.0.2": "[sources.arxiv] api_base_url"})
            assert get.get(f"{base}/api/query?x=1").content == b"[]"
            with serve_canned(same) as looping, pytest.raises(FetchError, match=r"more than 5 redirects"):
                get.get(f"{looping}/start")
    assert final.requests == ["GET /api/query?x=1 HTTP/1.1"]
    assert len(same.requests) == 6


# -- whole runs: what reaches the store and the ledger ----------------------------------------


@pytest.fixture
def server():
    with serve(
        StandIn(hf_days={MONDAY.isoformat(): [hf_item("2609.00001", "Diffusion A"), hf_item("2609.00002", "Diffusion B")]})
    ) as running:
        yield running


def run(root, server, **kwargs):
    cfg = config(root, server.base_url, fetch={"deadline": 60.0, **kwargs.pop("fetch", {})}, interval=0, **kwargs)
    report = fetch(cfg, Store(cfg.store.path), [MONDAY], clock=FakeClock(NOW))
    return report, Store(cfg.store.path)


def listed_on(day: dt.date, *ids: str) -> bytes:
    items = [hf_item(i, f"Paper {i}") for i in ids]
    for item in items:
        item["paper"]["submittedOnDailyAt"] = f"{day.isoformat()}T00:00:00.000Z"
    return json.dumps(items).encode()


def test_an_api_that_ignores_the_date_is_caught_and_the_web_page_used_instead(tmp_path, server):
    server.always["/api/daily_papers"] = Body(listed_on(MONDAY + dt.timedelta(days=1), "2609.09999"), "application/json")
    report, store = run(tmp_path, server, arxiv=False)
    assert report.failures == []
    assert sorted(store.papers()) == ["2609.00001", "2609.00002"]  # the page's, under the right day
    assert store.ledger("huggingface")[MONDAY].state == "ok"


def test_a_service_that_ignores_the_date_fails_the_day_and_stores_nothing(tmp_path, server):
    tuesday = MONDAY + dt.timedelta(days=1)
    server.always["/api/daily_papers"] = Body(listed_on(tuesday, "2609.09999"), "application/json")
    props = json.dumps({"dailyPapers": json.loads(listed_on(tuesday, "2609.09999"))}).replace('"', "&quot;")
    server.always["/papers/date/"] = Body(
        f'<html><body><div data-target="DailyPapers" data-props="{props}"></div></body></html>'.encode()
    )
    report, store = run(tmp_path, server, arxiv=False)
    (failure,) = report.failures
    assert failure.day == MONDAY and "listed for other days (2026-09-29 (1)), not 2026-09-28" in failure.message
    assert "ignore the date" in failure.message
    assert store.papers() == {}
    assert store.ledger("huggingface")[MONDAY].state == "failed"


def test_an_arxiv_api_that_ignores_the_query_fails_the_day_and_stores_nothing(tmp_path, server):
    begin, _ = arxiv_schedule.submission_window(MONDAY)
    stray = [entry("2601.00001", begin - dt.timedelta(days=30)), entry("2609.00005", begin + dt.timedelta(hours=1))]
    server.always["/api/query"] = Body(atom_feed(stray, total=2, start=0, size=500), "application/atom+xml")
    cfg = config(tmp_path, server.base_url, huggingface=False, interval=0)
    clock = FakeClock(dt.datetime(2026, 10, 20, 12, 0, tzinfo=UTC))  # MONDAY is a past day: the API is asked
    report = fetch(cfg, Store(cfg.store.path), [MONDAY], clock=clock)
    (failure,) = report.failures
    assert "1 of 2 paper(s) were submitted outside the window of listing day 2026-09-28" in failure.message
    assert "2601.00001" in failure.message
    assert Store(cfg.store.path).papers() == {}


def test_a_redirect_to_another_host_fails_the_day_and_nothing_of_that_host_is_stored(tmp_path, server):
    planted = Canned(response(listed_on(MONDAY, "2609.66666"), "Content-Type: application/json"))
    with serve_canned(planted, host="127.0.0.2") as elsewhere:
        for prefix in ("/api/daily_papers", "/papers/date/"):
            server.always[prefix] = Status(302, b"", (("Location", f"{elsewhere}{prefix}"),))
        report, store = run(tmp_path, server, arxiv=False)
    (failure,) = report.failures
    assert "another host" in failure.message and "[sources.huggingface] base_url" not in failure.message
    assert planted.requests == [] and store.papers() == {}


def test_a_deleted_day_file_is_fetched_in_full_despite_its_stored_etag(tmp_path, server):
    report, store = run(tmp_path, server, arxiv=False)
    assert report.failures == [] and len(store.papers()) == 2
    day_file = store.day_file(MONDAY)
    saved_validators = (tmp_path / "data" / "sources" / "http-cache.json").read_text()
    assert "etag" in saved_validators

    # Control: with the file in place, the rerun is a 304 and writes nothing.
    run(tmp_path, server, arxiv=False)
    assert server.statuses[-1] == 304

    # The advice for a corrupt day file is to delete it; the next fetch must bring it back.
    day_file.unlink()
    report, store = run(tmp_path, server, arxiv=False)
    assert server.statuses[-1] == 200  # asked without If-None-Match, answered in full
    assert report.failures == [] and sorted(store.papers()) == ["2609.00001", "2609.00002"]
    assert day_file.is_file()
    assert store.ledger("huggingface")[MONDAY].state == "ok"
