"""Parse Hugging Face Daily Papers answers (API JSON or the page's `data-props`) into Papers.

Pure functions: bytes in, Papers out. Every format era in the real archive is handled (2024
`mediaUrl`, 2025 `submittedOnDailyAt`, late-2025 `organization`, 2026 midnight dates). A shape
we do not understand raises ParseError naming the URL and what was missing; one malformed item
among good ones is skipped with a warning naming it (the rest of the day is stored), and the
result says how many were skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import lxml.html

from sitegen.errors import ParseError
from sitegen.store.models import Organization, Paper, normalize_arxiv_id
from sitegen.text.clean import clean_line, clean_paragraphs, safe_url

LOG = logging.getLogger(__name__)
SOURCE = "huggingface"
HF_ROOT = "https://huggingface.co"


class ParsedItems(list[Paper]):
    """The papers of an answer (a list, as before), plus why each skipped item was skipped."""

    def __init__(self, papers: list[Paper], skipped: list[str]) -> None:
        super().__init__(papers)
        self.skipped = skipped


def parse_api_json(body: bytes, day: dt.date, url: str) -> ParsedItems:
    """Parse the body of `/api/daily_papers?date=D`: a JSON array of items."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ParseError(f"{url}: the answer is not valid JSON ({error})") from None
    if not isinstance(data, list):
        raise ParseError(f"{url}: expected a JSON array of papers, got {_kind(data)}")
    return parse_items(data, day, url)


def parse_page_html(body: bytes, day: dt.date, url: str) -> ParsedItems:
    """Parse `/papers/date/D`: the items are HTML-escaped JSON in `data-props` of the DailyPapers div."""
    try:
        tree = lxml.html.fromstring(body)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ParseError(f"{url}: the page is not HTML ({error})") from None
    nodes = tree.xpath('//div[@data-target="DailyPapers"][@data-props]')
    if not nodes:
        raise ParseError(f'{url}: no div[data-target="DailyPapers"] with data-props; the page layout changed')
    try:
        props = json.loads(nodes[0].get("data-props"))
    except json.JSONDecodeError as error:
        raise ParseError(f"{url}: data-props is not valid JSON ({error})") from None
    items = props.get("dailyPapers") if isinstance(props, dict) else None
    if not isinstance(items, list):
        raise ParseError(f"{url}: data-props has no dailyPapers list; the page layout changed")
    return parse_items(items, day, url)


def parse_items(items: list[Any], day: dt.date, url: str) -> ParsedItems:
    """Every item that parses; a malformed one is skipped with a warning. When items were sent
    and none parses, the format changed: a ParseError, never an empty day."""
    papers: dict[str, Paper] = {}
    skipped: list[str] = []
    for index, item in enumerate(items):
        try:
            paper = parse_item(item, day, f"{url} item {index}")
        except ParseError as error:
            LOG.warning("skipped one item: %s", error)
            skipped.append(str(error))
            continue
        # Paging can repeat an item at a page boundary; one record per paper.
        papers.setdefault(paper.arxiv_id, paper)
    if skipped and not papers:
        raise ParseError(f"{skipped[0]}; none of the {len(items)} item(s) could be read: the format changed")
    return ParsedItems(list(papers.values()), skipped)


def parse_item(item: Any, day: dt.date, where: str) -> Paper:
    if not isinstance(item, dict) or not isinstance(item.get("paper"), dict):
        raise ParseError(f"{where}: expected an object with a 'paper' object, got {_kind(item)}")
    paper = item["paper"]
    raw_id = paper.get("id")
    try:
        arxiv_id = normalize_arxiv_id(raw_id if isinstance(raw_id, str) else "")
    except ValueError:
        raise ParseError(f"{where}: paper.id is missing or not an arXiv id ({raw_id!r})") from None
    title = _title(clean_line(_text(paper.get("title"))), clean_line(_text(item.get("title"))))
    if not title:
        raise ParseError(f"{where} ({arxiv_id}): the paper has no title")
    abstract = clean_paragraphs(_text(paper.get("summary")) or _text(item.get("summary")))
    organization = _organization(paper.get("organization") or item.get("organization"))
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=_authors(paper.get("authors")),
        listing_days=(day,),
        published=_timestamp(paper.get("publishedAt")),
        upvotes=_count(paper.get("upvotes")),
        num_comments=_count(item.get("numComments")),
        organization=organization,
        github_repo=safe_url(_text(paper.get("githubRepo"))),
        github_stars=_count(paper.get("githubStars")),
        project_page=safe_url(_text(paper.get("projectPage"))),
        ai_summary=clean_paragraphs(_text(paper.get("ai_summary"))) or None,
        ai_keywords=tuple(k for k in (clean_line(_text(k)) for k in _items(paper.get("ai_keywords"))) if k),
        thumbnail=safe_url(_text(item.get("thumbnail")) or _text(item.get("mediaUrl")), HF_ROOT),
        submitter=_submitter(item.get("submittedBy") or paper.get("submittedOnDailyBy")),
        sources=(SOURCE,),
    )


def _title(paper_title: str, listing_title: str) -> str:
    """`paper.title`, unless the listing's own `title` kept TeX that it lost.

    Hugging Face strips TeX from `paper.title` by deleting characters ("LLMtimesMapReduce",
    "nabla^2DFT") while the item's top-level `title` keeps what the authors typed
    (`LLM$\\times$MapReduce`), which `sitegen.text.tex` reads as "LLM×MapReduce".
    """
    if not paper_title or (_has_tex(listing_title) and not _has_tex(paper_title)):
        return listing_title
    return paper_title


def _has_tex(text: str) -> bool:
    return "\\" in text or "$" in text


def _authors(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    names = []
    for author in raw:
        # Authors hidden on Hugging Face asked not to be shown; respect it everywhere.
        if isinstance(author, dict) and not author.get("hidden"):
            name = clean_line(_text(author.get("name")))
            if name:
                names.append(name)
    return tuple(names)


def _organization(raw: Any) -> Organization | None:
    if not isinstance(raw, dict):
        return None
    name = clean_line(_text(raw.get("name")))
    if not name:
        return None
    fullname = clean_line(_text(raw.get("fullname"))) or None
    return Organization(name=name, fullname=fullname, avatar=safe_url(_text(raw.get("avatar")), HF_ROOT))


def _submitter(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return None
    return clean_line(_text(raw.get("fullname")) or _text(raw.get("name")) or _text(raw.get("user"))) or None


def _timestamp(raw: Any) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _count(raw: Any) -> int | None:
    # Below 2**63: the store's decoder reads 64-bit integers.
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 2**63 else None


def _items(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else []


def _text(raw: Any) -> str:
    return raw if isinstance(raw, str) else ""


_KINDS: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)
