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


def render_rss_and_atom(channel: Channel, entries: Sequence[Entry]) -> dict[str, bytes]:
    """Both documents from one channel generator: only the links differ."""
    fg = _generator(channel, entries)
    # Atom first: image() would also give Atom a <logo>, which should be a wide banner.
    _set_links(fg, channel, "atom")
    atom = _document("atom", fg.atom_str(pretty=True), entries)
    _set_links(fg, channel, "rss")
    fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
    return {"rss": _document("rss", fg.rss_str(pretty=True), entries), "atom": atom}


def render_xml(kind: str, channel: Channel, entries: Sequence[Entry]) -> bytes:
    """One document; `kind` is "rss" or "atom"."""
    fg = _generator(channel, entries)
    _set_links(fg, channel, kind)
    if kind == "rss":
        fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
        return _document("rss", fg.rss_str(pretty=True), entries)
    return _document("atom", fg.atom_str(pretty=True), entries)


def _document(kind: str, channel: bytes, entries: Sequence[Entry]) -> bytes:
    """The empty channel's document with the entries put in before its closing tags."""
    closing = _CLOSING[kind]
    if not channel.endswith(closing):
        raise AssertionError(f"feedgen wrote an empty {kind} channel that does not end in {closing!r}")
    write = rss_item if kind == "rss" else atom_entry
    items = "".join([write(item, html) for item, html in entries]).encode("utf-8")
    return b"".join((channel[: -len(closing)], items, closing))


def rss_item(item: FeedItem, html: str) -> str:
    """One <item> of an RSS channel, as feedgen writes it (the dc extension's creator last)."""
    parts = [
        f"    <item>\n      {_text('title', item.title)}\n      <link>{_escape(item.url)}</link>\n",
        f"      {_text('description', html)}\n",
        f'      <guid isPermaLink="true">{_escape(item.id)}</guid>\n',
    ]
    for topic in item.topics:
        domain = f' domain="{_attribute(topic.url)}"' if topic.url else ""
        parts.append(f"      <category{domain}>{_escape(topic.title)}</category>\n")
    parts.append(f"      <pubDate>{_rfc2822(item.date)}</pubDate>\n")
    parts.append(f"      {_text('dc:creator', ', '.join(item.authors) or 'Unknown')}\n    </item>\n")
    return "".join(parts)


def atom_entry(item: FeedItem, html: str) -> str:
    """One <entry> of an Atom feed, as feedgen writes it (the dc extension's creator last)."""
    date = item.date.isoformat()
    parts = [f"  <entry>\n    <id>{_escape(item.id)}</id>\n    {_text('title', item.title)}\n    <updated>{date}</updated>\n"]
    parts += [f"    <author>\n      <name>{_escape(name)}</name>\n    </author>\n" for name in item.authors if name]
    parts.append(f'    <content type="html">{_escape(html)}</content>\n' if html else '    <content type="html"/>\n')
    parts.append(f'    <link href="{_attribute(item.url)}"/>\n')
    for topic in item.topics:
        scheme = f' scheme="{_attribute(topic.url)}"' if topic.url else ""
        label = f' label="{_attribute(topic.title)}"' if topic.title else ""
        parts.append(f'    <category term="{_attribute(topic.slug)}"{scheme}{label}/>\n')
    parts.append(f"    <published>{date}</published>\n")
    parts.append(f"    {_text('dc:creator', ', '.join(item.authors) or 'Unknown')}\n  </entry>\n")
    return "".join(parts)


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
    """The channel without its items (they are written by rss_item and atom_entry)."""
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
