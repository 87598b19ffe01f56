"""One malformed item never fails its day at the parse stage: it is skipped with a warning naming
it, the rest of the day is kept, and the result says how many were skipped."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from sitegen.errors import ParseError
from sitegen.fetch.sources.huggingface_parse import parse_api_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DAY = dt.date(2025, 4, 1)
URL = "http://127.0.0.1/api/daily_papers?date=2025-04-01"


def _real_items() -> list[dict[str, object]]:
    """The real answer's item, copied under three ids: a day of three good papers."""
    item = json.loads((FIXTURES / "hf_2025-04-01.json").read_text(encoding="utf-8"))[0]
    items = []
    for n in range(3):
        copied = copy.deepcopy(item)
        copied["paper"]["id"] = f"2503.0000{n + 3}"
        items.append(copied)
    return items


@pytest.mark.parametrize(
    ("break_item", "named"),
    [
        (lambda item: item["paper"].pop("id"), "paper.id is missing or not an arXiv id"),
        (lambda item: item["paper"].update(id="2503.00004/../../x"), "not an arXiv id"),
        (lambda item: item["paper"].update(id="２５０３.００００４"), "not an arXiv id"),
        (lambda item: item["paper"].update(title=None) or item.pop("title", None), "has no title"),
        (lambda item: item.update(paper="not an object"), "expected an object with a 'paper' object"),
    ],
)
def test_one_malformed_item_is_skipped_with_a_warning_and_the_rest_kept(
    caplog: pytest.LogCaptureFixture, break_item: object, named: str
) -> None:
    items = _real_items()
    break_item(items[1])  # type: ignore[operator]
    with caplog.at_level(logging.WARNING):
        papers = parse_api_json(json.dumps(items).encode(), DAY, URL)
    assert [paper.arxiv_id for paper in papers] == ["2503.00003", "2503.00005"]
    assert len(papers.skipped) == 1 and f"{URL} item 1" in papers.skipped[0] and named in papers.skipped[0]
    assert any(f"{URL} item 1" in record.getMessage() and named in record.getMessage() for record in caplog.records)


def test_wrongly_typed_optional_fields_are_ignored_not_fatal() -> None:
    items = _real_items()
    items[0]["paper"].update(ai_keywords=5, upvotes="5", authors="nobody", githubStars=10**30)
    papers = parse_api_json(json.dumps(items).encode(), DAY, URL)
    first = papers[0]
    assert len(papers) == 3 and papers.skipped == []
    assert first.ai_keywords == () and first.upvotes is None and first.authors == () and first.github_stars is None


def test_a_day_where_no_item_parses_is_an_error_not_an_empty_day() -> None:
    items = _real_items()
    for item in items:
        item["paper"].pop("id")
    with pytest.raises(ParseError) as raised:
        parse_api_json(json.dumps(items).encode(), DAY, URL)
    assert str(raised.value).startswith(f"{URL} item 0: paper.id is missing") and "none of the 3 item(s) could be read" in str(
        raised.value
    )
