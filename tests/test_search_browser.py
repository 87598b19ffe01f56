"""The search page's first keys in real Chromium: answered from the preloaded head, with no
request, rows that show title, authors, day and the matched word marked, at phone and desktop
width; the third key asks the chunks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_fixtures import SCREENSHOTS, Visit, browser, live_site  # noqa: F401
from playwright.sync_api import expect

HEAD_LOADED = "performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/search/index/head.json'))"


def _index_requests(session: Visit, since: int) -> list[str]:
    """Requests for index files other than the two the page preloads."""
    return [
        url for url in session.requests[since:] if "/search/index/" in url and not url.endswith(("/head.json", "/manifest.json"))
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_first_two_keys_are_answered_from_the_head_without_a_request(browser: Any, live_site: str, width: int) -> None:  # noqa: F811
    session = Visit(browser, live_site, viewport={"width": width, "height": 900})
    page = session.open("search/")
    page.wait_for_function(HEAD_LOADED)
    before = len(session.requests)
    box = page.locator("#q")
    status = page.locator("#search-status")
    rows = page.locator("#search-results li")

    box.press("Z")  # one letter, upper case: the head's "z"
    expect(status).to_have_text(re.compile(r"^The best [1-3] for words starting with “Z”: type more"))
    expect(rows.first.locator("a mark, p mark").first).to_have_text(re.compile(r"^z", re.IGNORECASE))
    # A row shows at once what a chunk's result shows: title link, day, authors.
    expect(rows.first.locator("a")).to_have_attribute("href", re.compile(r"/papers/[^/]+/$"))
    expect(rows.first.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    expect(rows.first.locator("p").first).to_contain_text(re.compile(r"Ada Lovelace \d+, Alan Turing"))

    box.press("e")
    expect(status).to_have_text(re.compile(r"^The best [1-3] for words starting with “Ze”"))
    expect(rows.first.locator("a mark, p mark").first).to_have_text(re.compile(r"^ze", re.IGNORECASE))
    expect(page).to_have_url(re.compile(r"q=Ze$"))
    assert _index_requests(session, before) == []  # both keys answered without asking the server
    if width == 390:
        page.screenshot(path=str(SCREENSHOTS / "search-first-keys-390.png"))
        layout = page.evaluate("document.documentElement.scrollWidth")
        assert layout <= width  # nothing wider than the phone

    box.press("b")  # the third letter: the chunks
    expect(status).to_have_text(re.compile(r"^\d+ papers? found"))
    expect(rows.first.locator("a mark, p mark").first).to_have_text(re.compile(r"^zeb", re.IGNORECASE))
    assert any("/t/" in url for url in _index_requests(session, before))
    assert not session.errors and session.foreign_requests() == []
    session.close()


def test_a_start_no_word_has_finds_nothing_without_a_request(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site)
    page = session.open("search/")
    page.wait_for_function(HEAD_LOADED)
    before = len(session.requests)
    page.locator("#q").press_sequentially("qx")
    expect(page.locator("#search-status")).to_have_text("No paper matches “qx”.")
    expect(page.locator("#search-results li")).to_have_count(0)
    assert _index_requests(session, before) == []
    session.close()
