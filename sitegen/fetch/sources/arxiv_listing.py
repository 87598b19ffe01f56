"""Parse an arXiv listing page (`/list/<cat>/new`) with lxml. Pure: bytes in, papers out.

The page has a heading "Showing new listings for Monday, 28 September 2026" and up to three
`<dl id='articles'>` blocks (new submissions, cross-lists, replacements), each headed
"... (showing X of Y entries)", with `dt` (the `/abs/<id>` link, "(cross-list from ...)",
"(replaced)") and `dd` (title, authors, comments, journal reference, subjects, abstract).
On a day without announcements the page says "No updates today."

Not understanding the page is a ParseError naming the URL, never an empty day: no blocks in a
page that is not "No updates today", or a block that claims entries of which none parse.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from dataclasses import dataclass

import lxml.html

from sitegen.errors import ParseError
from sitegen.store.models import Paper, normalize_arxiv_id
from sitegen.text.clean import clean_line, clean_paragraphs

LOG = logging.getLogger(__name__)
SOURCE = "arxiv"
_HEADING = re.compile(r"new listings for\s+\w+,\s+(\d{1,2}\s+\w+\s+\d{4})", re.IGNORECASE)
_SHOWING = re.compile(r"showing\s+(\d+)\s+of\s+(\d+)\s+entries", re.IGNORECASE)
_TOTAL = re.compile(r"Total of\s+(\d+)\s+entries", re.IGNORECASE)
_CATEGORY = re.compile(r"\(([a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?)\)")
_NO_UPDATES = "no updates today"
KINDS = ("new", "cross", "replacement")


@dataclass(frozen=True)
class Block:
    kind: str  # "new", "cross" or "replacement"
    papers: tuple[Paper, ...]
    shown: int | None  # "showing X of Y": X
    total: int | None  # ... and Y


@dataclass(frozen=True)
class ListingPage:
    url: str
    day: dt.date | None  # from the heading; None only on a "No updates today" page without one
    blocks: tuple[Block, ...]
    no_updates: bool

    def papers(self, kind: str) -> tuple[Paper, ...]:
        return tuple(paper for block in self.blocks if block.kind == kind for paper in block.papers)

    def shortfalls(self) -> list[str]:
        """Why the page holds fewer papers than it says (empty when it is complete)."""
        notes = []
        for block in self.blocks:
            if block.shown is not None and len(block.papers) < block.shown:
                notes.append(f"{block.kind}: {len(block.papers)} parsed of {block.shown} shown")
            if block.shown is not None and block.total is not None and block.shown < block.total:
                notes.append(f"{block.kind}: the page shows {block.shown} of {block.total} entries")
        return notes


def parse_listing(body: bytes, url: str) -> ListingPage:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"{url}: the page is not valid UTF-8 (byte {error.start}); the answer was corrupted, the next run will try again"
        ) from None
    try:
        tree = lxml.html.fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ParseError(f"{url}: the page is not HTML ({error})") from None
    page_text = " ".join(tree.text_content().split())
    day = _listing_day(tree, url)
    dls = tree.xpath("//dl[@id='articles']")
    if not dls:
        if _NO_UPDATES in page_text.lower():
            return ListingPage(url, day, (), no_updates=True)
        raise ParseError(f'{url}: no listing blocks (dl#articles) and no "No updates today"; the page layout changed')
    if day is None:
        raise ParseError(f'{url}: no "Showing new listings for <date>" heading; the page layout changed')
    blocks = tuple(_block(dl, day, url) for dl in dls)
    parsed = sum(len(block.papers) for block in blocks)
    total = _TOTAL.search(page_text)
    if parsed == 0 and total and int(total.group(1)) > 0:
        raise ParseError(
            f"{url}: the page says it has {total.group(1)} entries but none could be parsed; the page layout changed"
        )
    return ListingPage(url, day, blocks, no_updates=False)


def _listing_day(tree: lxml.html.HtmlElement, url: str) -> dt.date | None:
    for heading in tree.xpath("//h3"):
        match = _HEADING.search(" ".join(heading.text_content().split()))
        if match:
            try:
                return dt.datetime.strptime(match.group(1), "%d %B %Y").date()
            except ValueError:
                raise ParseError(f"{url}: unreadable listing date {match.group(1)!r}") from None
    return None


def _block(dl: lxml.html.HtmlElement, day: dt.date, url: str) -> Block:
    heading = " ".join(" ".join(h.text_content().split()) for h in dl.xpath("./h3"))
    lowered = heading.lower()
    kind = "cross" if lowered.startswith("cross") else "replacement" if lowered.startswith("replacement") else "new"
    showing = _SHOWING.search(heading)
    shown, total = (int(showing.group(1)), int(showing.group(2))) if showing else (None, None)
    papers: list[Paper] = []
    term = None
    for child in dl:
        if child.tag == "dt":
            term = child
        elif child.tag == "dd" and term is not None:
            paper = _entry(term, child, day)
            if paper is not None:
                papers.append(paper)
            else:
                # One unreadable entry never fails the day; it shows as a shortfall too.
                LOG.warning(
                    "%s: skipped a %s entry without a readable arXiv id or title: %r",
                    url,
                    kind,
                    " ".join(term.text_content().split())[:120],
                )
            term = None
    if shown and not papers:
        raise ParseError(
            f"{url}: the {kind} block says it shows {shown} entries but none could be parsed; the page layout changed"
        )
    return Block(kind, tuple(papers), shown, total)


def _entry(term: lxml.html.HtmlElement, definition: lxml.html.HtmlElement, day: dt.date) -> Paper | None:
    """One listed paper, or None when the entry lacks an id or title (counted as a shortfall)."""
    links = term.xpath(".//a[starts-with(@href, '/abs/') or contains(@href, 'arxiv.org/abs/')]")
    if not links:
        return None
    raw_id = links[0].get("href").rsplit("/abs/", 1)[1]
    try:
        arxiv_id = normalize_arxiv_id(raw_id)
    except ValueError:
        return None
    title = clean_line(_field(definition, "list-title"))
    if not title:
        return None
    subjects = _field(definition, "list-subjects") or ""
    primary = _CATEGORY.findall(" ".join(definition.xpath(".//*[contains(@class, 'primary-subject')]//text()")))
    categories = tuple(dict.fromkeys(primary + _CATEGORY.findall(subjects)))
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_abstract(definition),
        authors=tuple(
            name
            for name in (clean_line(a.text_content()) for a in definition.xpath(".//*[contains(@class, 'list-authors')]//a"))
            if name
        ),
        listing_days=(day,),
        categories=categories,
        arxiv_comments=clean_line(_field(definition, "list-comments")) or None,
        journal_ref=clean_line(_field(definition, "list-journal-ref")) or None,
        version=_version(term, arxiv_id),
        sources=(SOURCE,),
    )


def _field(definition: lxml.html.HtmlElement, css_class: str) -> str | None:
    nodes = definition.xpath(f".//div[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]")
    if not nodes:
        return None
    node = _copy(nodes[0])
    for descriptor in node.xpath(".//span[contains(@class, 'descriptor')]"):
        descriptor.drop_tree()  # "Title:", "Comments:" labels; drop_tree keeps the text after them
    return node.text_content()


def _abstract(definition: lxml.html.HtmlElement) -> str:
    nodes = definition.xpath(".//p[contains(@class, 'mathjax')]")
    if not nodes:
        return ""
    node = _copy(nodes[0])
    # arXiv separates paragraphs with <br>: keep them as paragraph breaks.
    for br in node.iter("br"):
        br.tail = "\n\n" + (br.tail or "")
    return clean_paragraphs(node.text_content())


def _version(term: lxml.html.HtmlElement, arxiv_id: str) -> int | None:
    """The version, from the entry's versioned links (`/html/<id>v2`); None when it has none."""
    pattern = re.compile(re.escape(arxiv_id) + r"v([1-9][0-9]{0,3})")
    for href in term.xpath(".//a/@href"):
        match = pattern.search(href)
        if match:
            return int(match.group(1))
    return None


def _copy(node: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A detached copy to edit (drop labels, mark <br>) without touching the parsed page."""
    return copy.deepcopy(node)
