"""No broken internal link, at a sub-path and at a domain root; nothing loaded from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from linkcheck import broken_links, foreign_subresources
from site_fixtures import ROOT_BASE, SUBPATH_BASE, root_site, subpath_site  # noqa: F401


@pytest.mark.parametrize(("site", "base"), [("subpath_site", SUBPATH_BASE), ("root_site", ROOT_BASE)])
def test_no_broken_internal_link(site: str, base: str, request: pytest.FixtureRequest) -> None:
    output: Path = request.getfixturevalue(site)
    pages = list(output.rglob("*.html"))
    assert len(pages) > 60  # every page type, several topic pages and papers
    assert broken_links(output, base) == []


def test_the_checker_finds_a_broken_link(tmp_path: Path) -> None:
    """The checker itself must fail on the mistakes it exists for."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<a href="../b/">missing</a><a href="/a/">root-relative</a><a href="#nope">fragment</a>'
        '<a href="https://arxiv.org/abs/1">external</a><a href="../a/">fine</a>'
    )
    problems = broken_links(tmp_path, SUBPATH_BASE)
    assert len(problems) == 3, problems
    assert any("no such file b/index.html" in p for p in problems)
    assert any("leaves the site's base path" in p for p in problems)
    assert any("no such id" in p for p in problems)


@pytest.mark.parametrize(("site", "base"), [("subpath_site", SUBPATH_BASE), ("root_site", ROOT_BASE)])
def test_no_request_leaves_the_site(site: str, base: str, request: pytest.FixtureRequest) -> None:
    output: Path = request.getfixturevalue(site)
    assert foreign_subresources(output, base) == []
    for css in output.glob("static/*.css"):
        text = css.read_text()
        assert "@import" not in text and "@font-face" not in text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css
    for script in output.glob("static/*.js"):
        # Scripts fetch only paths relative to the page (the search index), never a host.
        assert not re.search(r"https?://", script.read_text()), script
