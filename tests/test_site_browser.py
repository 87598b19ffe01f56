"""The site in real Chromium: browse, filter, search, copy, dark mode, accessibility, screenshots."""

from __future__ import annotations

from typing import Any

import pytest

import site_archive as A
from browser_fixtures import SCREENSHOTS, AXE, Visit, axe_violations, browser, layout_shift, live_site, visit  # noqa: F401

# One page of each type (and the plumbing pages a visitor can land on).
PAGES = {
    "index": "",
    "day": f"days/{A.DAYS[5].isoformat()}/",
    "archive": "archive/",
    "topics": "topics/",
    "topic": "topics/diffusion/page/1/",
    "paper": f"papers/{A.LONG_AUTHORS_PAPER}/",
    "search": f"search/?q={A.SEARCH_WORD}",
    "status": "status/",
    "about": "about/",
    "404": "no/such/page/",
}


def test_browse_from_the_index_to_a_paper_its_topic_and_through_its_pages(visit: Visit) -> None:  # noqa: F811
    page = visit.open("")
    first = page.locator("article.card[data-topics~=reasoning] h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == title
    assert "/papers/" in page.url
    page.locator("section.paper-topics li a", has_text="Reasoning").click()
    page.wait_for_load_state("load")
    assert "/topics/" in page.url
    topic = page.locator("h1").inner_text()
    assert "Newest" in page.locator("nav.pager").inner_text()
    seen = set(page.locator("article.card h2 a").evaluate_all("links => links.map(a => a.href)"))
    older_pages = []
    while page.locator("a[rel=next]").count():  # "Older", down to the oldest chunk
        page.locator("a[rel=next]").click()
        page.wait_for_load_state("load")
        older_pages.append(page.url)
        assert page.locator("article.card").count() == A.PAGE_SIZE  # chunk pages are always full
        seen |= set(page.locator("article.card h2 a").evaluate_all("links => links.map(a => a.href)"))
    assert len(older_pages) >= 2, f"{topic} should span several pages at page_size {A.PAGE_SIZE}"
    assert older_pages[-1].endswith("/page/1/")  # the oldest papers are chunk 1
    assert f"Papers 1–{A.PAGE_SIZE}" in page.locator("nav.pager").inner_text()
    page.locator("a[rel=prev]").click()  # "Newer"
    page.wait_for_load_state("load")
    assert page.url == older_pages[-2]


def test_filter_a_day_by_topic_without_reload(visit: Visit) -> None:  # noqa: F811
    page = visit.open(PAGES["day"])
    cards = page.locator("article.card")
    total = cards.count()
    button = page.locator(".filters button[data-topic=agents]")
    expected = int(button.locator(".count").inner_text())
    assert 0 < expected < total
    page.evaluate("window.__same_document = true")
    button.click()
    assert page.locator("article.card:visible").count() == expected
    for card in page.locator("article.card:visible").all():
        assert "agents" in card.get_attribute("data-topics").split()
    assert button.get_attribute("aria-pressed") == "true"
    assert page.locator(".filter-status").inner_text() == f"Showing {expected} of {total} papers."
    assert page.evaluate("window.__same_document") is True  # no reload happened
    page.locator(".filters button[data-topic='']").click()
    assert page.locator("article.card:visible").count() == total


def test_without_javascript_every_paper_shows(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, java_script_enabled=False)
    page = session.open(PAGES["day"])
    assert not page.locator(".filters").is_visible()
    assert page.locator("article.card:visible").count() == page.locator("article.card").count() > 0
    page = session.open(PAGES["paper"])
    assert page.locator("button.copy").count() == 1 and not page.locator("button.copy").is_visible()  # needs the script
    assert page.locator("#bibtex").is_visible()
    session.close()


def test_search_for_a_word_of_an_abstract_and_reach_the_paper(visit: Visit) -> None:  # noqa: F811
    page = visit.open("")
    page.locator("#site-search-q").fill(A.SEARCH_WORD)
    page.locator("#site-search-q").press("Enter")
    page.wait_for_load_state("load")
    results = page.locator("#search-results li a")
    results.first.wait_for()
    assert results.count() == 1
    assert page.locator("#search-status").inner_text() == "1 paper found."
    assert A.SEARCH_WORD in page.locator("#search-results li .teaser").inner_text()  # why it matched
    results.first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/papers/{A.SEARCH_PAPER}/")
    assert A.SEARCH_WORD in page.locator("section.abstract").inner_text()


def test_search_as_you_type_ranks_titles_first_and_pages_results(visit: Visit) -> None:  # noqa: F811
    page = visit.open("search/")
    box = page.locator("#q")
    box.press_sequentially("diffus", delay=20)  # a prefix of the last word matches
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    status = page.locator("#search-status").inner_text()
    found = int(status.split()[0])
    assert found > 20 or page.locator("#search-more").is_hidden()
    titles = page.locator("#search-results li a").all_inner_texts()
    assert "diffusion" in titles[0].lower()
    assert "q=diffus" in page.url
    box.fill("zebrafish reasoning")
    page.wait_for_function("document.getElementById('search-status').textContent === '1 paper found.'")
    box.fill("zebrafish robots")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('No paper matches')")
    assert page.locator("#search-results li").count() == 0


def test_copy_bibtex(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, permissions=["clipboard-read", "clipboard-write"])
    page = session.open("papers/2605.00006/")
    page.locator("button.copy").click()
    assert page.locator("button.copy").inner_text() == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#bibtex").inner_text()
    session.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_is_accessible_and_stable(browser: Any, live_site: str, scheme: str) -> None:  # noqa: F811
    if not AXE.exists():
        pytest.skip("npm ci installs axe-core (.ci/run does)")
    session = Visit(browser, live_site, color_scheme=scheme)
    problems = {}
    for name, path in PAGES.items():
        page = session.open(path)
        if name == "search":
            page.locator("#search-results li").first.wait_for()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(19, 20, 23)" if scheme == "dark" else "rgb(251, 251, 250)"), name
        assert layout_shift(page) < 0.01, name
        violations = axe_violations(page)
        if violations:
            problems[name] = violations
    assert problems == {}
    assert session.foreign_requests() == [] and session.errors == []
    session.close()


def test_focus_is_visible(visit: Visit) -> None:  # noqa: F811
    page = visit.open(PAGES["paper"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px")


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_and_no_sideways_scrolling(browser: Any, live_site: str, width: int) -> None:  # noqa: F811
    """Screenshots of every page type for a person to look at, in tests/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        session = Visit(browser, live_site, viewport={"width": width, "height": 900}, color_scheme=scheme)
        for name, path in PAGES.items():
            page = session.open(path)
            if name == "search":
                page.locator("#search-results li").first.wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
        session.close()
    print(f"screenshots in {SCREENSHOTS}")


def test_the_accessibility_check_catches_a_violation(browser: Any, live_site: str) -> None:  # noqa: F811
    """axe must fail a page with the problems it exists for (low contrast, an unlabeled field)."""
    if not AXE.exists():
        pytest.skip("npm ci installs axe-core (.ci/run does)")
    session = Visit(browser, live_site)
    page = session.open("")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('afterbegin', '<p style="color:#bbb;background:#fff">faint</p><input type="text">');
    }""")
    assert {v["id"] for v in axe_violations(page)} >= {"color-contrast", "label"}
    session.close()
