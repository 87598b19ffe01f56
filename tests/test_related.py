"""Related papers: similar content found with the words it shares, only among papers listed up to
the paper's day, and old paper pages unchanged byte for byte when a day is added."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import write_config
from lxml import html

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.search import related as related_module
from sitegen.search.related import related_papers
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

DAY = dt.date(2026, 3, 2)
TOPICS = {
    "lora": (
        "Low-rank adapters for vision transformers",
        "We fine-tune a vision transformer with low-rank adapters; the adapter rank controls parameter count.",
    ),
    "moe": (
        "Routing collapse in mixture of experts",
        "Sparse mixture of experts models suffer routing collapse; we balance expert load with an auxiliary routing loss.",
    ),
    "fish": (
        "Tracking zebrafish larvae",
        "We track zebrafish larvae in aquariums with cameras and count fins and swimming bouts.",
    ),
}


def _paper(number: int, day: int, topic: str) -> Paper:
    title, abstract = TOPICS[topic]
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=f"{title}, part {number}",
        abstract=f"{abstract} Study number {number} on day {day}.",
        authors=(f"Author {number}",),
        listing_days=(DAY + dt.timedelta(days=day),),
        sources=("huggingface",),
    )


def _archive() -> list[Paper]:
    papers = [_paper(number, number // 3, ("lora", "moe", "fish")[number % 3]) for number in range(12)]
    return sorted(papers, key=lambda p: (p.first_day, p.arxiv_id))


def test_related_papers_share_content_and_say_which_words() -> None:
    papers = _archive()
    related = related_papers(papers)
    newest_lora = "2603.00009"
    found = related[newest_lora]
    assert found and {r.arxiv_id for r in found} == {"2603.00000", "2603.00003", "2603.00006"}  # the other LoRA papers
    assert set(found[0].shares) <= {
        "adapter",
        "rank",
        "low",
        "vision",
        "transformer",
        "controls",
        "count",
        "parameter",
        "tune",
        "fine",
    }
    assert len(found[0].shares) == 3
    assert related["2603.00000"] == ()  # the first paper has nothing before it


def test_only_papers_up_to_the_papers_day_are_candidates() -> None:
    papers = _archive()
    related = related_papers(papers)
    by_id = {p.arxiv_id: p for p in papers}
    for arxiv_id, found in related.items():
        assert all(by_id[r.arxiv_id].first_day <= by_id[arxiv_id].first_day for r in found)
        assert arxiv_id not in {r.arxiv_id for r in found}
    # The same lists whether later papers exist or not.
    assert related_papers(papers[:6]) == {p.arxiv_id: related[p.arxiv_id] for p in papers[:6]}


def _pages(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted((output / "papers").rglob("index.html"))}


def test_adding_a_day_leaves_old_paper_pages_unchanged_and_equals_a_clean_build(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, "http://127.0.0.1:9")
    store = Store(tmp_path / "data")
    for day in range(4):
        store.add_listing(
            DayListing(
                "huggingface",
                DAY + dt.timedelta(days=day),
                tuple(p for p in _archive() if p.first_day == DAY + dt.timedelta(days=day)),
            )
        )
    config = load_config(config_path, environ={})
    build(config)
    before = _pages(config.build.output)
    page = html.fromstring(before["papers/2603.00009/index.html"])
    links = page.xpath("//section[@class='related']//li/a/@href")
    assert sorted(links) == ["../2603.00000/", "../2603.00003/", "../2603.00006/"]  # siblings of papers/2603.00009/
    assert page.xpath("//section[@class='related']//li/small/text()")[0].startswith("shares: ")

    # A new day with another LoRA paper: old pages keep their bytes; the new one links to old ones.
    store.add_listing(DayListing("huggingface", DAY + dt.timedelta(days=4), (_paper(12, 4, "lora"),)))
    report = build(config)
    after = _pages(config.build.output)
    assert {path: after[path] for path in before} == before
    assert "papers/2603.00012/index.html" in report.write.written
    new_links = html.fromstring(after["papers/2603.00012/index.html"]).xpath("//section[@class='related']//li/a/@href")
    assert "../2603.00009/" in new_links

    # A clean build of the same store gives the same pages as the two builds in a row.
    shutil.rmtree(config.build.output)
    build(config)
    assert _pages(config.build.output) == after


def test_a_paper_without_words_has_no_related_papers_and_breaks_nothing() -> None:
    papers = [
        *_archive(),
        Paper(arxiv_id="2603.00099", title="", abstract="", authors=(), listing_days=(DAY + dt.timedelta(days=9),)),
    ]
    related = related_papers(papers)
    assert related["2603.00099"] == () and related["2603.00009"]


def test_an_archive_without_a_single_word_has_no_related_papers() -> None:
    # The first day of a new fork can hold one paper with an empty abstract and a title of no
    # word the index keeps: no related lists, and no error that stops the build.
    papers = [Paper(arxiv_id="2603.00099", title="", abstract="", authors=(), listing_days=(DAY,))]
    assert related_papers(papers) == {"2603.00099": ()}


def test_days_split_between_two_processes_give_the_same_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = [_paper(number, number // 3, ("lora", "moe", "fish")[number % 3]) for number in range(60)]
    papers.sort(key=lambda p: (p.first_day, p.arxiv_id))
    alone = related_papers(papers)
    monkeypatch.setattr(related_module, "PARALLEL_WORK", 0)  # split even this small archive
    split = related_papers(papers)
    assert split == alone and len(split) == 60
    assert sum(1 for lists in split.values() if lists) > 50  # most papers have related ones
    # A later paper's list may reach papers of the first half of the days.
    assert any(int(r.arxiv_id[-5:]) < 30 for r in split["2603.00059"])
