"""RSS 2.0 and Atom 1.0 documents of one channel, via feedgen.

feedgen's gotchas, handled here: entries are appended to a list already sorted newest first;
every timestamp is set explicitly (feedgen would otherwise use "now"); the RSS channel <link>
is the last link() call, so the self link comes first and the page last; the generator is set.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from sitegen import GENERATOR_NAME, GENERATOR_URL, __version__
from sitegen.render.feed_channel import Channel, updated
from sitegen.render.feed_items import FeedItem


def render_xml(kind: str, channel: Channel, items: Sequence[FeedItem]) -> bytes:
    """`kind` is "rss" or "atom"."""
    generator = _generator(kind, channel, items)
    if kind == "rss":
        return generator.rss_str(pretty=True)
    return generator.atom_str(pretty=True)


def _generator(kind: str, channel: Channel, items: Sequence[FeedItem]) -> FeedGenerator:
    newest = updated(items)
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(channel.feed_url(kind))
    fg.title(channel.title)
    fg.subtitle(channel.description or channel.title)
    fg.link(href=channel.feed_url(kind), rel="self", type=_MEDIA_TYPES[kind])
    fg.link(href=channel.page_url, rel="alternate", type="text/html")
    fg.language(channel.language)
    fg.generator(GENERATOR_NAME, version=__version__, uri=GENERATOR_URL)
    # RFC 4287 wants an author on the feed when an entry has none (papers with hidden authors).
    fg.author(name=channel.title.split(": ", 1)[0], uri=channel.base_url)
    fg.icon(channel.icon_url)
    if kind == "rss":
        fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    for item in items:
        _add_entry(fg, item, channel.slug)
    return fg


def _add_entry(fg: FeedGenerator, item: FeedItem, feed_slug: str) -> None:
    entry = fg.add_entry(order="append")
    entry.id(item.id)
    entry.guid(item.id, permalink=True)
    entry.title(item.title)
    entry.link(href=item.url, rel="alternate", type="text/html")
    for name in item.authors:
        entry.author(name=name)
    # RSS 2.0's <author> must be an e-mail address; the names go in Dublin Core's creator.
    entry.dc.dc_creator(", ".join(item.authors) or "Unknown")
    # In RSS this becomes <description>, in Atom <content type="html">: one copy of the body each.
    entry.content(item.html(feed_slug), type="html")
    for topic in item.topics:
        entry.category(term=topic.slug, label=topic.title, scheme=topic.url)
    entry.published(item.date)
    entry.updated(item.date)


_MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
