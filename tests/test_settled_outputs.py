"""Day, topic and period pages a daily build keeps without making their context or key
(sitegen/site/pages.py `Unchanged`, the day it starts from in sitegen/output/settled.py): those
made only of papers first listed before the first day whose store file or papers changed. The
site is always the one a clean build makes; anything the cache cannot tell settles nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import published_files, write_config

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

MONDAY = dt.date(2026, 3, 2)  # ISO week 10
DAYS = 20  # 2 to 21 March: weeks 10, 11 and 12, one month
PER_DAY = 3
PAGE_SIZE = 5  # conftest's [build] page_size


def _day(index: int) -> dt.date:
    return MONDAY + dt.timedelta(days=index)


def _paper(number: int, day: int) -> Paper:
    topic = "diffusion" if number % 2 else "agent"
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=f"Study {number} of {topic} models",
        abstract=f"We study {topic} models with shared words, paper {number}.",
        authors=(f"Author {number}",),
        listing_days=(_day(day),),
        upvotes=number % 7,
        sources=("huggingface",),
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = write_config(tmp_path / "site", "http://127.0.0.1:9")
    store = Store(config.parent / "data")
    for day in range(DAYS):
        store.add_listing(DayListing("huggingface", _day(day), tuple(_paper(day * PER_DAY + n, day) for n in range(PER_DAY))))
    return config


def _equals_a_clean_build(config: Path, tmp_path: Path) -> None:
    output = load_config(config, environ={}).build.output
    fresh = build(load_config(config, environ={}), tmp_path / "fresh")
    assert published_files(fresh.output) == published_files(output)


def _built(config: Path) -> tuple[Path, dict[str, bytes]]:
    build(load_config(config, environ={}))
    output = load_config(config, environ={}).build.output
    return output, published_files(output)


def test_a_day_in_a_new_week_keeps_the_older_days_topic_chunks_and_weeks_unkeyed(site: Path, tmp_path: Path) -> None:
    output, before = _built(site)
    new_day = DAYS + 1  # Monday 23 March: week 13
    Store(site.parent / "data").add_listing(
        DayListing("huggingface", _day(new_day), tuple(_paper(200 + n, new_day) for n in range(PER_DAY)))
    )

    daily = build(load_config(site, environ={}))

    per_topic = DAYS * PER_DAY // 2
    kept = (
        DAYS * PER_DAY  # every older paper's page
        + (DAYS - 1)  # every older day's page but the newest (its "next day" link changes)
        + 2 * (per_topic // PAGE_SIZE - 1)  # each topic's chunks but the newest (its pager may change)
        + 2  # weeks 10 and 11 (week 12 links the new week 13)
    )
    assert daily.write.settled == kept
    changed = {path for path, content in published_files(output).items() if before.get(path) != content}
    assert set(daily.write.written) == changed
    assert {"days/2026-03-21/index.html", "days/2026-03-23/index.html", "weeks/2026-W12/index.html"} <= changed
    assert not changed & {"days/2026-03-20/index.html", "weeks/2026-W11/index.html", "topics/agent/page/1/index.html"}
    _equals_a_clean_build(site, tmp_path)


def test_a_change_in_an_old_day_keeps_only_what_comes_before_it(site: Path, tmp_path: Path) -> None:
    output, before = _built(site)
    store = Store(site.parent / "data")
    target = store.papers()[f"2603.{10 * PER_DAY:05d}"]  # day 10: Thursday 12 March, week 11
    store.add_listing(DayListing("huggingface", target.first_day, (dataclasses.replace(target, upvotes=99),)))

    again = build(load_config(site, environ={}))

    per_topic_before = 10 * PER_DAY // 2
    assert again.write.settled == (
        10 * PER_DAY  # the pages of the papers of days 0 to 9
        + 9  # the pages of days 0 to 8 (day 9 links day 10)
        + 2 * (per_topic_before // PAGE_SIZE - 1)  # topic chunks whose next chunk is older than day 10 too
    )  # and no week: week 10 links week 11, which holds day 10
    changed = {path for path, content in published_files(output).items() if before.get(path) != content}
    assert set(again.write.written) == changed
    assert {"days/2026-03-12/index.html", "weeks/2026-W11/index.html", "months/2026-03/index.html"} <= changed
    _equals_a_clean_build(site, tmp_path)


def test_a_day_file_removed_keeps_no_day_topic_or_period_page(site: Path, tmp_path: Path) -> None:
    output, _ = _built(site)
    store = Store(site.parent / "data")
    store.day_file(_day(10)).unlink()  # its three papers leave the store

    again = build(load_config(site, environ={}), allow_shrink=True)

    # Which pages showed the papers that left is not known: only paper pages (settled.py) are
    # kept, those of the papers before day 10.
    assert again.write.settled <= 10 * PER_DAY
    assert "days/2026-03-12/index.html" in again.write.removed
    assert not (output / "days/2026-03-12/index.html").exists()
    _equals_a_clean_build(site, tmp_path)


def test_an_organization_getting_its_page_replans_only_the_pages_that_show_its_papers(site: Path, tmp_path: Path) -> None:
    store = Store(site.parent / "data")
    papers = store.papers()
    for number in (2 * PER_DAY, 12 * PER_DAY):  # days 2 and 12: one short of a page of its own
        paper = papers[f"2603.{number:05d}"]
        store.add_listing(
            DayListing("huggingface", paper.first_day, (dataclasses.replace(paper, organization=Organization("Beta Lab")),))
        )
    output, before = _built(site)
    new_day = DAYS + 1
    third = dataclasses.replace(_paper(200, new_day), organization=Organization("Beta Lab"))
    Store(site.parent / "data").add_listing(DayListing("huggingface", _day(new_day), (third,)))

    daily = build(load_config(site, environ={}))

    changed = {path for path, content in published_files(output).items() if before.get(path) != content}
    assert set(daily.write.written) == changed
    # Its older papers' pages, days, topic chunks and weeks now link its page ...
    for path in ("papers/2603.00006/index.html", "papers/2603.00036/index.html", "days/2026-03-04/index.html"):
        assert path in changed
        assert b"orgs/beta-lab/" in (output / path).read_bytes()
    # ... and the pages that do not show them are kept unkeyed: not "everything from day 2 on".
    assert "days/2026-03-05/index.html" not in changed
    assert daily.write.settled > (DAYS - 2) * PER_DAY
    _equals_a_clean_build(site, tmp_path)


def test_a_day_that_adds_nothing_to_an_organization_keeps_its_pages_unkeyed(site: Path, tmp_path: Path) -> None:
    store = Store(site.parent / "data")
    papers = store.papers()
    for day in range(DAYS):  # Alpha Lab: days 0 to 5 (18 papers: a first page and 3 chunks); Beta Lab: days 6 and 7
        name = "Alpha Lab" if day < 6 else "Beta Lab" if day < 8 else None
        if name:
            ids = (f"2603.{day * PER_DAY + n:05d}" for n in range(PER_DAY))
            changed = tuple(dataclasses.replace(papers[arxiv_id], organization=Organization(name)) for arxiv_id in ids)
            store.add_listing(DayListing("huggingface", _day(day), changed))
    output, before = _built(site)
    new_day = DAYS + 1  # Monday 23 March: week 13
    fresh = (dataclasses.replace(_paper(200, new_day), organization=Organization("Beta Lab")), _paper(201, new_day))
    Store(site.parent / "data").add_listing(DayListing("huggingface", _day(new_day), fresh))

    daily = build(load_config(site, environ={}))

    alpha = {"orgs/alpha-lab/index.html", *(f"orgs/alpha-lab/page/{n}/index.html" for n in (1, 2, 3))}
    assert alpha <= set(before)
    per_topic = DAYS * PER_DAY // 2
    assert daily.write.settled == (
        DAYS * PER_DAY  # every older paper's page
        + (DAYS - 1)  # every older day's page but the newest
        + 2 * (per_topic // PAGE_SIZE - 1)  # each topic's chunks but the newest
        + 2  # weeks 10 and 11
        + len(alpha)  # every page of the organization the day adds nothing to
    )
    changed = {path for path, content in published_files(output).items() if before.get(path) != content}
    assert set(daily.write.written) == changed
    assert "orgs/beta-lab/index.html" in changed and not changed & alpha
    _equals_a_clean_build(site, tmp_path)
