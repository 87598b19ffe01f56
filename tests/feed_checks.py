"""Structural checks of each feed format, and a static file server on 127.0.0.1 for readers.

- Atom: the RELAX NG grammar in schemas/atom.rng (RFC 4287's required elements and shapes),
  plus the RFC's rules a grammar cannot say.
- RSS 2.0: the specification's required channel and item elements, and RFC 822 dates.
- JSON Feed 1.1: the JSON Schema in schemas/jsonfeed-1.1.schema.json.
Each check returns the item ids in document order, so callers can account for every item.
"""

from __future__ import annotations

import email.utils
import functools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
from loopback import running
from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
_RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)$"
)
_HTTP_URL = re.compile(r"^https?://[^\s<>\"]+$")


class FeedProblem(AssertionError):
    pass


@functools.cache
def _atom_grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))


@functools.cache
def _json_feed_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise FeedProblem(message)


def check_atom(content: bytes) -> list[str]:
    root = etree.fromstring(content)
    grammar = _atom_grammar()
    _require(grammar.validate(root), f"Atom fails RFC 4287 grammar: {grammar.error_log}")
    feed_has_author = root.find(f"{ATOM}author") is not None
    self_links = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    _require(len(self_links) == 1 and _HTTP_URL.match(self_links[0] or "") is not None, "feed needs one absolute rel=self link")
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id")
        _require(feed_has_author or entry.find(f"{ATOM}author") is not None, f"{entry_id}: no author in entry or feed")
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        _require(entry.find(f"{ATOM}content") is not None or bool(alternates), f"{entry_id}: neither content nor alternate link")
        _require(
            len({(link.get("type"), link.get("hreflang")) for link in alternates}) == len(alternates),
            f"{entry_id}: duplicate alternate links",
        )
        for link in entry.findall(f"{ATOM}link"):
            _require(_HTTP_URL.match(link.get("href", "")) is not None, f"{entry_id}: link not absolute http(s)")
        ids.append(entry_id or "")
    _require(len(ids) == len(set(ids)), "an entry id appears twice")
    return ids


def check_rss(content: bytes) -> list[str]:
    root = etree.fromstring(content)
    _require(root.tag == "rss" and root.get("version") == "2.0", 'root must be <rss version="2.0">')
    channels = root.findall("channel")
    _require(len(channels) == 1, "exactly one <channel>")
    channel = channels[0]
    for name in ("title", "link", "description"):
        _require(bool((channel.findtext(name) or "").strip()), f"channel <{name}> is required")
    _require(_HTTP_URL.match(channel.findtext("link") or "") is not None, "channel <link> must be absolute http(s)")
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None:
            _check_rfc822(channel.findtext(name) or "", f"channel <{name}>")
    image = channel.find("image")
    if image is not None:
        for name in ("url", "title", "link"):
            _require(bool(image.findtext(name)), f"<image> needs <{name}>")
        _require(re.search(r"\.(png|gif|jpe?g)$", image.findtext("url") or "") is not None, "<image> must be GIF, JPEG or PNG")
    ids = []
    for item in channel.findall("item"):
        guid = item.find("guid")
        _require(guid is not None and bool(guid.text), "every item needs a <guid>")
        assert guid is not None
        _require(
            bool(item.findtext("title")) or bool(item.findtext("description")), f"{guid.text}: title or description required"
        )
        if guid.get("isPermaLink", "true") == "true":
            _require(_HTTP_URL.match(guid.text or "") is not None, f"{guid.text}: a permalink guid must be a URL")
        _require(_HTTP_URL.match(item.findtext("link") or "") is not None, f"{guid.text}: <link> must be absolute http(s)")
        _require(
            item.find("author") is None or "@" in (item.findtext("author") or ""),
            f"{guid.text}: <author> must be an e-mail address",
        )
        if item.find("pubDate") is not None:
            _check_rfc822(item.findtext("pubDate") or "", f"{guid.text} <pubDate>")
        ids.append(guid.text or "")
    _require(len(ids) == len(set(ids)), "a guid appears twice")
    return ids


def _check_rfc822(value: str, where: str) -> None:
    _require(_RFC822.match(value) is not None, f"{where}: {value!r} is not an RFC 822 date")
    email.utils.parsedate_to_datetime(value)


def check_json_feed(content: bytes) -> list[str]:
    feed: dict[str, Any] = json.loads(content)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _json_feed_validator().iter_errors(feed)]
    _require(not errors, "JSON Feed 1.1 violations: " + "; ".join(errors[:5]))
    ids = [item["id"] for item in feed["items"]]
    _require(len(ids) == len(set(ids)), "an item id appears twice")
    return ids


def check_feed(path: str, content: bytes) -> list[str]:
    """Dispatch on the file name (feeds/<slug>.rss.xml, .atom.xml, .json)."""
    if path.endswith(".rss.xml"):
        return check_rss(content)
    if path.endswith(".atom.xml"):
        return check_atom(content)
    if path.endswith(".json"):
        return check_json_feed(content)
    raise ValueError(f"not a feed: {path}")


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1; yields the base URL ending in "/"."""

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {
            **SimpleHTTPRequestHandler.extensions_map,
            ".xml": "application/xml",
            ".json": "application/feed+json",
            ".opml": "text/x-opml",
        }

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield f"{url}/"
