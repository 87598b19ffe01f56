"""The digest's HTML part, as a mail client would show it, in real Chromium at phone width.

The part is taken from a message the SMTP server received and parsed back, then loaded with no
base URL: nothing may be fetched (no remote image, font or script), nothing may run, and the
page may not scroll sideways at 390 px, in light and dark mode. Screenshots go to
tests/screenshots/digest-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from browser_fixtures import SCREENSHOTS, browser  # noqa: F401
from digest_fixtures import HOSTILE, at, write_site
from playwright.sync_api import expect
from smtp_server import Inbox, smtp_server

from sitegen.digest.run import DigestOptions, run_digest

WIDTH = 390


@pytest.fixture(scope="module")
def digest_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    config = write_site(tmp_path_factory.mktemp("digest"), 'topics = ["diffusion", "agents"]')
    inbox = Inbox()
    with smtp_server(inbox) as port:
        environ = {"SITEGEN_SMTP_URL": f"smtp://127.0.0.1:{port}", "SITEGEN_EMAIL_TO": "ada@example.org"}
        run_digest(config, DigestOptions(), environ, at(dt.date(2026, 5, 30)))
    body = inbox.received[0].message.get_body(("html",))
    assert body is not None
    return body.get_content()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_html_part_fits_a_phone_and_loads_nothing(browser: Any, digest_html: str, scheme: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, color_scheme=scheme, java_script_enabled=True)
    context.set_default_timeout(10_000)
    requests: list[str] = []
    context.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.set_content(digest_html, wait_until="load")
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        # The hostile title shows as text; its markup made no element and ran nothing.
        expect(page.locator("h3", has_text="onerror=alert(1)")).to_have_text(HOSTILE)
        expect(page.locator("script, img, iframe, object")).to_have_count(0)
        # Every paper's title and links are inside the viewport's width.
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('h3, p, a')].map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= WIDTH
        background = page.evaluate("getComputedStyle(document.querySelector('.d-card')).backgroundColor")
        assert background == ("rgb(27, 31, 36)" if scheme == "dark" else "rgb(255, 255, 255)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"digest-{WIDTH}-{scheme}.png"), full_page=True)
    finally:
        context.close()
    assert requests == [] and errors == []
