"""RSS 2.0 and Atom 1.0 documents of one channel, via feedgen.

feedgen's gotchas, handled here: entries are appended to a list already sorted newest first;
every timestamp is set explicitly (feedgen would otherwise use "now"); the RSS channel <link>
is the last link() call, so the self link comes first and the page last; the generator is set.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from sitegen import GENERATOR_NAME, GENERATOR_URL, __version__
from sitegen.site.feed_channel import Channel, updated
from sitegen.site.feed_items import FeedItem

Entry = tuple[FeedItem, str]  # an item and its body for this feed (FeedItem.html(slug))


def render_rss_and_atom(channel: Channel, entries: Sequence[Entry]) -> dict[str, bytes]:
    """Both documents from one generator: the entries are built once, only the links differ."""
    fg = _generator(channel, entries)
    # Atom first: image() would also give Atom a <logo>, which should be a wide banner.
    _set_links(fg, channel, "atom")
    atom = fg.atom_str(pretty=True)
    _set_links(fg, channel, "rss")
    fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
    return {"rss": fg.rss_str(pretty=True), "atom": atom}


def render_xml(kind: str, channel: Channel, entries: Sequence[Entry]) -> bytes:
    """One document; `kind` is "rss" or "atom"."""
    fg = _generator(channel, entries)
    _set_links(fg, channel, kind)
    if kind == "rss":
        fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
        return fg.rss_str(pretty=True)
    return fg.atom_str(pretty=True)


def _set_links(fg: FeedGenerator, channel: Channel, kind: str) -> None:
    fg.id(channel.feed_url(kind))
    # The RSS channel <link> is the last link() call: self first, the page last.
    fg.link(href=channel.feed_url(kind), rel="self", type=_MEDIA_TYPES[kind], replace=True)
    fg.link(href=channel.page_url, rel="alternate", type="text/html")


def _generator(channel: Channel, entries: Sequence[Entry]) -> FeedGenerator:
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
    for item, html in entries:
        _add_entry(fg, item, html)
    return fg


def _add_entry(fg: FeedGenerator, item: FeedItem, html: str) -> None:
    entry = fg.add_entry(order="append")
    entry.id(item.id)
    entry.guid(item.id, permalink=True)
    entry.title(item.title)
    entry.link(href=item.url, rel="alternate", type="text/html")
    if item.authors:
        # One call with the whole list: feedgen re-checks every author on each call.
        entry.author([{"name": name} for name in item.authors])
    # RSS 2.0's <author> must be an e-mail address; the names go in Dublin Core's creator.
    entry.dc.dc_creator(", ".join(item.authors) or "Unknown")
    # In RSS this becomes <description>, in Atom <content type="html">: one copy of the body each.
    entry.content(html, type="html")
    for topic in item.topics:
        entry.category(term=topic.slug, label=topic.title, scheme=topic.url)
    entry.published(item.date)
    entry.updated(item.date)


_MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
