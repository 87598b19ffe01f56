"""The feed suite: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for every topic and for all papers, and
an OPML file listing them.

Stability rules (a feed reader must never show a paper as new twice):
- the item id is the version-less arXiv abstract URL, forever;
- the item body holds only the paper's own text and links, no count that changes on its own;
- every date is a listing day; channel dates are the newest item's, so an unchanged feed is
  byte-identical;
- the all-papers feed lists each paper once, with all its topics as categories.

Size: the newest `feeds.max_items` papers (or the topic's `max_items`), and never more than
MAX_FEED_BYTES per file. Each item is capped first (see feed_items.py), so only a very long list
reaches the file cap; then the oldest items are dropped until the file fits, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import jinja2

from sitegen.site.feed_channel import FORMATS, Channel, markdown_to_text
from sitegen.site.feed_items import ALL_SLUG, ItemFactory, KeptItems
from sitegen.site.feed_xml import Entry, ItemTexts, render_rss_and_atom, render_xml
from sitegen.site.json_feed import JsonItems, render_json_feed
from sitegen.site.opml import render_opml
from sitegen.site.pages import topic_path
from sitegen.site.site import SiteModel
from sitegen.store.models import Paper
from sitegen.text.clean import xml_safe

LOG = logging.getLogger(__name__)
Output = tuple[str, bytes]
MAX_FEED_BYTES = 1_000_000
OPML_PATH = "feeds/index.opml"


class FeedRenderer:
    def __init__(
        self, env: jinja2.Environment, model: SiteModel, max_bytes: int = MAX_FEED_BYTES, kept: KeptItems | None = None
    ) -> None:
        self.model = model
        self.items = ItemFactory(env, model, kept)
        # Each item's text in each format, reused by every feed that shows the item.
        self.texts = ItemTexts()
        self.json_items = JsonItems()
        self.max_bytes = max_bytes

    def channels(self) -> list[tuple[Channel, tuple[Paper, ...]]]:
        """Every feed with its papers, newest first: all papers, then each topic in config order."""
        model = self.model
        site = model.settings.site
        limit = model.settings.feeds.max_items
        base = site.absolute_url
        feeds = [
            (
                Channel(
                    ALL_SLUG,
                    xml_safe(site.title),
                    markdown_to_text(site.description) or xml_safe(site.title),
                    base,
                    base,
                    site.language,
                ),
                model.newest_first[:limit],
            )
        ]
        for topic in model.topics:
            channel = Channel(
                slug=topic.slug,
                title=xml_safe(f"{site.title}: {topic.title}"),
                description=markdown_to_text(topic.description) or xml_safe(topic.title),
                page_url=f"{base}{topic_path(topic.slug)}",
                base_url=base,
                language=site.language,
            )
            feeds.append((channel, model.papers_by_topic[topic.slug][: topic.max_items or limit]))
        return feeds

    def feeds(self) -> Iterator[Output]:
        channels = self.channels()
        for channel, papers in channels:
            yield from self.channel_files(channel, papers)
        yield self.opml([channel for channel, _ in channels])

    def channel_files(self, channel: Channel, papers: tuple[Paper, ...]) -> list[Output]:
        """One channel's RSS, Atom and JSON Feed files."""
        # Each paper's body is rendered once (ItemFactory); only "why" differs per feed.
        return self.entry_files(channel, [(item, item.html(channel.slug)) for item in map(self.items.item, papers)])

    def entry_files(self, channel: Channel, entries: list[Entry]) -> list[Output]:
        """One channel's RSS, Atom and JSON Feed files from its items and their bodies."""
        documents = render_rss_and_atom(channel, entries, self.texts)
        documents["json"] = render_json_feed(channel, entries, self.json_items)
        files = []
        for kind in FORMATS:
            content = documents[kind]
            if len(content) > self.max_bytes:
                content, kept = self._fitting(kind, channel, entries)
                LOG.warning(
                    "%s: only the newest %d of %d items fit in %d bytes; lower max_items for this feed",
                    channel.feed_path(kind),
                    kept,
                    len(entries),
                    self.max_bytes,
                )
            files.append((channel.feed_path(kind), content))
        return files

    def opml(self, channels: list[Channel]) -> Output:
        return OPML_PATH, render_opml(xml_safe(self.model.settings.site.title), channels)

    def _fitting(self, kind: str, channel: Channel, entries: list[Entry]) -> tuple[bytes, int]:
        """The feed with as many of the newest items as fit in max_bytes (oldest dropped first),
        and how many that is."""

        def render(count: int) -> bytes:
            part = entries[:count]
            if kind == "json":
                return render_json_feed(channel, part, self.json_items)
            return render_xml(kind, channel, part, self.texts)

        # Binary search for the largest count that fits; the empty feed always does.
        fits, too_many = 0, len(entries)
        best = render(0)
        while too_many - fits > 1:
            middle = (fits + too_many) // 2
            candidate = render(middle)
            if len(candidate) <= self.max_bytes:
                fits, best = middle, candidate
            else:
                too_many = middle
        return best, fits
