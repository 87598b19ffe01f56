"""The fault-injection suite: every fault the stand-in can produce, through the whole fetch stage.

For each: no stored paper lost or wrongly altered, the day's state in the ledger, the report that
decides the exit status, the number of requests (bounded) and the time spent (a test clock for
waits; real time bounded for timeouts). Monday 28 September 2026, 12:00 UTC: arXiv's expected
listing is that Monday's; Hugging Face refetches Sunday and Monday.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from pathlib import Path

import pytest
from fault_server import Body, Reset, Stall, StandIn, Status, Truncate, listing_html, serve
from faultkit import SHARED, STALL_SECONDS, STALL_TIMEOUT, UTC, FakeClock, config, data_files, entry, hf_item

from sitegen.fetch.run import FetchReport, fetch
from sitegen.fetch.sources import arxiv as arxiv_source
from sitegen.store.store import Store

NOW = dt.datetime(2026, 9, 28, 12, 0, tzinfo=UTC)
MONDAY, SUNDAY, FRIDAY = dt.date(2026, 9, 28), dt.date(2026, 9, 27), dt.date(2026, 9, 25)
T = dt.datetime(2026, 9, 25, 12, 0, tzinfo=UTC)  # in Monday's submission window
HF_URL = "/api/daily_papers?date=2026-09-28"
LG, CL = "/list/cs.LG/new", "/list/cs.CL/new"

SHARED_PAPER = entry("2609.00001", T, ("cs.LG", "stat.ML"), comment="9 pages", title="Shared paper on diffusion")
NEW_LG = entry("2609.00002", T, ("cs.LG", "cs.CL"))
CROSS = entry("2609.00003", T, ("math.ST", "cs.LG", "cs.CL"))  # cross-listed into both of our categories
NEW_CL = entry("2609.00004", T, ("cs.CL",))
HF_ONLY = "2609.10003"


def listings(day: dt.date = MONDAY) -> dict[str, bytes]:
    return {
        "cs.LG": listing_html(
            day, "cs.LG", new=[SHARED_PAPER, NEW_LG], cross=[CROSS],
            replaced=[entry(HF_ONLY, T, ("cs.LG",), version=2, comment="v2: accepted"), entry("2501.99999", T, version=4)],
        ),
        "cs.CL": listing_html(day, "cs.CL", new=[NEW_CL], cross=[NEW_LG, CROSS]),
    }


def stand_in() -> StandIn:
    return StandIn(
        hf_days={
            "2026-09-28": [
                hf_item("2609.00001", "Shared paper on diffusion (HF spelling)", upvotes=42),
                hf_item(HF_ONLY, "Only on HF"),
            ],
            "2026-09-25": [hf_item("2609.10001", "Friday paper")],
        },
        listings=listings(),
    )


@pytest.fixture
def server():
    with serve(stand_in()) as running:
        yield running


def run(root: Path, server: StandIn, clock: FakeClock | None = None, **kwargs) -> tuple[FetchReport, Store, FakeClock]:
    clock = clock or FakeClock(NOW)
    cfg = config(
        root,
        server.base_url,
        fetch=kwargs.pop("fetch", None),
        **{k: kwargs.pop(k) for k in list(kwargs) if k in ("arxiv_extra", "categories")},
    )
    store = Store(cfg.store.path)
    report = fetch(cfg, store, kwargs.pop("days", None), sources=kwargs.pop("sources", None), clock=clock)
    return report, Store(cfg.store.path), clock


def health(store: Store, source: str, day: dt.date):
    return store.ledger(source).get(day)


def test_a_good_run_stores_every_paper_once_enriched_by_both_sources(tmp_path, server):
    report, store, clock = run(tmp_path, server)
    papers = store.papers()
    assert set(papers) == {"2609.00001", "2609.00002", "2609.00003", "2609.00004", HF_ONLY}
    shared = papers["2609.00001"]
    assert shared.sources == ("arxiv", "huggingface")
    assert shared.upvotes == 42 and shared.organization.name == "example-org"  # from Hugging Face
    assert shared.categories == ("cs.LG", "stat.ML") and shared.arxiv_comments == "9 pages"  # from arXiv
    assert shared.title == "Shared paper on diffusion"  # arXiv owns the title
    assert "Hidden Person" not in shared.authors  # Hugging Face's hidden author stays hidden
    assert papers["2609.00003"].categories == ("math.ST", "cs.LG", "cs.CL")  # cross-listed twice, stored once
    assert papers[HF_ONLY].version == 2 and papers[HF_ONLY].arxiv_comments == "v2: accepted"  # replacement
    assert "2501.99999" not in papers  # a replacement is not a new item
    assert health(store, "arxiv", MONDAY).state == "ok" and health(store, "arxiv", MONDAY).count == 4
    assert health(store, "huggingface", MONDAY).count == 2
    assert health(store, "huggingface", SUNDAY).state == "empty"
    assert report.failures == [] and report.warning_lines() == []
    assert report.requests == 4 and len(server.requests) == 4
    assert clock.sleeps == [3.0]  # politeness between the two arXiv requests, nothing else
    arxiv_agents = [a for r, a in zip(server.requests, server.user_agents, strict=True) if r.startswith("/list/")]
    assert all("mailto:feeds@example.org" in a for a in arxiv_agents)


def test_a_rerun_with_identical_answers_rewrites_nothing_and_costs_only_304s(tmp_path, server):
    run(tmp_path, server)
    before = data_files(tmp_path)
    server.statuses.clear()
    report, _, _ = run(tmp_path, server)
    assert data_files(tmp_path) == before  # bytes and mtimes: no file written
    assert server.statuses == [304, 304, 304, 304]  # conditional requests: unchanged listings cost nothing
    assert report.new_papers == 0 and report.updated_papers == 0


def test_a_changed_answer_is_fetched_in_full_and_merged(tmp_path, server):
    run(tmp_path, server)
    server.hf_days["2026-09-28"][0]["paper"]["upvotes"] = 50
    report, store, _ = run(tmp_path, server)
    assert store.papers()["2609.00001"].upvotes == 50 and report.updated_papers == 1


RECOVERABLE = {
    "429-retry-after-seconds": ([Status(429, headers=(("Retry-After", "5"),))], 1),
    "429-retry-after-date": (
        [Status(429, headers=(("Retry-After", email.utils.format_datetime(NOW + dt.timedelta(seconds=5), usegmt=True)),))],
        1,
    ),
    "503-burst": ([Status(503)] * 3, 3),
    "connection-reset": ([Reset()], 1),
    "stall-past-read-timeout": ([Stall(STALL_SECONDS)], 1),
    "truncated-body": ([Truncate()], 1),
    "invalid-utf8": ([Body(b'[{"paper": {"id": "\xff\xfe"}}]', "application/json")], 1),  # the web page fallback answers
}


@pytest.mark.parametrize("name", list(RECOVERABLE))
def test_hugging_face_faults_that_heal_within_the_run(tmp_path, server, name):
    faults, extra = RECOVERABLE[name]
    server.fail(HF_URL, *faults)
    report, store, clock = run(tmp_path, server, fetch=STALL_TIMEOUT if name.startswith("stall") else None)
    assert report.failures == [] and report.warning_lines() == []
    assert health(store, "huggingface", MONDAY).state == "ok" and health(store, "huggingface", MONDAY).count == 2
    assert store.papers()["2609.00001"].upvotes == 42  # nothing altered by the fault
    assert len(server.requests) == 4 + extra
    assert sum(clock.sleeps) <= 3.0 + (5.0 if name.startswith("429") else 0.2)  # politeness + waits asked
    if name.startswith("429"):
        assert any(abs(s - 5.0) < 1.0 for s in clock.sleeps)


def test_invalid_utf8_and_a_changed_layout_fall_back_to_the_web_page_then_fail_clearly(tmp_path, server):
    server.always["/api/daily_papers?date=2026-09-28"] = Body(b"\xff\xfe", "application/json")
    server.always["/papers/date/2026-09-28"] = Body(b"<html><body><p>New design</p></body></html>")
    report, store, _ = run(tmp_path, server, sources=("huggingface",))
    (failure,) = report.failures
    assert "/api/daily_papers?date=2026-09-28&limit=100&p=0: the answer is not valid JSON" in failure.message
    assert "fallback: " in failure.message and '/papers/date/2026-09-28: no div[data-target="DailyPapers"]' in failure.message
    day = health(store, "huggingface", MONDAY)
    assert day.state == "failed" and day.at == "2026-09-28T12:00:00+00:00" and day.error == failure.message
    assert len(server.requests) == 3  # Sunday, Monday's API, Monday's page: a parse error is not retried


def test_503_forever_on_a_new_day_fails_it_without_touching_the_store(tmp_path, server):
    run(tmp_path, server, days=[FRIDAY], sources=("huggingface",))
    stored = store_snapshot(tmp_path)
    server.always[HF_URL] = Status(503)
    server.always["/papers/date/2026-09-28"] = Status(503)
    server.requests.clear()
    report, store, clock = run(tmp_path, server, sources=("huggingface",))
    assert store_snapshot(tmp_path) == stored
    day = health(store, "huggingface", MONDAY)
    assert day.state == "failed" and "HTTP 503 after 4 attempts" in day.error
    assert report.failure_lines() == [f"huggingface failed on 1 day(s) (2026-09-28); first error: {day.error}"]
    assert server.count(HF_URL) == 4 and server.count("/papers/date/") == 4  # retries + 1, API and page
    assert len(clock.sleeps) == 6 and sum(clock.sleeps) <= 6 * 0.05


def test_a_failed_refresh_of_a_stored_day_keeps_its_papers_and_is_healed_later(tmp_path, server):
    run(tmp_path, server)
    stored = store_snapshot(tmp_path)
    server.always[HF_URL] = Reset()
    server.always["/papers/date/2026-09-28"] = Reset()
    report, store, _ = run(tmp_path, server)
    assert store_snapshot(tmp_path) == stored  # the papers stay
    assert health(store, "huggingface", MONDAY).state == "failed"  # the latest attempt failed: red run
    assert [p.day for p in report.failures] == [MONDAY]
    assert store.source_ledger("huggingface").last_error.day == MONDAY
    server.always.clear()
    report, store, _ = run(tmp_path, server)
    assert health(store, "huggingface", MONDAY).state == "ok" and report.failures == []


def test_a_source_that_keeps_failing_is_given_up_without_stopping_the_others(tmp_path, server):
    server.always["/api/daily_papers"] = Status(503)
    server.always["/papers/date/"] = Status(503)
    week = [dt.date(2026, 9, 21) + dt.timedelta(days=i) for i in range(5)]
    report, store, _ = run(tmp_path, server, days=week + [MONDAY])
    hf = next(s for s in report.sources if s.name == "huggingface")
    assert [p.day for p in hf.failed] == week + [MONDAY]
    assert "gave up on huggingface for this run after 3 failed days in a row" in hf.gave_up
    assert server.count("/api/daily_papers") == 3 * 4  # three days tried, the rest not asked
    for day in week[3:] + [MONDAY]:
        assert health(store, "huggingface", day).error.startswith("gave up on huggingface")
    assert health(store, "arxiv", MONDAY).state == "ok"  # arXiv was still fetched
    assert len(report.failure_lines()) == 1


def test_the_total_wait_is_capped_per_run(tmp_path, server):
    server.always["/api/daily_papers"] = Status(429, headers=(("Retry-After", "10"),))
    server.always["/papers/date/"] = Status(429, headers=(("Retry-After", "10"),))
    report, store, clock = run(tmp_path, server, fetch={"max_wait": 25})
    retry_waits = [s for s in clock.sleeps if s != 3.0]
    assert sum(retry_waits) == 20.0  # two waits fit in 25 s; every later one is refused
    assert health(store, "huggingface", MONDAY).state == "failed"
    assert "max_wait = 25 s" in health(store, "huggingface", MONDAY).error
    assert health(store, "arxiv", MONDAY).state == "ok"  # politeness waits are not retry waits
    assert len(server.requests) <= 8


def test_arxiv_429_with_retry_after_is_honoured(tmp_path, server):
    server.fail(LG, Status(429, headers=(("Retry-After", "4"),)))
    report, store, clock = run(tmp_path, server, sources=("arxiv",))
    assert health(store, "arxiv", MONDAY).count == 4 and report.failures == []
    assert clock.sleeps == [4.0, 3.0] and server.count(LG) == 2


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            Body(b"<html><body><h1>arXiv is being redesigned</h1></body></html>"),
            "/list/cs.LG/new: no listing blocks (dl#articles)",
        ),
        (Body(listings()["cs.LG"].replace(b"Subject", b"\xff")), "/list/cs.LG/new: the page is not valid UTF-8"),
        (
            Body(listings()["cs.LG"].replace(b"<dt>", b"<div>").replace(b"</dt>", b"</div>")),
            "says it shows 2 entries but none could be parsed",
        ),
    ],
    ids=["changed-layout", "invalid-utf8", "claims-n-parses-none"],
)
def test_arxiv_pages_we_cannot_read_fail_the_day_never_empty_it(tmp_path, server, fault, message):
    server.always[LG] = fault
    report, store, _ = run(tmp_path, server, sources=("arxiv",))
    day = health(store, "arxiv", MONDAY)
    assert day.state == "failed" and message in day.error
    assert report.failure_lines()[0].startswith("arxiv failed on 1 day(s) (2026-09-28); first error: ")
    assert store.papers() == {}
    assert server.count(LG) == 1  # a parse error is not retried within the run


def test_an_unreadable_arxiv_page_after_a_good_run_loses_nothing(tmp_path, server):
    run(tmp_path, server)
    stored = store_snapshot(tmp_path)
    server.always[LG] = Body(b"<html><body>changed</body></html>")
    report, store, _ = run(tmp_path, server)
    assert store_snapshot(tmp_path) == stored and health(store, "arxiv", MONDAY).state == "failed"
    assert "/list/cs.LG/new: no listing blocks" in report.failure_lines()[0]


def test_yesterdays_arxiv_listing_is_stale_so_the_day_is_suspect(tmp_path, server):
    server.listings = listings(FRIDAY)
    report, store, _ = run(tmp_path, server, sources=("arxiv",))
    day = health(store, "arxiv", MONDAY)
    assert day.state == "suspect" and "cs.LG: stale listing of 2026-09-25 (expected 2026-09-28)" in day.note
    assert health(store, "arxiv", FRIDAY) is None  # Friday is not judged by a stale page
    assert store.papers()["2609.00002"].listing_days == (FRIDAY,)  # real papers of the day it shows
    assert report.failures == [] and report.warning_lines()[0].startswith("arxiv: 2026-09-28 suspect: cs.LG: stale listing")
    # The next run asks again, and the gap closes by itself.
    server.listings = listings()
    report, store, _ = run(tmp_path, server, sources=("arxiv",))
    assert health(store, "arxiv", MONDAY).state == "ok" and report.warning_lines() == []


def test_one_stale_category_makes_the_day_suspect(tmp_path, server):
    server.listings["cs.CL"] = listings(FRIDAY)["cs.CL"]
    _, store, _ = run(tmp_path, server, sources=("arxiv",))
    day = health(store, "arxiv", MONDAY)
    assert day.state == "suspect" and day.note.startswith("cs.CL: stale listing") and day.count == 3


def test_no_updates_today_is_an_expected_empty_day(tmp_path, server):
    server.listings = {"cs.LG": listing_html(None, "cs.LG"), "cs.CL": listing_html(None, "cs.CL")}
    report, store, _ = run(tmp_path, server, sources=("arxiv",))
    assert health(store, "arxiv", MONDAY).state == "empty" and report.failures == []


def test_fewer_papers_than_the_page_claims_is_suspect(tmp_path, server):
    server.listings["cs.LG"] = server.listings["cs.LG"].replace(b'href ="/abs/2609.00002"', b'href ="/abs/broken"')
    report, store, _ = run(tmp_path, server, sources=("arxiv",))
    day = health(store, "arxiv", MONDAY)
    assert day.state == "suspect" and day.note == "cs.LG: new: 1 parsed of 2 shown"
    assert "2609.00002" in store.papers()  # still stored: cs.CL cross-lists it


def test_failed_days_heal_first_on_the_next_run(tmp_path, server):
    server.always[HF_URL] = Status(500)
    server.always["/papers/date/2026-09-28"] = Status(500)
    run(tmp_path, server, sources=("huggingface",))
    old = dt.date(2026, 9, 1)
    Store(tmp_path / "data").record_health("huggingface", {old: health(Store(tmp_path / "data"), "huggingface", MONDAY)})
    server.always.clear()
    server.requests.clear()
    tuesday = dt.date(2026, 9, 29)
    report, store, _ = run(tmp_path, server, sources=("huggingface",), days=[tuesday])
    assert [r.split("&")[0] for r in server.requests] == [HF_URL, "/api/daily_papers?date=2026-09-29"]  # heal first
    assert health(store, "huggingface", MONDAY).state == "ok" and report.failures == []
    assert health(store, "huggingface", old).state == "failed"  # older than heal_days: left alone


def test_backfill_through_the_api_pages_politely_and_skips_weekends(tmp_path, server, monkeypatch):
    monkeypatch.setattr(arxiv_source, "API_PAGE_SIZE", 2)
    thursday = dt.datetime(2026, 9, 17, 12, 0, tzinfo=UTC)  # 08:00 Eastern: in Friday 18 September's window
    server.api_entries = [
        entry("2609.20001", thursday, ("cs.LG",)),
        entry("2609.20002", thursday + dt.timedelta(minutes=5), ("math.OC", "cs.LG")),  # a cross-list
        entry("2609.20003", thursday + dt.timedelta(minutes=9), ("cs.CL",), version=3),
        entry("2609.20004", dt.datetime(2026, 9, 21, 12, 0, tzinfo=UTC), ("cs.CL",)),  # Tuesday 22's window
        entry("2609.20005", thursday, ("hep-th",)),  # not ours
    ]
    days = [dt.date(2026, 9, 18) + dt.timedelta(days=i) for i in range(5)]  # Fri .. Tue
    report, store, clock = run(tmp_path, server, sources=("arxiv",), days=days)
    papers = store.papers()
    assert {p: papers[p].listing_days for p in papers} == {
        "2609.20001": (dt.date(2026, 9, 18),),
        "2609.20002": (dt.date(2026, 9, 18),),
        "2609.20003": (dt.date(2026, 9, 18),),
        "2609.20004": (dt.date(2026, 9, 22),),
    }
    assert papers["2609.20003"].version == 3 and papers["2609.20002"].categories == ("math.OC", "cs.LG")
    assert [health(store, "arxiv", d).state for d in days] == ["ok", "empty", "empty", "suspect", "ok"]
    assert health(store, "arxiv", dt.date(2026, 9, 21)).note == "the API lists no submissions for a listing day"
    assert server.count("/api/query") == 2 + 1 + 1  # Friday in two pages, Monday, Tuesday; no weekend request
    assert clock.sleeps == [3.0, 3.0, 3.0] and report.failures == []


def test_backfill_without_cross_lists_keeps_primaries_only(tmp_path, server):
    friday = dt.datetime(2026, 9, 17, 12, 0, tzinfo=UTC)
    server.api_entries = [entry("2609.20001", friday, ("cs.LG",)), entry("2609.20002", friday, ("math.OC", "cs.LG"))]
    _, store, _ = run(
        tmp_path, server, sources=("arxiv",), days=[dt.date(2026, 9, 18)], arxiv_extra="include_cross_lists = false"
    )
    assert set(store.papers()) == {"2609.20001"}


def test_the_api_claiming_results_it_does_not_send_fails_the_day(tmp_path, server):
    from fault_server import atom_feed

    server.always["/api/query"] = Body(atom_feed([], total=7, start=0, size=500), "application/atom+xml")
    report, store, _ = run(tmp_path, server, sources=("arxiv",), days=[dt.date(2026, 9, 18)])
    assert "the API says it has 7 results but this page (start=0) has none" in health(store, "arxiv", dt.date(2026, 9, 18)).error


def store_snapshot(root: Path) -> dict[str, bytes]:
    return {k: v[0] for k, v in data_files(root).items() if k.startswith("papers/")}


def test_no_paper_is_altered_when_a_source_sends_less(tmp_path, server):
    run(tmp_path, server)
    server.hf_days["2026-09-28"] = [hf_item("2609.00001", "Shared paper on diffusion (HF spelling)", upvotes=42)]
    report, store, _ = run(tmp_path, server)
    assert HF_ONLY in store.papers()  # a shorter answer never removes a stored paper
    day = health(store, "huggingface", MONDAY)
    assert day.state == "suspect" and day.note == "1 paper(s) listed now, 2 before"


def test_the_real_listing_page_served_with_faults(tmp_path, server):
    real = SHARED / "arxiv" / "arxiv_list_cs.IT_new_2026-09-28.html"
    if not real.exists():
        pytest.skip(f"{real} not present (../shared/data is optional)")
    server.listings = {"cs.IT": real.read_bytes()}
    server.fail("/list/cs.IT/new", Status(503), Stall(STALL_SECONDS), Status(429, headers=(("Retry-After", "2"),)))
    report, store, clock = run(tmp_path, server, sources=("arxiv",), categories=("cs.IT",), fetch=STALL_TIMEOUT)
    day = health(store, "arxiv", MONDAY)
    assert (day.state, day.count) == ("ok", 16)  # 10 new + 6 cross-lists; 15 replacements are not new items
    assert len(store.papers()) == 16 and report.failures == []
    assert server.count("/list/cs.IT/new") == 4
    # Retry waits (backoff, Retry-After 2 s) are topped up to arXiv's 3 s between any two requests.
    assert 2.0 in clock.sleeps and sum(clock.sleeps) == pytest.approx(3 * 3.0)
