"""A feed's channel: what every format says about the feed itself (title, links, dates, icon)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html

from sitegen.site.feed_items import FeedItem
from sitegen.site.templating import render_markdown
from sitegen.text.clean import xml_safe

# An empty feed has no newest item; a fixed date keeps it byte-identical from build to build.
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FORMATS = {"rss": "rss.xml", "atom": "atom.xml", "json": "json"}
ICON_PATH = "static/favicon.svg"
IMAGE_PATH = "static/favicon.png"  # RSS 2.0 allows only GIF, JPEG or PNG for <image>
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Channel:
    slug: str
    title: str
    description: str  # plain text
    page_url: str  # the topic's page (or the site's home page), absolute
    base_url: str  # the site root, absolute, ending in "/"
    language: str

    def feed_path(self, kind: str) -> str:
        return f"feeds/{self.slug}.{FORMATS[kind]}"

    def feed_url(self, kind: str) -> str:
        return f"{self.base_url}{self.feed_path(kind)}"

    @property
    def icon_url(self) -> str:
        return f"{self.base_url}{ICON_PATH}"

    @property
    def image_url(self) -> str:
        return f"{self.base_url}{IMAGE_PATH}"


def updated(items: Sequence[FeedItem]) -> dt.datetime:
    """The newest item's date, never the build time: an unchanged feed stays byte-identical."""
    return max((item.date for item in items), default=EMPTY_FEED_DATE)


def markdown_to_text(markdown: str) -> str:
    """A topic description (owner-written Markdown) as one line of plain text for a channel."""
    if not markdown.strip():
        return ""
    html = str(render_markdown(markdown))
    text = lxml.html.fromstring(f"<div>{html}</div>").text_content()
    return xml_safe(_WHITESPACE.sub(" ", text).strip())
