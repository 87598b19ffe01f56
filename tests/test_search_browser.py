"""The search page's first keys in real Chromium: answered from the preloaded head, with no
request, rows that show title, authors, day and the matched word marked, at phone and desktop
width; the third key asks the chunks; one more key after a search, and the next page, need no
request."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from browser_fixtures import SCREENSHOTS, Visit, browser, live_site  # noqa: F401
from playwright.sync_api import expect
from site_archive import make_site
from site_server import serve_site
from test_search_ranking import SPLIT_SHARD_BYTES, typed_split_papers

from sitegen.search import chunk as search_chunk
from sitegen.search import index as search_index
from sitegen.search.index import write_search_index

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


# Every fetch the page makes, recorded as it is made (with its status once answered), so that a
# test can say that a key made none.
FETCH_LOG = """(() => {
  const original = window.fetch;
  window.__fetched = [];
  window.fetch = (input, init) => {
    const entry = { url: String(input), status: null };
    window.__fetched.push(entry);
    return original(input, init).then((response) => { entry.status = response.status; return response; });
  };
})()"""


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site with its search index replaced by 200 papers whose prefix "generatio" is
    split into files of its own (tests/test_search_ranking.py: typed_split_papers), one chunk."""
    folder = tmp_path_factory.mktemp("split")
    with serve_site(folder / "output") as url:
        make_site(folder, url)
        index = folder / "output" / "search" / "index"
        shutil.rmtree(index)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search_chunk, "SHARD_BYTES", SPLIT_SHARD_BYTES)
            patch.setattr(search_index, "TAIL", 256)
            write_search_index(index, typed_split_papers())
        yield url


def test_one_more_key_and_the_next_page_show_without_a_request(browser: Any, split_site: str) -> None:  # noqa: F811
    session = Visit(browser, split_site)
    session.context.add_init_script(FETCH_LOG)
    page = session.open("search/")
    page.wait_for_function(HEAD_LOADED)
    box = page.locator("#q")
    results = page.locator("#search-results")
    rows = results.locator("li")
    status = page.locator("#search-status")
    fetched = lambda: page.evaluate("window.__fetched.map((entry) => [entry.url, entry.status])")  # noqa: E731

    # The word being typed reaches into its split prefix's files: "generatio" finds "generation".
    box.press_sequentially("generatio")
    expect(results).to_have_attribute("data-query", "generatio")
    expect(status).to_have_text("43 papers found.")
    expect(rows.first.locator("a mark").first).to_have_text(re.compile(r"^Generation", re.IGNORECASE))
    before = len(fetched())
    # One more key: its word's files came with the last search, and so did the rows of its
    # results (the shown ones and the next page's), so it makes no request.
    box.press("n")
    expect(results).to_have_attribute("data-query", "generation")
    expect(status).to_have_text("43 papers found.")
    expect(rows).to_have_count(20)
    assert fetched()[before:] == []
    # The next page's rows were asked for with the shown ones: "More" shows them at once.
    page.locator("#search-more").click()
    expect(rows).to_have_count(40)
    expect(rows.nth(39).locator("a mark")).to_have_text("Generation")
    assert fetched()[before:] == []
    # No file was asked for that is not there (the manifest says which exist).
    assert [url for url, code in fetched() if code not in (200, None)] == []
    assert not session.errors and session.foreign_requests() == []
    session.close()
