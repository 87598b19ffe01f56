"""Real Chromium (Debian's, never a downloaded build) driving the fixture site served on 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT
from site_archive import make_site
from site_fixtures import ABOUT
from site_server import serve_site

# Debian's chromium (.ci/run installs it); elsewhere an installed Chrome. Never a downloaded build.
_FOUND = next((shutil.which(name) for name in ("chromium", "google-chrome", "chromium-browser") if shutil.which(name)), None)
CHROMIUM = Path("/usr/bin/chromium") if Path("/usr/bin/chromium").exists() else Path(_FOUND or "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture archive built for, and served at, http://127.0.0.1:PORT/repo/ (a sub-path)."""
    folder = tmp_path_factory.mktemp("live")
    with serve_site(folder / "output") as url:
        make_site(folder, url, about=ABOUT)
        yield url


# One Chromium for the whole run. Each test module that imports `browser` gets its own copy of
# the fixture from pytest, but Playwright's sync API allows one instance per thread: the copies
# share this one, and the last to finish closes it.
_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (.ci/run does)")
    if not CHROMIUM.exists():
        pytest.skip("apt-get install chromium (.ci/run does)")
    if not _SHARED:
        manager = sync_api.sync_playwright()
        playwright = manager.__enter__()
        _SHARED.update(manager=manager, browser=playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS), users=0)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED["browser"].close()
            _SHARED.pop("manager").__exit__(None, None, None)
            _SHARED.clear()


class Visit:
    """A browser context that records every request, so a test can assert none left the site."""

    def __init__(self, browser: Any, site: str, **options: Any) -> None:
        self.site = site
        self.context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str) -> Any:
        self.page.goto(self.site + path)
        self.page.wait_for_load_state("load")
        return self.page

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.site) and not url.startswith("data:")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, live_site: str) -> Iterator[Visit]:
    session = Visit(browser, live_site)
    yield session
    assert session.foreign_requests() == []
    assert session.errors == []
    session.close()


def axe_violations(page: Any, rules: list[str] | None = None) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "rule", "values": rules}} if rules else {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    return page.evaluate(
        """async (options) => (await axe.run(document, options)).violations.map(
             (v) => ({id: v.id, help: v.help,
                      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary)}))""",
        options,
    )


def layout_shift(page: Any) -> float:
    """Cumulative layout shift since load (buffered entries), ignoring shifts caused by input."""
    return page.evaluate(
        """() => new Promise((resolve) => {
             let total = 0;
             new PerformanceObserver((list) => {
               for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
             }).observe({type: "layout-shift", buffered: true});
             setTimeout(() => resolve(total), 250);
           })"""
    )
