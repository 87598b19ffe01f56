"""In real Chromium: the Daily / Weekly / Monthly switch, and sorting the organizations by papers
or upvotes without a reload (and the list without JavaScript); axe over the new pages with a
hostile organization name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import browse_archive as B
import pytest
from browser_fixtures import AXE, Visit, axe_violations, browser  # noqa: F401
from site_server import serve_site

from sitegen.build import build
from sitegen.config.load import load_config

ORG_PAPERS_ORDER = ["Many Papers Institute", "Big Votes Lab", B.HOSTILE_FULLNAME, "Solo Lab"]
ORG_UPVOTES_ORDER = ["Big Votes Lab", B.HOSTILE_FULLNAME, "Many Papers Institute", "Solo Lab"]


@pytest.fixture(scope="module")
def browse_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browse-live")
    config = B.make_browse_site(folder)
    build(load_config(config, environ={}))
    with serve_site(folder / "output") as url:
        yield url


@pytest.fixture
def visit(browser: Any, browse_site: str) -> Iterator[Visit]:  # noqa: F811
    session = Visit(browser, browse_site)
    yield session
    assert session.foreign_requests() == [] and session.errors == []
    session.close()


_NAMES = "rows => rows.map((row) => row.querySelector('th').firstChild.textContent.trim())"


def test_switch_between_daily_weekly_and_monthly(visit: Visit) -> None:
    from playwright.sync_api import expect

    page = visit.open("")
    switch = page.get_by_role("navigation", name="Time scale")
    expect(switch.get_by_role("link", name="Daily")).to_have_attribute("aria-current", "page")
    switch.get_by_role("link", name="Weekly").click()
    expect(page).to_have_url(visit.site + "weeks/2027-W02/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week 2, 2027")
    expect(page.get_by_role("heading", level=1)).to_contain_text("so far")
    page.get_by_role("link", name="Week 53, 2026").click()  # the previous week with papers (W01 has none)
    expect(page).to_have_url(visit.site + "weeks/2026-W53/")
    page.get_by_role("navigation", name="Time scale").get_by_role("link", name="Monthly").click()
    expect(page).to_have_url(visit.site + "months/2027-01/")
    expect(page.get_by_role("navigation", name="Time scale").get_by_role("link", name="Monthly")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("navigation", name="Time scale").get_by_role("link", name="Daily").click()
    expect(page).to_have_url(visit.site + "days/2027-01-12/")  # the month's newest day


def test_sort_the_organizations_without_reload(visit: Visit) -> None:
    from playwright.sync_api import expect

    page = visit.open("orgs/")
    rows = page.locator("#orgs-table tbody tr")
    expect(page.get_by_role("button", name="Upvotes")).to_be_visible()  # site.js made the headers buttons
    assert rows.evaluate_all(_NAMES) == ORG_PAPERS_ORDER
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Upvotes").click()
    expect(page.get_by_role("columnheader", name="Upvotes")).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_contain_text("Big Votes Lab")
    assert rows.evaluate_all(_NAMES) == ORG_UPVOTES_ORDER
    expect(page.get_by_role("columnheader", name="Papers")).not_to_have_attribute("aria-sort", "descending")
    page.get_by_role("button", name="Papers").click()
    expect(rows.first).to_contain_text("Many Papers Institute")
    assert rows.evaluate_all(_NAMES) == ORG_PAPERS_ORDER
    assert page.evaluate("window.notReloaded") is True


def test_without_javascript_the_organizations_list_is_complete_and_sorted(browser: Any, browse_site: str) -> None:  # noqa: F811
    session = Visit(browser, browse_site, java_script_enabled=False)
    page = session.open("orgs/")
    assert page.locator("#orgs-table button").count() == 0
    assert page.locator("#orgs-table tbody tr").evaluate_all(_NAMES) == ORG_PAPERS_ORDER  # most papers first
    assert page.locator("#orgs-table tbody th a").count() == 3  # each organization with a page is linked
    session.close()


@pytest.mark.parametrize(
    "path", ["weeks/2026-W53/", "months/2026-12/", "orgs/", f"orgs/{B.HOSTILE_SLUG}/", "orgs/many-papers/page/1/"]
)
def test_the_new_pages_are_accessible(visit: Visit, path: str) -> None:
    if not AXE.exists():
        pytest.skip("npm ci installs axe-core (.ci/run does)")
    page = visit.open(path)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
