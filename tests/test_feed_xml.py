"""The feed files are the bytes feedgen writes: items are written as text (site/feed_xml.py), and a
reader must get the same feed, byte for byte, as when feedgen built every item.

The reference below is how sitegen built its feeds before: every item added to feedgen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from feed_site import make_config, paper, render_feeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config.load import Config
from sitegen.rules.tag_all import tag_archive
from sitegen.site import feed_xml, json_feed
from sitegen.site.feed_channel import Channel
from sitegen.site.feed_items import FeedItem, ItemTopic
from sitegen.site.feeds import FeedRenderer
from sitegen.site.json_feed import render_json_feed
from sitegen.site.site import build_model
from sitegen.site.templating import make_environment
from sitegen.store.models import Paper
from sitegen.text.clean import xml_safe

CHANNEL = Channel("all", "Papers: all & <more>", 'A "site" of papers', "https://o.github.io/r/", "https://o.github.io/r/", "en")


def reference(kind: str, channel: Channel, entries: Sequence[feed_xml.Entry]) -> bytes:
    """The document feedgen writes when it builds every item itself."""
    fg = feed_xml._generator(channel, entries)
    for item, html in entries:
        entry = fg.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html")
        if item.authors:
            entry.author([{"name": name} for name in item.authors])
        entry.dc.dc_creator(", ".join(item.authors) or "Unknown")
        entry.content(html, type="html")
        for topic in item.topics:
            entry.category(term=topic.slug, label=topic.title, scheme=topic.url)
        entry.published(item.date)
        entry.updated(item.date)
    feed_xml._set_links(fg, channel, kind)
    if kind == "rss":
        fg.image(url=channel.image_url, title=channel.title, link=channel.page_url)
        return bytes(fg.rss_str(pretty=True))
    return bytes(fg.atom_str(pretty=True))


PIECES = [
    "<b>bold</b>", "]]>", "<![CDATA[", "&amp;", "&", '"', "'", "\t", "\n", "\r", "\r\n", " ", "😀", "é", "Ω", "\u2028",
    "\u00a0", "\ufeff", "a", "Z", "0", "--", "<!--", ">", "<", "=", "$x$",
]
text = st.lists(st.sampled_from(PIECES), max_size=12).map("".join).map(xml_safe)
nonempty = text.filter(bool)


@st.composite
def items(draw: st.DrawFn, number: int) -> tuple[FeedItem, str]:
    topics = draw(st.lists(st.tuples(nonempty, text, text), max_size=3))
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=draw(st.integers(0, 10**8)))
    item = FeedItem(
        arxiv_id=f"2601.{number:05d}",
        id=f"https://arxiv.org/abs/2601.{number:05d}",
        url=draw(st.sampled_from(["https://o.github.io/r/papers/2601.00001/", 'https://x/?a=1&b="2"'])),
        external_url="https://arxiv.org/abs/2601.00001",
        title=draw(nonempty),
        authors=tuple(draw(st.lists(nonempty, max_size=4))),
        date=moment,
        body_html=draw(text),
        topics=tuple(ItemTopic(slug, title, f"https://o.github.io/r/topics/{why}", why) for slug, title, why in topics),
    )
    return item, item.body_html + draw(text)


def reference_json(channel: Channel, entries: Sequence[feed_xml.Entry]) -> bytes:
    """The JSON Feed as json.dumps writes the whole feed, items and all, in one call."""
    feed = json.loads(render_json_feed(channel, []))
    feed["items"] = [json_feed._item(item, html) for item, html in entries]
    text = json.dumps(feed, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in json_feed._HTML_SAFE:
        text = text.replace(char, escaped)
    return (text + "\n").encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 4).flatmap(lambda count: st.tuples(*(items(n) for n in range(count)))), st.sampled_from(["rss", "atom"]))
def test_items_written_as_text_are_the_bytes_feedgen_writes(entries: tuple[tuple[FeedItem, str], ...], kind: str) -> None:
    assert feed_xml.render_xml(kind, CHANNEL, entries) == reference(kind, CHANNEL, entries)
    assert feed_xml.render_rss_and_atom(CHANNEL, entries)[kind] == reference(kind, CHANNEL, entries)
    assert render_json_feed(CHANNEL, entries) == reference_json(CHANNEL, entries)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda count: st.tuples(*(items(n) for n in range(count)))), text)
def test_an_item_in_several_feeds_is_written_with_each_feeds_body(entries: tuple[tuple[FeedItem, str], ...], why: str) -> None:
    """One build writes an item into every feed that shows it, each time with that feed's body."""
    texts, json_items = feed_xml.ItemTexts(), json_feed.JsonItems()
    for bodies in (entries, [(item, html + why) for item, html in entries], [(item, "") for item, _ in entries]):
        for kind in ("rss", "atom"):
            assert feed_xml.render_xml(kind, CHANNEL, bodies, texts) == reference(kind, CHANNEL, bodies)
        assert render_json_feed(CHANNEL, bodies, json_items) == reference_json(CHANNEL, bodies)


def test_a_built_feed_is_the_bytes_feedgen_writes_for_it() -> None:
    """Every feed of a site (topics, categories, authors, TeX, odd characters) as feedgen writes it."""
    config = make_config()
    papers = [
        paper("2501.00001", "2026-05-01", "Diffusion & <agents>", 'Say "hi"\r\n\n$\\alpha$ > 1', authors=("Zoë", "A & B")),
        paper("2501.00002", "2026-05-02", "An agent", "Text.\tTabbed.", authors=()),
        paper("2501.00003", "2026-05-02", "Plain diffusion", "Plain."),
    ]
    feeds = render_feeds(config, papers)
    renderer = FeedRenderer(make_environment(config.build.templates), build_model(config, *_tagged(config, papers)))
    checked = 0
    for channel, shown in renderer.channels():
        entries = [(item, item.html(channel.slug)) for item in map(renderer.items.item, shown)]
        for kind in ("rss", "atom"):
            assert feeds[channel.feed_path(kind)] == reference(kind, channel, entries), channel.feed_path(kind)
            checked += bool(entries)
    assert checked >= 4  # all papers and at least one topic, with items


def _tagged(config: Config, papers: list[Paper]) -> tuple[dict[str, Paper], dict[str, Any], Any]:
    by_id = {p.arxiv_id: p for p in papers}
    return (by_id, *tag_archive(config.topics, by_id))


def test_weekly_dates_are_written_as_feedgen_writes_them() -> None:
    sunday = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    item = FeedItem("2601.00001", "https://arxiv.org/abs/2601.00001", "u", "e", "T", (), sunday, "b", ())
    entries = [(dataclasses.replace(item, date=item.date - dt.timedelta(seconds=rank)), "body") for rank in range(1, 3)]
    assert feed_xml.render_xml("rss", CHANNEL, entries) == reference("rss", CHANNEL, entries)
