"""The arXiv API (`/api/query`, Atom) for backfills: query URLs and a parser for both formats.

The current format declares its namespaces once on `<feed>`; the old one (2016) declares them
per element, hard-wraps titles and abstracts, and uses http links. Namespace URIs are the same,
so one parser reads both. Author names are kept as found (a few are mojibake in arXiv itself).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import lxml.etree

from sitegen.errors import ParseError
from sitegen.store.models import Paper, normalize_arxiv_id
from sitegen.text.clean import clean_line, clean_paragraphs

LOG = logging.getLogger(__name__)
SOURCE = "arxiv"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ID_IN_URL = re.compile(r"/abs/(.+?)(?:v([1-9][0-9]{0,3}))?$")


@dataclass(frozen=True)
class ApiPage:
    total: int  # opensearch:totalResults
    start: int  # opensearch:startIndex
    entries: int  # entries on this page, parsed or not
    papers: tuple[Paper, ...]


def query_url(
    api_base_url: str, categories: tuple[str, ...], window: tuple[dt.datetime, dt.datetime], start: int, size: int
) -> str:
    """Submissions to any of `categories` in [window start, window end), oldest first."""
    begin, end = window
    end -= dt.timedelta(minutes=1)  # submittedDate ranges are inclusive, to the minute
    cats = " OR ".join(f"cat:{category}" for category in categories)
    search = f"({cats}) AND submittedDate:[{begin:%Y%m%d%H%M} TO {end:%Y%m%d%H%M}]"
    query = urlencode(
        {"search_query": search, "start": start, "max_results": size, "sortBy": "submittedDate", "sortOrder": "ascending"},
        quote_via=quote,
    )
    return f"{api_base_url}/api/query?{query}"


def api_error(body: bytes) -> str | None:
    """The message of an API error answer (an Atom entry titled "Error"), if that is what `body` is."""
    try:
        root = lxml.etree.fromstring(body)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None
    for entry in root.iterfind("atom:entry", NS):
        if (entry.findtext("atom:title", "", NS) or "").strip() == "Error" or "/api/errors" in (
            entry.findtext("atom:id", "", NS) or ""
        ):
            return clean_line(entry.findtext("atom:summary", "", NS)) or "error"
    return None


def parse_api(body: bytes, url: str, day: dt.date) -> ApiPage:
    """Parse one page of results; each paper gets `day` as its listing day."""
    try:
        root = lxml.etree.fromstring(body)
    except (lxml.etree.XMLSyntaxError, ValueError) as error:
        raise ParseError(f"{url}: the answer is not well-formed XML ({error})") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise ParseError(f"{url}: expected an Atom <feed>, got <{lxml.etree.QName(root).localname}>; the API changed")
    message = api_error(body)
    if message is not None:
        raise ParseError(f"{url}: the arXiv API answered with an error: {message}")
    total = _integer(root, "opensearch:totalResults", url)
    start = _integer(root, "opensearch:startIndex", url)
    entries = root.findall("atom:entry", NS)
    papers = []
    for entry in entries:
        paper = _entry(entry, day)
        if paper is None:
            # One unreadable entry never fails the page; the caller sees entries > papers.
            LOG.warning(
                "%s: skipped an entry without a readable arXiv id or title: %r",
                url,
                (entry.findtext("atom:id", "", NS) or "")[:120],
            )
        else:
            papers.append(paper)
    return ApiPage(total=total, start=start, entries=len(entries), papers=tuple(papers))


def _integer(root: lxml.etree._Element, path: str, url: str) -> int:
    text = root.findtext(path, None, NS)
    if text is None or not text.strip().isdigit():
        raise ParseError(f"{url}: no {path} in the answer; the API changed")
    return int(text.strip())


def _entry(entry: lxml.etree._Element, day: dt.date) -> Paper | None:
    """One paper, or None when the entry has no usable id or title (counted as a shortfall)."""
    match = _ID_IN_URL.search((entry.findtext("atom:id", "", NS) or "").strip())
    if not match:
        return None
    try:
        arxiv_id = normalize_arxiv_id(match.group(1))
    except ValueError:
        return None
    title = clean_line(entry.findtext("atom:title", "", NS))
    if not title:
        return None
    primary = entry.find("arxiv:primary_category", NS)
    terms = ([primary.get("term")] if primary is not None else []) + [c.get("term") for c in entry.findall("atom:category", NS)]
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=clean_paragraphs(entry.findtext("atom:summary", "", NS)),
        authors=tuple(n for n in (clean_line(a.findtext("atom:name", "", NS)) for a in entry.findall("atom:author", NS)) if n),
        listing_days=(day,),
        published=_timestamp(entry.findtext("atom:published", "", NS)),
        categories=tuple(dict.fromkeys(c for c in map(clean_line, terms) if c)),
        arxiv_comments=clean_line(entry.findtext("arxiv:comment", "", NS)) or None,
        journal_ref=clean_line(entry.findtext("arxiv:journal_ref", "", NS)) or None,
        version=int(match.group(2)) if match.group(2) else None,
        sources=(SOURCE,),
    )


def _timestamp(raw: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
