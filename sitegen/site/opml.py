"""`feeds/index.opml`: every feed of the site, so one import in a feed reader subscribes to all.

Each feed (all papers first, then each topic in the config's order) is listed once, by its RSS
URL: readers that import OPML subscribe to every outline, and listing the same feed in three
formats would subscribe to each paper three times. The Atom and JSON URLs are on the topics page.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from sitegen.site.feed_channel import Channel


def render_opml(site_title: str, channels: Sequence[Channel], what: str = "all feeds") -> bytes:
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = f"{site_title}: {what}"
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(opml, "body")
    for channel in channels:
        etree.SubElement(
            body,
            "outline",
            type="rss",
            text=channel.title,
            title=channel.title,
            description=channel.description,
            xmlUrl=channel.feed_url("rss"),
            htmlUrl=channel.page_url,
            language=channel.language,
        )
    return etree.tostring(opml, pretty_print=True, encoding="UTF-8", xml_declaration=True)
