"""RSS 2.0 and Atom 1.0 documents of one channel: the channel via feedgen, the items as text.

A feed's channel (title, links, dates, icon) is made by feedgen, with no items; the items are
written here as the text feedgen and lxml would write for them (its element order, libxml2's
escaping and pretty-printing), and put in before the channel's closing tags. feedgen builds an
lxml tree of every item and serializes it again for each feed, which made most of a daily build's
feed time; writing an item is a few string operations. tests/test_feed_xml.py checks the bytes
against feedgen's for real and hostile items.

feedgen's gotchas, handled here: every timestamp is set explicitly (feedgen would otherwise use
"now"); the RSS channel <link> is the last link() call, so the self link comes first and the
page last; the generator is set. feedgen's Atom entry drops a link's rel and type (it reads them
from the element it just made): the entry's link is written the same way, so the bytes stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from sitegen import GENERATOR_NAME, GENERATOR_URL, __version__
from sitegen.site.feed_channel import Channel, updated
from sitegen.site.feed_items import FeedItem

Entry = tuple[FeedItem, str]  # an item and its body for this feed (FeedItem.html(slug))
# What closes an empty channel as feedgen writes it: the items go in before it.
_CLOSING = {"rss": b"  </channel>\n</rss>\n", "atom": b"</feed>\n"}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ItemTexts:
    """Each item's text but its body, made once per item and format and reused by every feed that
    shows it (the feed of everything, each of its topics', its organization's, the weekly ones):
    only the body differs between them (why it is in that feed). An item is told by its id and
    date, which is all that differs between the items of one build (ItemFactory makes one per
    paper; a weekly feed's copy has another date): so one ItemTexts serves one build's items."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, str, dt.datetime], tuple[str, str]] = {}

    def text(self, kind: str, item: FeedItem, html: str) -> str:
        key = (kind, item.arxiv_id, item.date)
        parts = self._parts.get(key)
        if parts is None:
            parts = self._parts[key] = (_rss_parts if kind == "rss" else _atom_parts)(item)
        head, tail = parts
        if not html and kind == "atom":  # lxml writes an element with no text as <content .../>
            return f"{head[:-1]}/>{tail.removeprefix('</content>')}"
        return head + _escape(html) + tail


def render_rss_and_atom(channel: Channel, entries: Sequence[Entry], texts: ItemTexts | None = None) -> dict[str, bytes]:
    """Both documents from one channel generator: only the links differ."""
    texts = texts or ItemTexts()
    fg = _generator(channel, entries)
    # Atom first: image() would also give Atom a <logo>, which should be a wide banner.
    _set_links(fg, channel, "atom")
    atom = _document("atom", fg.atom_str(pretty=True), entries, texts)
    _set_links(fg, channel, "rss")
    fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
    return {"rss": _document("rss", fg.rss_str(pretty=True), entries, texts), "atom": atom}


def render_xml(kind: str, channel: Channel, entries: Sequence[Entry], texts: ItemTexts | None = None) -> bytes:
    """One document; `kind` is "rss" or "atom"."""
    texts = texts or ItemTexts()
    fg = _generator(channel, entries)
    _set_links(fg, channel, kind)
    if kind == "rss":
        fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
        return _document("rss", fg.rss_str(pretty=True), entries, texts)
    return _document("atom", fg.atom_str(pretty=True), entries, texts)


def _document(kind: str, channel: bytes, entries: Sequence[Entry], texts: ItemTexts) -> bytes:
    """The empty channel's document with the entries put in before its closing tags."""
    closing = _CLOSING[kind]
    if not channel.endswith(closing):
        raise AssertionError(f"feedgen wrote an empty {kind} channel that does not end in {closing!r}")
    items = "".join([texts.text(kind, item, html) for item, html in entries]).encode("utf-8")
    return b"".join((channel[: -len(closing)], items, closing))


def _rss_parts(item: FeedItem) -> tuple[str, str]:
    """One <item> of an RSS channel as feedgen writes it (the dc extension's creator last): the
    text before its body and the text after."""
    head = f"    <item>\n      {_text('title', item.title)}\n      <link>{_escape(item.url)}</link>\n      <description>"
    parts = [f'</description>\n      <guid isPermaLink="true">{_escape(item.id)}</guid>\n']
    for topic in item.topics:
        domain = f' domain="{_attribute(topic.url)}"' if topic.url else ""
        parts.append(f"      <category{domain}>{_escape(topic.title)}</category>\n")
    parts.append(f"      <pubDate>{_rfc2822(item.date)}</pubDate>\n")
    parts.append(f"      {_text('dc:creator', ', '.join(item.authors) or 'Unknown')}\n    </item>\n")
    return head, "".join(parts)


def _atom_parts(item: FeedItem) -> tuple[str, str]:
    """One <entry> of an Atom feed as feedgen writes it (the dc extension's creator last): the
    text before its body and the text after."""
    date = item.date.isoformat()
    head = [f"  <entry>\n    <id>{_escape(item.id)}</id>\n    {_text('title', item.title)}\n    <updated>{date}</updated>\n"]
    head += [f"    <author>\n      <name>{_escape(name)}</name>\n    </author>\n" for name in item.authors if name]
    head.append('    <content type="html">')
    tail = [f'</content>\n    <link href="{_attribute(item.url)}"/>\n']
    for topic in item.topics:
        scheme = f' scheme="{_attribute(topic.url)}"' if topic.url else ""
        label = f' label="{_attribute(topic.title)}"' if topic.title else ""
        tail.append(f'    <category term="{_attribute(topic.slug)}"{scheme}{label}/>\n')
    tail.append(f"    <published>{date}</published>\n")
    tail.append(f"    {_text('dc:creator', ', '.join(item.authors) or 'Unknown')}\n  </entry>\n")
    return "".join(head), "".join(tail)


def _text(name: str, text: str) -> str:
    """An element holding text; empty text is an empty pair of tags, as lxml writes it."""
    return f"<{name}>{_escape(text)}</{name}>"


def _escape(text: str) -> str:
    """Text content as libxml2 escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _attribute(value: str) -> str:
    """An attribute value (in double quotes) as libxml2 escapes it."""
    value = _escape(value)
    for char, reference in _ATTRIBUTE_REFERENCES:
        if char in value:
            value = value.replace(char, reference)
    return value


_ATTRIBUTE_REFERENCES = (('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def _rfc2822(moment: dt.datetime) -> str:
    """feedgen's RFC 2822 date ('%a, %d %b %Y %H:%M:%S %z' in the C locale), without the locale."""
    return f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment:%Y %H:%M:%S %z}"


def _set_links(fg: FeedGenerator, channel: Channel, kind: str) -> None:
    fg.id(channel.feed_url(kind))
    # The RSS channel <link> is the last link() call: self first, the page last.
    fg.link(href=channel.feed_url(kind), rel="self", type=_MEDIA_TYPES[kind], replace=True)
    fg.link(href=channel.page_url, rel="alternate", type="text/html")


def _generator(channel: Channel, entries: Sequence[Entry]) -> FeedGenerator:
    """The channel without its items (ItemTexts writes them)."""
    newest = updated([item for item, _ in entries])
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.title(channel.title)
    fg.subtitle(channel.description or channel.title)
    fg.language(channel.language)
    fg.generator(GENERATOR_NAME, version=__version__, uri=GENERATOR_URL)
    # RFC 4287 wants an author on the feed when an entry has none (papers with hidden authors).
    fg.author(name=channel.title.split(": ", 1)[0], uri=channel.base_url)
    fg.icon(channel.icon_url)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    return fg


_MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
