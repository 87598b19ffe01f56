"""The one HTTP policy, against a real server on 127.0.0.1 that misbehaves on command."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from pathlib import Path

import pytest
from fault_server import Body, Reset, Stall, StandIn, Status, Truncate, serve
from faultkit import UTC, FakeClock

from sitegen.config.load import FetchConfig
from sitegen.errors import FetchError
from sitegen.fetch.sources import http
from sitegen.fetch.sources.http_cache import HttpCache

# A generous read timeout: a loaded machine may take a second to answer, and a read timed out by
# load would be retried and break the exact request counts below. The stall test sets its own.
POLICY = FetchConfig(timeout=10, retries=3, backoff=0.5, max_backoff=4.0, max_wait=60.0)
START = dt.datetime(2026, 9, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def stand_in():
    with serve(StandIn(hf_days={"2026-09-28": []})) as server:
        yield server


def fetcher(policy: FetchConfig = POLICY, **kwargs) -> tuple[http.Fetcher, FakeClock]:
    clock = FakeClock(START)
    client = http.make_client(policy, http.user_agent(kwargs.pop("contact", None)), single_connection=True)
    return http.Fetcher(client, policy, clock=clock, rng=random.Random(7), **kwargs), clock


def url(server: StandIn) -> str:
    return f"{server.base_url}/api/daily_papers?date=2026-09-28&limit=100&p=0"


def test_429_with_retry_after_seconds_is_honoured_exactly(stand_in):
    stand_in.fail("/api/", Status(429, headers=(("Retry-After", "7"),)))
    get, clock = fetcher()
    assert get.get(url(stand_in)).status == 200
    assert clock.sleeps == [7.0]
    assert get.requests == 2


def test_429_with_retry_after_http_date_waits_until_then(stand_in):
    when = email.utils.format_datetime(START + dt.timedelta(seconds=30), usegmt=True)
    stand_in.fail("/api/", Status(429, headers=(("Retry-After", when),)))
    get, clock = fetcher()
    assert get.get(url(stand_in)).status == 200
    assert clock.sleeps == [pytest.approx(30.0, abs=1.0)]


def test_a_burst_of_503_backs_off_exponentially_with_jitter(stand_in):
    stand_in.fail("/api/", *[Status(503)] * 3)
    get, clock = fetcher()
    assert get.get(url(stand_in)).status == 200
    assert get.requests == 4
    # Equal jitter: each wait is in [base/2, base], base doubling from [fetch] backoff.
    for attempt, wait in enumerate(clock.sleeps):
        base = POLICY.backoff * 2**attempt
        assert base / 2 <= wait <= base


def test_503_forever_gives_up_after_the_retries_naming_the_url(stand_in):
    stand_in.always["/api/"] = Status(503)
    get, clock = fetcher()
    with pytest.raises(FetchError, match=r"/api/daily_papers\?date=2026-09-28.*HTTP 503 after 4 attempts"):
        get.get(url(stand_in))
    assert get.requests == POLICY.retries + 1
    assert len(clock.sleeps) == POLICY.retries


def test_a_wait_beyond_the_budget_is_not_made(stand_in):
    stand_in.fail("/api/", Status(429, headers=(("Retry-After", "3600"),)))
    get, clock = fetcher()
    with pytest.raises(
        FetchError, match=r"asked to wait 3600 s \(Retry-After\), but only 60.0 s of \[fetch\] max_wait = 60 s remain"
    ):
        get.get(url(stand_in))
    assert get.requests == 1 and clock.sleeps == []


def test_the_budget_is_shared_and_caps_the_total_wait(stand_in):
    stand_in.always["/api/"] = Status(503, headers=(("Retry-After", "20"),))
    budget = http.WaitBudget(50.0)
    first, clock = fetcher(budget=budget)
    with pytest.raises(FetchError, match="max_wait"):
        first.get(url(stand_in))
    assert sum(clock.sleeps) == 40.0  # two waits of 20 s fit in 50, a third does not
    second, clock2 = fetcher(budget=budget)
    with pytest.raises(FetchError, match="only 10.0 s"):
        second.get(url(stand_in))
    assert second.requests == 1 and clock2.sleeps == []


@pytest.mark.parametrize("fault", [Reset(), Truncate(), Stall(120)], ids=["reset", "truncated", "stall"])
def test_transport_faults_are_retried(stand_in, fault):
    stand_in.fail("/api/", fault)
    # A stall costs one read timeout, not the stall: a client that waited the 120 s would get its
    # answer from the first request (one request, no retry) and take two minutes.
    get, clock = fetcher(FetchConfig(**{**POLICY.__dict__, "timeout": 2}) if isinstance(fault, Stall) else POLICY)
    response = get.get(url(stand_in))
    assert response.status == 200 and response.content == b"[]"
    assert get.requests == 2 and len(clock.sleeps) == 1


def test_transport_faults_forever_end_in_a_fetch_error(stand_in):
    stand_in.always["/api/"] = Reset()
    get, _ = fetcher()
    with pytest.raises(FetchError, match=r"after 4 attempts; check the network"):
        get.get(url(stand_in))
    assert get.requests == 4


def test_non_retryable_answers_are_returned_once(stand_in):
    get, clock = fetcher()
    assert get.get(f"{stand_in.base_url}/nowhere").status == 404
    assert get.requests == 1 and clock.sleeps == []


def test_conditional_requests_use_committed_validators_only(stand_in, tmp_path: Path):
    cache = HttpCache(tmp_path / "http-cache.json")
    get, _ = fetcher(cache=cache)
    assert get.get(url(stand_in), conditional=True).status == 200
    cache.discard()  # the day failed: its validators must not be used
    assert get.get(url(stand_in), conditional=True).status == 200
    cache.commit()
    assert get.get(url(stand_in), conditional=True).not_modified
    assert cache.save()
    again = HttpCache(tmp_path / "http-cache.json")
    assert "If-None-Match" in again.validators(url(stand_in))
    assert not again.save()  # unchanged: nothing rewritten


def test_politeness_interval_and_user_agent(stand_in):
    get, clock = fetcher(interval=3.0, contact="feeds@example.org")
    for _ in range(3):
        get.get(url(stand_in))
    assert clock.sleeps == [3.0, 3.0]
    assert all("sitegen/" in agent and "mailto:feeds@example.org" in agent for agent in stand_in.user_agents)


def test_body_faults_pass_through_to_the_parser(stand_in):
    stand_in.fail("/api/", Body(b"\xff\xfe not utf-8", "application/json"))
    get, _ = fetcher()
    assert get.get(url(stand_in)).content.startswith(b"\xff")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Mon, 28 Sep 2026 12:01:00 GMT", 60.0),
        ("Mon, 28 Sep 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_forms(value, expected):
    assert http.retry_after_seconds(value, START) == expected
