"""The BibTeX entry of a paper page, made in real Chromium by site.js from the page's citation_*
tags, equals what sitegen/site/bibtex.py makes (the entry the page showed in its HTML before).

Every paper of the fixture archive is checked: a TeX title (the raw title rides in data-title),
accents and CJK names, forty authors, markup in a title, a primary category, irregular spaces and
an unbalanced brace and a semicolon in author names (the one citation_author tag separates
names with "; "). Without JavaScript the Cite box links to arXiv's entry.
"""

from __future__ import annotations

from typing import Any

import pytest
import site_archive as A
from browser_fixtures import Visit, browser, live_site  # noqa: F401
from playwright.sync_api import expect

from sitegen.site.bibtex import bibtex_entry
from sitegen.store.models import Paper


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Paper]:
    """The fixture archive's papers (fill_store is deterministic: the same as the live site's)."""
    return A.fill_store(tmp_path_factory.mktemp("cite") / "data")


def test_every_paper_pages_bibtex_equals_the_python_entry(browser: Any, live_site: str, papers: dict[str, Paper]) -> None:  # noqa: F811
    assert {A.TEX_PAPER, A.LONG_AUTHORS_PAPER, A.MARKUP_PAPER, "2605.00009"} <= set(papers)
    assert papers[A.TEX_PAPER].categories and "{" in papers["2605.00009"].authors[3] and ";" in papers["2605.00009"].authors[2]
    session = Visit(browser, live_site)
    for arxiv_id, paper in sorted(papers.items()):
        page = session.open(f"papers/{arxiv_id}/")
        bibtex = page.locator("details.cite #bibtex")
        expect(bibtex).to_be_attached()
        assert bibtex.evaluate("pre => pre.textContent") == bibtex_entry(paper), arxiv_id
    # Shown once the reader opens the Cite box, with its copy button.
    page = session.open(f"papers/{A.TEX_PAPER}/")
    expect(page.locator("#bibtex")).to_be_hidden()
    page.get_by_text("Cite (BibTeX)").click()
    expect(page.locator("#bibtex")).to_be_visible()
    expect(page.locator("#bibtex")).to_contain_text("title = {$\\alpha$-Divergence Diffusion in $\\mathcal{O}(n^2)$ Time}")
    expect(page.locator("#bibtex")).to_contain_text("primaryClass = {cs.LG}")
    expect(page.get_by_role("button", name="Copy BibTeX")).to_be_visible()
    assert session.errors == [] and session.foreign_requests() == []
    session.close()


def test_without_javascript_the_cite_box_links_to_arxivs_bibtex(browser: Any, live_site: str) -> None:  # noqa: F811
    session = Visit(browser, live_site, java_script_enabled=False)
    page = session.open(f"papers/{A.TEX_PAPER}/")
    page.get_by_text("Cite (BibTeX)").click()
    link = page.get_by_role("link", name="arXiv's BibTeX entry for this paper")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"https://arxiv.org/bibtex/{A.TEX_PAPER}")
    expect(page.locator("#bibtex")).to_have_count(0)
    expect(page.locator("button.copy")).to_have_count(0)
    session.close()

