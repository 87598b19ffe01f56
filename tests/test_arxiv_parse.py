"""Parsing arXiv: listing pages (ours in the real shape, and the real saved page), both API formats,
and the announcement schedule."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from fault_server import atom_feed, listing_html
from faultkit import SHARED, UTC, entry

from sitegen.errors import ParseError
from sitegen.fetch.sources import arxiv_schedule
from sitegen.fetch.sources.arxiv_api import api_error, parse_api, query_url
from sitegen.fetch.sources.arxiv_listing import parse_listing

ARXIV = SHARED / "arxiv"
MONDAY = dt.date(2026, 9, 28)
T = dt.datetime(2026, 9, 25, 12, 0, tzinfo=UTC)


def real(name: str) -> bytes:
    path = ARXIV / name
    if not path.exists():
        pytest.skip(f"{path} not present (../shared/data is optional)")
    return path.read_bytes()


def test_our_listing_fixture_new_cross_replacements():
    page = parse_listing(
        listing_html(
            MONDAY,
            "cs.LG",
            new=[entry("2609.00001", T, ("cs.LG", "stat.ML"), comment="12 pages", journal_ref="J. Tests 1 (2026)")],
            cross=[entry("2609.00002", T, ("math.ST", "cs.LG"))],
            replaced=[entry("2501.00003", T, ("cs.LG",), version=3)],
        ),
        "http://x/list/cs.LG/new",
    )
    assert page.day == MONDAY and not page.no_updates and page.shortfalls() == []
    (new,) = page.papers("new")
    assert new.arxiv_id == "2609.00001" and new.version == 1
    assert new.categories == ("cs.LG", "stat.ML")
    assert new.title == "Paper 2609.00001 on $\\mathcal{O}(n)$ diffusion"  # TeX kept for the renderer
    assert (
        new.abstract == "First paragraph of 2609.00001 & friends <3.\n\nSecond paragraph."
    )  # entities decoded, <br> = paragraph
    assert new.authors == ("Ada Lovelace", "Hidden Person", "Alan Turing")
    assert (new.arxiv_comments, new.journal_ref) == ("12 pages", "J. Tests 1 (2026)")
    assert new.listing_days == (MONDAY,) and new.sources == ("arxiv",)
    assert page.papers("cross")[0].categories == ("math.ST", "cs.LG")  # primary first
    assert page.papers("replacement")[0].version == 3


def test_the_real_listing_page():
    page = parse_listing(real("arxiv_list_cs.IT_new_2026-09-28.html"), "https://arxiv.org/list/cs.IT/new")
    assert page.day == MONDAY
    assert [(b.kind, len(b.papers), b.shown) for b in page.blocks] == [("new", 10, 10), ("cross", 6, 6), ("replacement", 15, 15)]
    assert page.shortfalls() == []
    every = [p for kind in ("new", "cross", "replacement") for p in page.papers(kind)]
    assert all(p.title and p.abstract and p.authors and p.categories for p in every)
    assert all("Title:" not in p.title and "Comments:" not in (p.arxiv_comments or "") for p in every)
    cross = {p.arxiv_id: p for p in page.papers("cross")}
    assert cross["2609.30338"].categories[0] == "math.ST" and "cs.IT" in cross["2609.30338"].categories
    assert {p.version for p in page.papers("new")} == {1}
    assert max(p.version or 0 for p in page.papers("replacement")) >= 3
    assert any("&#39;" not in p.abstract and "'" in p.abstract for p in every)  # entities decoded
    assert sum(1 for p in every if "\n\n" in p.abstract) >= 4  # <br> kept as paragraph breaks


def test_no_updates_today_is_an_expected_empty_page():
    page = parse_listing(listing_html(None, "cs.LG"), "http://x/list/cs.LG/new")
    assert page.no_updates and page.blocks == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body><h1>Maintenance</h1><p>Something new</p></body></html>", "no listing blocks"),
        (b"\xff\xfe<html>", "not valid UTF-8 .byte 0."),
        (
            b"<html><body><h3>Showing new listings for Monday, 28 September 2026</h3><div class='paging'>Total of 3 entries</div>"
            b"<dl id='articles'><h3>New submissions (showing 3 of 3 entries)</h3><div class='item'>new "
            b"layout</div></dl></body></html>",
            "says it shows 3 entries but none could be parsed",
        ),
        (b"<html><body><dl id='articles'><dt></dt></dl></body></html>", 'no "Showing new listings for <date>" heading'),
    ],
    ids=["changed-layout", "invalid-utf8", "claims-n-parses-none", "no-date"],
)
def test_a_page_we_do_not_understand_is_a_parse_error_naming_the_url(body, message):
    with pytest.raises(ParseError, match=rf"^http://x/list/cs.LG/new: .*{message}"):
        parse_listing(body, "http://x/list/cs.LG/new")


def test_an_entry_that_cannot_be_read_is_a_shortfall_not_a_silent_loss():
    html = listing_html(MONDAY, "cs.LG", new=[entry("2609.00001", T), entry("2609.00002", T)])
    page = parse_listing(html.replace(b'href ="/abs/2609.00002"', b'href ="/abs/garbage"'), "u")
    assert len(page.papers("new")) == 1
    assert page.shortfalls() == ["new: 1 parsed of 2 shown"]


def test_api_current_format_real():
    page = parse_api(real("arxiv_api_2026-04-12_search_all_testing_m10.body.xml"), "u", MONDAY)
    assert (page.total, page.start, page.entries, len(page.papers)) == (214881, 0, 10, 10)
    first = page.papers[0]
    assert (first.arxiv_id, first.version, first.categories) == ("2202.12139", 1, ("cs.SE", "cs.LG"))
    assert first.journal_ref.startswith("Artificial Intelligence in Software Testing")
    assert first.published == dt.datetime(2022, 2, 24, 15, 5, 19, tzinfo=UTC)
    assert "Aurora RamÃ\xadrez" in page.papers[1].authors  # mojibake in the original: kept as found


def test_api_old_format_real():
    page = parse_api(real("arxiv_api_2016-10-09_search_au_del_maestro.xml"), "u", MONDAY)
    assert (page.total, page.entries, len(page.papers)) == (31, 10, 10)
    old_style = next(p for p in page.papers if "/" in p.arxiv_id)
    assert old_style.arxiv_id == "cond-mat/0412498" and old_style.categories[0] == "cond-mat.str-el"
    assert all("\n" not in p.title and "\n" not in p.abstract for p in page.papers)  # hard wraps joined
    assert page.papers[0].abstract.startswith("As helium-4 is cooled")


def test_api_error_and_empty_recordings_real():
    error = json.loads(real("arxiv_api_2026-04-12_id_list_abc_error400.recording.json"))
    assert api_error(error["body"].encode()) == "incorrect id format for abc"
    with pytest.raises(ParseError, match="arXiv API answered with an error: incorrect id format for abc"):
        parse_api(error["body"].encode(), "u", MONDAY)
    empty = json.loads(real("arxiv_api_2026-04-12_id_list_0000.0000_empty.recording.json"))
    assert parse_api(empty["body"].encode(), "u", MONDAY).total == 0


def test_api_our_fixture_and_not_xml():
    page = parse_api(atom_feed([entry("2609.00001", T, ("cs.CL", "cs.LG"), version=2)], total=1, start=0, size=10), "u", MONDAY)
    assert page.papers[0].categories == ("cs.CL", "cs.LG") and page.papers[0].version == 2
    with pytest.raises(ParseError, match="^u: the answer is not well-formed XML"):
        parse_api(b"<feed><entry>", "u", MONDAY)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-09-28T12:00", "2026-09-28"),  # Monday: Sunday evening's announcement
        ("2026-09-27T23:59", "2026-09-25"),  # Sunday 19:59 Eastern: still Friday's
        ("2026-09-28T00:01", "2026-09-28"),  # Sunday 20:01 Eastern
        ("2026-09-26T12:00", "2026-09-25"),  # Saturday
        ("2026-12-15T01:30", "2026-12-15"),  # winter time: 20:30 EST
        ("2026-12-15T00:30", "2026-12-14"),  # 19:30 EST
    ],
)
def test_expected_listing_day(now, expected):
    moment = dt.datetime.fromisoformat(now).replace(tzinfo=UTC)
    assert arxiv_schedule.expected_listing_day(moment) == dt.date.fromisoformat(expected)


def test_holidays_and_weekends_have_no_listing():
    holiday = dt.date(2026, 12, 25)
    assert arxiv_schedule.no_listing_reason(dt.date(2026, 9, 26)) == "weekend: arXiv announces nothing"
    assert "holiday" in arxiv_schedule.no_listing_reason(holiday, (holiday,))
    assert arxiv_schedule.no_listing_reason(MONDAY) is None
    assert arxiv_schedule.expected_listing_day(dt.datetime(2026, 12, 25, 12, tzinfo=UTC), (holiday,)) == dt.date(2026, 12, 24)


def test_submission_windows_tile_the_week():
    days = [MONDAY + dt.timedelta(days=i) for i in range(5)] + [MONDAY + dt.timedelta(days=7)]
    windows = [arxiv_schedule.submission_window(d) for d in days]
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert end == start  # no gap, no overlap
    assert windows[0] == (dt.datetime(2026, 9, 24, 18, tzinfo=UTC), dt.datetime(2026, 9, 25, 18, tzinfo=UTC))
    url = query_url("http://x", ("cs.LG", "cs.CL"), windows[0], 0, 500)
    assert "%28cat%3Acs.LG%20OR%20cat%3Acs.CL%29%20AND%20submittedDate%3A%5B202609241800%20TO%20202609251759%5D" in url
