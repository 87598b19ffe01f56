"""The Hugging Face parser over every format era: the real archive and our own fixtures."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, HF_REAL_DATA

from sitegen.errors import ParseError
from sitegen.fetch.sources.huggingface_parse import parse_api_json, parse_page_html

REAL_FILES = sorted(HF_REAL_DATA.glob("*.json")) if HF_REAL_DATA.is_dir() else []
FIXTURE_FILES = sorted(FIXTURES.glob("hf_*.json"))


def _day_of(path: Path) -> dt.date:
    return dt.date.fromisoformat(path.stem.removeprefix("hf_"))


@pytest.mark.skipif(not REAL_FILES, reason="../shared/data/hf-daily-papers is not present")
def test_every_real_file_parses_with_no_item_lost() -> None:
    total = 0
    for path in REAL_FILES:
        raw = json.loads(path.read_bytes())
        papers = parse_api_json(path.read_bytes(), _day_of(path), str(path))
        assert {p.arxiv_id for p in papers} == {item["paper"]["id"] for item in raw}, path
        for paper, item in zip(papers, raw, strict=True):
            assert paper.arxiv_id and paper.title and paper.abstract, (path, paper.arxiv_id)
            assert paper.listing_days == (_day_of(path),)
            hidden = {a["name"] for a in item["paper"]["authors"] if a.get("hidden")}
            assert not hidden & set(paper.authors), (path, paper.arxiv_id)
            assert "\n" not in paper.title and "  " not in paper.title
            assert "\n" not in paper.abstract  # the real abstracts are single paragraphs, hard-wrapped
        total += len(papers)
    assert total > 8000


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_each_format_era_parses(path: Path) -> None:
    raw = json.loads(path.read_bytes())
    papers = parse_api_json(path.read_bytes(), _day_of(path), "fixture")
    assert [p.arxiv_id for p in papers] == [item["paper"]["id"] for item in raw]
    for paper in papers:
        assert paper.title and paper.abstract and paper.listing_days == (_day_of(path),)
        assert paper.sources == ("huggingface",)


def _by_id(name: str) -> dict:
    path = FIXTURES / name
    return {p.arxiv_id: p for p in parse_api_json(path.read_bytes(), _day_of(path), "fixture")}


def test_2024_era_fields_hidden_authors_and_unwrapping() -> None:
    paper = _by_id("hf_2024-05-27.json")["2405.00001"]
    assert paper.title == "Score-Based Diffusion for Protein Design"
    assert paper.abstract == (
        "We study diffusion models for proteins. The abstract is hard-wrapped across lines, and costs $1 Million to run."
    )
    assert paper.authors == ("Ada Lovelace", "Alan Turing")  # "Hidden Person" asked not to be shown
    assert paper.upvotes == 12 and paper.num_comments == 3
    assert paper.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.00001.png"
    assert paper.published == dt.datetime(2024, 5, 24, 17, 34, 15, tzinfo=dt.UTC)
    assert paper.organization is None and paper.github_repo is None


def test_2025_era_links_summary_keywords_submitter() -> None:
    paper = _by_id("hf_2025-04-01.json")["2503.00003"]
    assert paper.github_repo == "https://github.com/example/agents" and paper.github_stars == 120
    assert paper.project_page == "https://example.org/agents"
    assert paper.ai_summary == "Agents with linear memory."
    assert paper.ai_keywords == ("agents", "memory")
    assert paper.submitter == "Emmy Noether"
    assert paper.authors == ("Kurt Gödel", "Emmy Noether")


def test_organization_era_and_unsafe_links_dropped() -> None:
    paper = _by_id("hf_2025-11-03.json")["2510.00004"]
    assert paper.organization is not None and paper.organization.fullname == "Example Lab"
    assert paper.project_page is None  # a javascript: URL is never kept
    assert paper.github_stars is None  # null stars stay unknown, not zero


def test_2026_era_midnight_dates() -> None:
    papers = _by_id("hf_2026-05-29.json")
    assert papers["2605.00005"].published == dt.datetime(2026, 5, 28, tzinfo=dt.UTC)
    assert papers["2605.00005"].authors == ("José Álvarez", "Дмитрий Иванов")


def test_html_page_fallback_reads_data_props() -> None:
    items = json.loads((FIXTURES / "hf_2025-04-01.json").read_text())
    props = html.escape(json.dumps({"dailyPapers": items, "dateString": "2025-04-01"}), quote=True)
    page = f'<html><body><main><div data-target="DailyPapers" data-props="{props}"></div></main></body></html>'
    papers = parse_page_html(page.encode(), dt.date(2025, 4, 1), "http://x/papers/date/2025-04-01")
    assert [p.title for p in papers] == ["Tool-Using Agents with $\\mathcal{O}(n)$ Memory"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "http://x/api: the answer is not valid JSON"),
        (b'{"error": "gone"}', "http://x/api: expected a JSON array of papers, got an object"),
        (b'[{"title": "no paper object"}]', "http://x/api item 0: expected an object with a 'paper' object, got an object"),
        (
            b'[{"paper": {"id": "not-an-id", "title": "x"}}]',
            "http://x/api item 0: paper.id is missing or not an arXiv id ('not-an-id')",
        ),
    ],
)
def test_api_answers_not_understood_are_errors_naming_the_url(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_api_json(body, dt.date(2025, 1, 1), "http://x/api")
    assert str(raised.value).startswith(message)


def test_page_without_data_props_is_an_error() -> None:
    with pytest.raises(ParseError, match='no div\\[data-target="DailyPapers"\\] with data-props; the page layout changed'):
        parse_page_html(b"<html><body><div>redesigned</div></body></html>", dt.date(2025, 1, 1), "http://x/page")


def test_empty_day_is_normal() -> None:
    assert parse_api_json(b"[]", dt.date(2025, 1, 4), "http://x/api") == []
