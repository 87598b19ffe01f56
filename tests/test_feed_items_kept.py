"""Feed items kept from one build to the next (output/feed_cache.py): a daily build takes the items
of the papers it did not change from the last build, and its feeds are the bytes a clean build
of the same store writes, whatever the kept file holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import msgspec
import pytest
from conftest import published_files, write_config

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.output.feed_cache import FEED_CACHE_NAME, read_feed_cache
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

FIRST_DAY = dt.date(2026, 3, 2)


def _paper(number: int, day: dt.date, topic: str) -> Paper:
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=f"Study {number} of {topic} models",
        abstract=f"We study {topic} in depth, paper {number}.\n\nA second paragraph & <more>.",
        authors=(f"Author {number}", "Zoë Example"),
        listing_days=(day,),
        sources=("huggingface",),
    )


def _add_day(store: Store, index: int, start: int) -> list[Paper]:
    day = FIRST_DAY + dt.timedelta(days=index)
    papers = [_paper(start + offset, day, topic) for offset, topic in enumerate(["diffusion", "agent", "diffusion"])]
    store.add_listing(DayListing("huggingface", day, tuple(papers)))
    return papers


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    store = Store(tmp_path / "data")
    for index in range(6):
        _add_day(store, index, 3 * index)
    return config


def _feeds(output: Path) -> dict[str, bytes]:
    return {path: content for path, content in published_files(output).items() if path.startswith("feeds/")}


def _kept_ids(output: Path) -> set[str]:
    return set(msgspec.msgpack.decode((output / FEED_CACHE_NAME).read_bytes())["items"])


def test_a_new_day_takes_the_kept_items_and_its_feeds_equal_a_clean_build(site: Path, tmp_path: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    output = config.build.output
    kept = _kept_ids(output)
    assert "2603.00000" in kept  # the first build kept the items its feeds show

    new = _add_day(Store(config.store.path), 6, 100)
    second = build(load_config(site, environ={}))
    assert not second.warnings
    assert {p.arxiv_id for p in new} | kept <= _kept_ids(output)
    assert any(path.startswith("feeds/") for path in second.write.written)
    fresh = build(load_config(site, environ={}), tmp_path / "fresh")
    assert _feeds(output) == _feeds(fresh.output)


def test_a_changed_paper_gets_a_new_item_in_every_feed(site: Path, tmp_path: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    store = Store(config.store.path)
    old = store.papers()["2603.00004"]
    store.add_listing(DayListing("huggingface", old.first_day, (dataclasses.replace(old, title="A retitled agent study"),)))

    build(load_config(site, environ={}))
    feeds = _feeds(config.build.output)
    assert b"A retitled agent study" in feeds["feeds/all.atom.xml"] and b"A retitled agent study" in feeds["feeds/agents.json"]
    assert b"Study 4 of agent models" not in feeds["feeds/all.rss.xml"]
    assert feeds == _feeds(build(load_config(site, environ={}), tmp_path / "fresh").output)


@pytest.mark.parametrize(
    "damage",
    [
        lambda content: content[: len(content) // 2],  # cut short
        lambda content: content.replace(b"Study 1 of", b"Study\x0b1 of"),  # a character XML does not allow
        lambda content: b"\x81\xa6format\x02",  # another format
    ],
    ids=["truncated", "control-character", "other-format"],
)
def test_a_damaged_kept_file_is_ignored_with_a_warning_and_every_item_made_again(site: Path, tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    config = load_config(site, environ={})
    build(config)
    path = config.build.output / FEED_CACHE_NAME
    path.write_bytes(damage(path.read_bytes()))
    _add_day(Store(config.store.path), 6, 100)

    second = build(load_config(site, environ={}))
    assert any(FEED_CACHE_NAME in warning and "ignoring the kept feed items" in warning for warning in second.warnings)
    assert _feeds(config.build.output) == _feeds(build(load_config(site, environ={}), tmp_path / "fresh").output)
    # Replaced by a file the next build reads.
    assert read_feed_cache(config.build.output).warning is None and "2603.00001" in _kept_ids(config.build.output)
