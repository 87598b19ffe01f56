"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of one channel.

Plain `json` with keys in a fixed order (dicts are built in order, never sorted or merged from
sets), so the same items give the same bytes. Every `<` is written `\\u003c` (the same string
to any JSON parser), so neither "</script>" nor "<!--" can appear in the file and it stays
harmless even when pasted into an HTML <script> element.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sitegen import GENERATOR_NAME, GENERATOR_URL, __version__
from sitegen.site.feed_channel import Channel
from sitegen.site.feed_items import FeedItem

VERSION = "https://jsonfeed.org/version/1.1"
# Only strings can hold these characters in JSON text, so escaping them keeps every value.
# (A chain of str.replace: str.translate with a dict is a hundred times slower.)
_HTML_SAFE = (("<", "\\u003c"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


class JsonItems:
    """Each item's JSON text but its body, made once per item and reused by every feed that shows
    it (as feed_xml.ItemTexts: an item is told by its id and date within one build)."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, dt.datetime], tuple[str, str]] = {}

    def text(self, item: FeedItem, html: str) -> str:
        key = (item.arxiv_id, item.date)
        parts = self._parts.get(key)
        if parts is None:
            # The item without a body, cut where the body goes: the first "content_html" key (any
            # such text in a value before it is escaped: \"content_html\").
            head, found, tail = _dumps(_item(item, "")).partition('"content_html":""')
            assert found, "the content_html key is missing"
            parts = self._parts[key] = (head + '"content_html":', tail)
        return parts[0] + _dumps(html) + parts[1]


def render_json_feed(channel: Channel, entries: Sequence[tuple[FeedItem, str]], items: JsonItems | None = None) -> bytes:
    """`entries` are the items with their bodies for this feed (FeedItem.html(slug))."""
    items = items or JsonItems()
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.page_url,
        "feed_url": channel.feed_url("json"),
        "description": channel.description or channel.title,
        "icon": channel.icon_url,
        "favicon": channel.icon_url,
        "authors": [{"name": channel.title.split(": ", 1)[0], "url": channel.base_url}],
        "language": channel.language,
        # JSON Feed has no generator field; an underscore key is its extension mechanism.
        "_generator": {"about": GENERATOR_URL, "name": GENERATOR_NAME, "version": __version__},
        "items": [],
    }
    # Compact: a feed is fetched again and again, and the abstracts are most of its bytes. The
    # items are put in the empty list, as json.dumps writes a list of them.
    text = _dumps(feed)
    if not text.endswith('"items":[]}'):
        raise AssertionError("the feed's items are not its last key")
    text = f"{text[:-2]}{','.join([items.text(item, html) for item, html in entries])}]}}"
    for char, escaped in _HTML_SAFE:
        text = text.replace(char, escaped)
    return (text + "\n").encode("utf-8")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _item(item: FeedItem, html: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "external_url": item.external_url,
        "title": item.title,
        "content_html": html,
        "date_published": _rfc3339(item.date),
    }
    # Optional arrays are left out rather than empty (a paper with hidden authors, no topics).
    if item.authors:
        entry["authors"] = [{"name": name} for name in item.authors]
    if item.topics:
        entry["tags"] = [topic.title for topic in item.topics]
    return entry


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
