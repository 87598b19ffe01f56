"""The site in real Chromium: browse, filter, search, copy, dark mode, accessibility, screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest
import site_archive as A
from browser_fixtures import AXE, SCREENSHOTS, Visit, axe_violations, browser, layout_shift, live_site, visit  # noqa: F401
from playwright.sync_api import expect

# One page of each type (and the plumbing pages a visitor can land on).
PAGES = {
    "index": "",
    "day": f"days/{A.DAYS[5].isoformat()}/",
    "archive": "archive/",
    "topics": "topics/",
    "topic": "topics/diffusion/page/1/",
    "paper": f"papers/{A.LONG_AUTHORS_PAPER}/",
    "week": "weeks/2026-W22/",
    "month": "months/2026-05/",
    "orgs": "orgs/",
    "org": "orgs/acme/",
    "search": f"search/?q={A.SEARCH_WORD}",
    "status": "status/",
    "about": "about/",
    "404": "no/such/page/",
}


def test_browse_from_the_index_to_a_paper_its_topic_and_through_its_pages(visit: Visit) -> None:  # noqa: F811
    page = visit.open("")
    first = page.locator("article.card:has(.tags a[href$='topics/reasoning/']) h2 a").first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/papers/[^/]+/$"))
    paper_url = page.url
    expect(page.locator("h1")).to_have_text(title)
    page.locator("section.paper-topics li a", has_text="Reasoning").click()
    expect(page).to_have_url(re.compile(r"/topics/reasoning/"))
    expect(page.locator("nav.pager")).to_contain_text("Newest")
    topic = page.locator("h1").inner_text()
    seen = set(page.locator("ol.rows > li > a:first-child").evaluate_all("links => links.map(a => a.href)"))
    older_pages = []
    while page.locator("a[rel=next]").count():  # "Older", down to the oldest chunk
        before = page.url
        page.locator("a[rel=next]").click()
        expect(page).not_to_have_url(before)
        page.wait_for_load_state("load")
        older_pages.append(page.url)
        expect(page.locator("ol.rows > li")).to_have_count(A.PAGE_SIZE)  # chunk pages are always full
        seen |= set(page.locator("ol.rows > li > a:first-child").evaluate_all("links => links.map(a => a.href)"))
    assert len(older_pages) >= 2, f"{topic} should span several pages at page_size {A.PAGE_SIZE}"
    assert paper_url in seen  # the paper is a row of its topic, on the first page or an older one
    assert older_pages[-1].endswith("/page/1/")  # the oldest papers are chunk 1
    expect(page.locator("nav.pager")).to_contain_text(f"Papers 1–{A.PAGE_SIZE}")
    page.locator("a[rel=prev]").click()  # "Newer"
    expect(page).to_have_url(older_pages[-2])


def test_filter_a_day_by_topic_without_reload(visit: Visit) -> None:  # noqa: F811
    page = visit.open(PAGES["day"])
    cards = page.locator("article.card")
    total = cards.count()
    button = page.locator(".filters button[data-topic=agents]")
    expected = int(button.locator(".count").inner_text())
    assert 0 < expected < total
    page.evaluate("window.__same_document = true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".filter-status")).to_have_text(f"Showing {expected} of {total} papers.")
    expect(page.locator("article.card:visible")).to_have_count(expected)
    for card in page.locator("article.card:visible").all():
        hrefs = card.locator(".tags a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert "agents" in [href.split("/")[-2] for href in hrefs]
    assert page.evaluate("window.__same_document") is True  # no reload happened
    page.locator(".filters button[data-topic='']").click()
    expect(page.locator("article.card:visible")).to_have_count(total)


def test_without_javascript_every_paper_shows(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, java_script_enabled=False)
    page = session.open(PAGES["day"])
    expect(page.locator(".filters")).to_be_hidden()
    assert page.locator("article.card").count() > 0
    expect(page.locator("article.card:visible")).to_have_count(page.locator("article.card").count())
    page = session.open(PAGES["paper"])
    page.get_by_text("Cite (BibTeX)").click()  # the BibTeX entry needs the script: arXiv's instead
    expect(page.get_by_role("link", name="arXiv's BibTeX entry for this paper")).to_be_visible()
    expect(page.locator("button.copy")).to_have_count(0)
    session.close()


def test_search_for_a_word_of_an_abstract_and_reach_the_paper(visit: Visit) -> None:  # noqa: F811
    page = visit.open("")
    box = page.get_by_role("search").get_by_role("searchbox", name="Search papers")
    box.fill(A.SEARCH_WORD)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    results = page.locator("#search-results li a")
    expect(page.locator("#search-status")).to_have_text("1 paper found.")
    expect(results).to_have_count(1)
    # Why it matched: the word, highlighted in the start of the abstract.
    expect(page.locator("#search-results li .teaser mark")).to_have_text([A.SEARCH_WORD])
    results.first.click()
    expect(page).to_have_url(re.compile(f"/papers/{re.escape(A.SEARCH_PAPER)}/$"))
    expect(page.locator("section.abstract")).to_contain_text(A.SEARCH_WORD)


def test_search_as_you_type_ranks_by_relevance_and_pages_results(visit: Visit) -> None:  # noqa: F811
    page = visit.open("search/")
    box = page.locator("#q")
    # Two letters: the best few papers for words starting with them, from the preloaded head
    # (no request after the key), the matched word marked; more letters ask the chunks.
    box.fill("ze")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^The best [1-3] for words starting with “ze”"))
    marks = page.locator("#search-results li a mark, #search-results li p mark")
    expect(marks.first).to_have_text(re.compile(r"^ze", re.IGNORECASE))
    # One input event (typing key by key could leave an earlier prefix's status on screen while
    # the next search runs); a prefix of the last word matches.
    box.fill("diffus")
    expect(page).to_have_url(re.compile(r"q=diffus$"))
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ papers? found"))
    found = int(page.locator("#search-status").inner_text().split()[0])
    if found <= 20:
        expect(page.locator("#search-more")).to_be_hidden()
    expect(page.locator("#search-results li a").first).to_contain_text(re.compile("diffusion", re.IGNORECASE))
    # Not every word must match: the paper with both words comes first, then the others.
    box.fill("zebrafish robots")
    expect(page.locator("#search-results li a").first).to_have_attribute("href", f"{visit.site}papers/{A.SEARCH_PAPER}/")
    # A quoted phrase must match as written.
    box.fill('"zebrafish robots"')
    expect(page.locator("#search-status")).to_have_text("No paper matches “\"zebrafish robots\"”.")
    expect(page.locator("#search-results li")).to_have_count(0)
    box.fill('"zebrafish larvae"')
    expect(page.locator("#search-status")).to_have_text("1 paper found.")


@pytest.mark.parametrize("width", [390, 1280])
def test_typed_query_shows_ranked_results_with_matched_words_highlighted(browser: Any, live_site: str, width: int) -> None:  # noqa: F811
    session = Visit(browser, live_site, viewport={"width": width, "height": 900})
    page = session.open("search/")
    page.locator("#q").press_sequentially("zebrafish diffusion models", delay=15)
    first = page.locator("#search-results li").first
    expect(first.locator("a")).to_have_attribute("href", f"{live_site}papers/{A.SEARCH_PAPER}/")
    # "models" finds "model" (plurals fold); every matched word is marked.
    expect(first.locator(".teaser mark")).to_have_text([A.SEARCH_WORD, "diffusion", "model"])
    expect(page.locator("#search-status")).to_contain_text("papers found.")
    page.screenshot(path=str(SCREENSHOTS / f"search-ranked-{width}.png"))
    # Filters: an author, a year; a bad year says what to write.
    page.locator("#q").fill("author:number2")
    expect(page.locator("#search-results li a")).to_have_count(1)
    expect(page.locator("#search-results li mark")).to_have_text(["Number2"])
    page.locator("#q").fill("diffusion year:1999")
    expect(page.locator("#search-status")).to_have_text("No paper matches “diffusion year:1999”.")
    page.locator("#q").fill("year:19x9")
    expect(page.locator("#search-status")).to_contain_text("year:19x9 is not a year")
    box = page.locator("#search-results").bounding_box()
    assert box is not None and box["width"] <= width
    assert not session.errors and all(url.startswith(live_site) for url in session.requests)
    session.close()


def test_copy_bibtex(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, permissions=["clipboard-read", "clipboard-write"])
    page = session.open("papers/2605.00006/")
    page.get_by_text("Cite (BibTeX)").click()
    page.locator("button.copy").click()
    # The clipboard write is asynchronous: the label changes once it has finished.
    expect(page.locator("button.copy")).to_have_text("Copied")
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
            expect(page.locator("#search-results li").first).to_be_visible()
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
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).not_to_be_focused()
    outline = page.evaluate("(({outlineStyle, outlineWidth}) => outlineStyle + ' ' + outlineWidth)"
                            "(getComputedStyle(document.activeElement))")
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
                expect(page.locator("#search-results li").first).to_be_visible()
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


def test_on_a_phone_the_feeds_and_topics_are_reachable_from_the_top(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, viewport={"width": 390, "height": 800})
    page = session.open("")
    jump = page.locator("nav.jump-links")
    expect(jump).to_be_visible()
    # Above the fold, before the first card: the site's description and the way to its feeds.
    assert jump.bounding_box()["y"] < 800
    assert jump.bounding_box()["y"] < page.locator("article.card").first.bounding_box()["y"]
    jump.get_by_role("link", name="Subscribe to feeds").click()
    expect(page.locator("#subscribe-heading")).to_be_in_viewport()
    session.close()
    wide = Visit(browser, live_site)  # beside the cards on a desktop: no jump links needed
    expect(wide.open("").locator("nav.jump-links")).to_be_hidden()
    wide.close()


def test_feed_addresses_are_links_with_copy_buttons(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, permissions=["clipboard-read", "clipboard-write"], viewport={"width": 390, "height": 800})
    page = session.open(PAGES["topics"])
    link = page.locator("#feed-diffusion-atom-xml")
    address = link.get_attribute("href")
    assert address.endswith("feeds/diffusion.atom.xml") and link.inner_text() == address
    page.locator("button[data-copy=feed-diffusion-atom-xml]").click()
    expect(page.locator("button[data-copy=feed-diffusion-atom-xml]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
    # On a phone long addresses wrap, but only at the <wbr> after a slash or before a dot: each
    # piece between two of them stays on one line (a piece split over two lines is a word broken).
    layout = page.evaluate(
        """() => [...document.querySelectorAll(".feed-urls a")].map((link) => {
            const pieces = [...link.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((text) => {
                const range = document.createRange();
                range.selectNodeContents(text);
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            });
            const all = document.createRange();
            all.selectNodeContents(link);
            return {lines: new Set([...all.getClientRects()].map((r) => Math.round(r.top))).size, pieces};
        })"""
    )
    assert any(entry["lines"] > 1 for entry in layout), "some address should need to wrap at 390 px"
    assert all(lines == 1 for entry in layout for lines in entry["pieces"]), layout
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    session.close()


def test_a_day_filter_is_kept_in_the_address(visit: Visit) -> None:  # noqa: F811
    page = visit.open(PAGES["day"])
    total = page.locator("article.card").count()
    button = page.locator(".filters button[data-topic=agents]")
    expected = int(button.locator(".count").inner_text())
    button.click()
    expect(page).to_have_url(re.compile(r"\?topic=agents$"))
    page.reload()
    expect(page.locator(".filters button[data-topic=agents]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("article.card:visible")).to_have_count(expected)
    page.locator(".filters button[data-topic='']").click()
    expect(page).not_to_have_url(re.compile(r"topic="))
    expect(page.locator("article.card:visible")).to_have_count(total)
