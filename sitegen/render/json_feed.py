"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of one channel.

Plain `json` with keys in a fixed order (dicts are built in order, never sorted or merged from
sets), so the same items give the same bytes. Like Go's encoder, `<`, `>` and `&` are written
as \\u escapes (the same strings to any JSON parser), so neither "</script>" nor "<!--" can
appear in the file and it stays harmless even when pasted into an HTML <script> element.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sitegen import GENERATOR_NAME, GENERATOR_URL, __version__
from sitegen.render.feed_channel import Channel
from sitegen.render.feed_items import FeedItem

VERSION = "https://jsonfeed.org/version/1.1"
# Only strings can hold these characters in JSON text, so escaping them keeps every value.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def render_json_feed(channel: Channel, items: Sequence[FeedItem]) -> bytes:
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
        "items": [_item(item, channel.slug) for item in items],
    }
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    text = text.translate(_HTML_SAFE)
    return (text + "\n").encode("utf-8")


def _item(item: FeedItem, feed_slug: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "external_url": item.external_url,
        "title": item.title,
        "content_html": item.html(feed_slug),
        "summary": item.summary,
        "date_published": _rfc3339(item.date),
    }
    # Optional arrays are left out rather than empty (a paper with hidden authors, no topics).
    if item.authors:
        entry["authors"] = [{"name": name} for name in item.authors]
    if item.topics:
        entry["tags"] = [topic.title for topic in item.topics]
    return entry


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
