"""`<output>/.sitegen-feeds`: the feed items (site/feed_items.py) of the papers the feeds showed,
each with the store version it was made from, under the theme fingerprint of the build that made
them (templates, config, sitegen's code). A daily build changes a few papers of the 600 or so its
feeds show; the others' items are taken from here instead of being made again from the store
(reading their day files, converting their TeX, rendering the item template).

MessagePack decoded by msgspec into fixed types, never pickle: the output folder may be a
restored CI cache, and whatever is found there must at worst be rejected. Items go into feed
files as they are, so every text is checked for characters XML does not allow (the items made
by the build never hold one); a file that does not decode, has another format or holds such a
character is ignored with a warning and replaced (every item is then made again: it only costs
time).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import msgspec

from sitegen.output.state_file import decode_state, write_state
from sitegen.publish.site_size import FEED_CACHE_NAME
from sitegen.site.feed_items import FeedItem
from sitegen.text.clean import is_xml_safe

__all__ = ["FEED_CACHE_NAME", "FeedCacheRead", "read_feed_cache", "save_feed_cache"]
FEED_CACHE_FORMAT = 1
MAX_ITEMS = 1_000_000


class _FeedItems(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    theme: bytes
    # arXiv id -> (the paper's store version, its item)
    items: Annotated[dict[str, tuple[bytes, FeedItem]], msgspec.Meta(max_length=MAX_ITEMS)]


@dataclass(frozen=True)
class FeedCacheRead:
    theme: bytes = b""
    items: Mapping[str, tuple[bytes, FeedItem]] | None = None
    warning: str | None = None
    content: bytes = b""  # the file as read: saving the same bytes again is skipped

    def current(self, theme: bytes, versions: Mapping[str, bytes]) -> dict[str, FeedItem]:
        """The items made under `theme` from the store version each paper has now."""
        if self.items is None or theme != self.theme:
            return {}
        return {arxiv_id: item for arxiv_id, (version, item) in self.items.items() if versions.get(arxiv_id) == version}


_DECODER = msgspec.msgpack.Decoder(_FeedItems)
_ENCODER = msgspec.msgpack.Encoder()


def read_feed_cache(output: Path) -> FeedCacheRead:
    path = output / FEED_CACHE_NAME
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return FeedCacheRead()
    except OSError as error:
        return FeedCacheRead(warning=_ignored(path, f"cannot read it ({error.strerror})"))
    decoded = decode_state(content, _DECODER, FEED_CACHE_FORMAT, "a feed item cache")
    cache, why = decoded
    if cache is None:
        return FeedCacheRead(warning=_ignored(path, why))
    if cache.format != FEED_CACHE_FORMAT:
        return FeedCacheRead(warning=_ignored(path, f"it has format {cache.format}, this sitegen writes {FEED_CACHE_FORMAT}"))
    # What xml_safe (text/clean.py) removes: none of it is in an item the build made.
    if not is_xml_safe(" ".join(_texts(cache.items.values()))):
        return FeedCacheRead(warning=_ignored(path, "an item holds a character XML does not allow"))
    return FeedCacheRead(cache.theme, cache.items, content=content)


def save_feed_cache(output: Path, theme: bytes, items: Mapping[str, tuple[bytes, FeedItem]], read: bytes = b"") -> None:
    """Write the items (sorted by id: the same items give the same bytes) unless the file holds them."""
    content = _ENCODER.encode(_FeedItems(FEED_CACHE_FORMAT, theme, dict(sorted(items.items()))))
    write_state(output / FEED_CACHE_NAME, content, read, "the feed item cache")


def _texts(items: Iterable[tuple[bytes, FeedItem]]) -> list[str]:
    texts: list[str] = []
    for _, item in items:
        texts += (item.arxiv_id, item.id, item.url, item.external_url, item.title, item.body_html, *item.authors)
        texts += (text for topic in item.topics for text in (topic.slug, topic.title, topic.url, topic.why))
    return texts


def _ignored(path: Path, why: str) -> str:
    return f"{path}: ignoring the kept feed items: {why}. This build makes every feed item again (slower, nothing is lost)"
