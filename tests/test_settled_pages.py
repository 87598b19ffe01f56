"""Paper pages a build knows unchanged without keying them (sitegen/output/settled.py): a daily
build keeps the older papers' pages as they are, plans again from the first day a change can
show on, and always ends with the site a clean build makes; a cache it cannot trust settles
nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import msgspec
import pytest
from conftest import published_files, write_config

from sitegen.build import SEARCH_STATE, build
from sitegen.config.load import load_config
from sitegen.output.build_cache import CACHE_FORMAT, CACHE_NAME, read_cache, save_cache
from sitegen.search.related_state import update_related
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

FIRST_DAY = dt.date(2026, 3, 2)
DAYS = 8
PER_DAY = 3
DEEP_TITLE = "$" + "{" * 500  # beyond the TeX converter's bounds: shown as written, with a warning


def _day(index: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=index)


def _paper(number: int, day: int, organization: str | None = None, title: str | None = None) -> Paper:
    topic = "diffusion" if number % 2 else "agent"
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=title or f"Study {number} of {topic} models",
        abstract=f"We study {topic} models with shared words, paper {number}.",
        authors=(f"Author {number}",),
        listing_days=(_day(day),),
        upvotes=number % 5,
        sources=("huggingface",),
        organization=Organization(organization) if organization else None,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = write_config(tmp_path / "site", "http://127.0.0.1:9")
    store = Store(config.parent / "data")
    for day in range(DAYS):
        papers = [_paper(day * PER_DAY + offset, day) for offset in range(PER_DAY)]
        if day in (2, 5):  # Beta Lab: two papers, one short of a page of its own
            papers[0] = _paper(day * PER_DAY, day, organization="Beta Lab")
        if day == 1:
            papers[1] = _paper(day * PER_DAY + 1, day, title=DEEP_TITLE)
        store.add_listing(DayListing("huggingface", _day(day), tuple(papers)))
    return config


def _add(config: Path, day: int, papers: list[Paper]) -> None:
    Store(config.parent / "data").add_listing(DayListing("huggingface", _day(day), tuple(papers)))


def _equals_a_clean_build(config: Path, tmp_path: Path) -> None:
    output = load_config(config, environ={}).build.output
    fresh = build(load_config(config, environ={}), tmp_path / "fresh")
    assert published_files(fresh.output) == published_files(output)


def test_a_new_day_keeps_every_older_paper_page_unkeyed_and_equals_a_clean_build(site: Path, tmp_path: Path) -> None:
    first = build(load_config(site, environ={}))
    assert first.write.settled == 0  # nothing to know unchanged from
    _add(site, DAYS, [_paper(100 + offset, DAYS) for offset in range(PER_DAY)])

    daily = build(load_config(site, environ={}))

    # Every older paper's page; and every older day's page but the last (its "next day" link
    # changes) and each topic's oldest chunk (the next one holds papers of the new day), kept
    # without being keyed either (site/pages.py, Unchanged).
    assert daily.write.settled == DAYS * PER_DAY + (DAYS - 1) + 2
    assert {f"papers/2603.{100 + offset:05d}/index.html" for offset in range(PER_DAY)} <= set(daily.write.written)
    _equals_a_clean_build(site, tmp_path)


def test_a_change_in_an_old_day_plans_again_from_that_day_on(site: Path, tmp_path: Path) -> None:
    build(load_config(site, environ={}))
    output = load_config(site, environ={}).build.output
    before = published_files(output)
    store = Store(site.parent / "data")
    target = store.papers()["2603.00010"]  # day 3
    store.add_listing(DayListing("huggingface", target.first_day, (dataclasses.replace(target, upvotes=99),)))

    second = build(load_config(site, environ={}))

    # The pages of days 0 to 2 cannot show the paper (related papers are listed on their day or
    # before); from day 3 on every paper page is keyed, and the target's is rewritten.
    # (and the day pages of days 0 and 1, whose next day is before day 3).
    assert second.write.settled == 3 * PER_DAY + 2
    changed = {path for path, content in published_files(output).items() if before.get(path) != content}
    assert "papers/2603.00010/index.html" in changed and set(second.write.written) == changed
    _equals_a_clean_build(site, tmp_path)


def test_an_organization_getting_its_page_rewrites_its_older_papers_pages(site: Path, tmp_path: Path) -> None:
    build(load_config(site, environ={}))
    output = load_config(site, environ={}).build.output
    before = published_files(output)
    # A third Beta Lab paper: the organization now has a page, which its older papers link to.
    _add(site, DAYS, [_paper(100, DAYS, organization="Beta Lab")])

    build(load_config(site, environ={}))

    changed = {path for path, content in published_files(output).items() if before.get(path) != content}
    assert {"papers/2603.00006/index.html", "papers/2603.00015/index.html"} <= changed
    assert b'href="../../orgs/beta-lab/"' in (output / "papers/2603.00006/index.html").read_bytes()
    _equals_a_clean_build(site, tmp_path)


def test_a_related_state_left_by_a_killed_build_settles_nothing(site: Path, tmp_path: Path) -> None:
    build(load_config(site, environ={}))
    config = load_config(site, environ={})
    store = Store(site.parent / "data")
    target = store.papers()["2603.00004"]
    store.add_listing(DayListing("huggingface", target.first_day, (dataclasses.replace(target, abstract="Other words."),)))
    # A build killed after saving the related papers' state, before its cache: the lists kept
    # from now on are not the ones the pages were written with.
    reread = Store(site.parent / "data")  # store versions are those of the files as read
    papers = sorted(reread.papers().values(), key=lambda paper: (paper.first_day, paper.arxiv_id))
    assert update_related(config.build.output / SEARCH_STATE / "related", papers, reread.paper_versions()).computed

    again = build(config)

    assert again.write.settled == 0
    _equals_a_clean_build(site, tmp_path)


def test_tex_warnings_are_kept_for_unchanged_papers_and_go_when_the_paper_is_fixed(site: Path) -> None:
    warning = "paper 2603.00004: title shown as written, TeX not converted: its TeX nests deeper than 32 levels"
    assert warning in build(load_config(site, environ={})).warnings
    _add(site, DAYS, [_paper(100, DAYS)])
    assert warning in build(load_config(site, environ={})).warnings  # from the cache: its day file is unchanged
    store = Store(site.parent / "data")
    fixed = dataclasses.replace(store.papers()["2603.00004"], title="A plain title")
    store.add_listing(DayListing("huggingface", fixed.first_day, (fixed,)))
    assert not any("2603.00004" in line for line in build(load_config(site, environ={})).warnings)


def test_a_cache_of_an_older_format_is_ignored_with_a_warning_and_the_site_is_right(site: Path, tmp_path: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    cache_path = config.build.output / CACHE_NAME
    old = msgspec.msgpack.decode(cache_path.read_bytes())
    old.pop("pages")
    cache_path.write_bytes(msgspec.msgpack.encode({**old, "format": 2, "related": b"", "related_counts": None}))
    _add(site, DAYS, [_paper(100, DAYS)])

    again = build(load_config(site, environ={}))

    expected = f"ignoring the build cache: it has format 2, this sitegen writes {CACHE_FORMAT}"
    assert any(expected in line for line in again.warnings)
    assert again.write.settled == 0
    _equals_a_clean_build(site, tmp_path)
    assert read_cache(config.build.output).cache is not None  # replaced by one it reads


def _as_format_3(cache_path: Path) -> None:
    """Rewrite the cache as sitegen wrote it before format 4: an entry per tagged paper."""
    new = msgspec.msgpack.decode(cache_path.read_bytes())
    ids, versions, combinations = new.pop("tagged").split("\n"), new.pop("versions"), new.pop("combination_of")
    per_paper = {
        arxiv_id: [versions[16 * n : 16 * n + 16], int.from_bytes(combinations[4 * n : 4 * n + 4], "little")]
        for n, arxiv_id in enumerate(ids)
    }
    cache_path.write_bytes(msgspec.msgpack.encode({**new, "format": 3, "tags": dict(sorted(per_paper.items()))}))


def test_a_cache_of_the_format_before_is_read_so_updating_sitegen_costs_no_build(site: Path, tmp_path: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    _as_format_3(config.build.output / CACHE_NAME)
    assert build(load_config(site, environ={})).search is None  # nothing new: still nothing to do
    _add(site, DAYS, [_paper(100, DAYS)])

    again = build(load_config(site, environ={}))

    assert not any("ignoring the build cache" in line for line in again.warnings)
    assert again.write.settled >= DAYS  # the old papers' pages kept, as from a cache of this format
    _equals_a_clean_build(site, tmp_path)
    assert read_cache(config.build.output).cache is not None
    assert msgspec.msgpack.decode((config.build.output / CACHE_NAME).read_bytes())["format"] == CACHE_FORMAT


def test_a_planted_warning_with_control_characters_is_refused(site: Path, tmp_path: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    cache = read_cache(config.build.output).cache
    assert cache is not None
    planted = msgspec.structs.replace(cache.pages, tex_warnings={"2603.00004": ["\x1b]0;owned\x07 a terminal escape"]})
    save_cache(config.build.output, msgspec.structs.replace(cache, pages=planted))
    _add(site, DAYS, [_paper(100, DAYS)])

    again = build(load_config(site, environ={}))

    assert any("ignoring the build cache: it is not a build cache this sitegen can read" in line for line in again.warnings)
    assert not any("\x1b" in line for line in again.warnings)
    _equals_a_clean_build(site, tmp_path)
