"""Incremental builds: a new day rewrites only the files whose content changed, and pages whose
inputs did not change are not even rendered."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import published_files, write_config

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.site.pages import PageRenderer
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

FIRST_DAY = dt.date(2026, 3, 2)  # a Monday: days 0-6 are ISO week 2026-W10, 7-13 W11
PAGE_SIZE = 5  # from conftest.write_config


def _paper(number: int, day: dt.date, topic: str) -> Paper:
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=f"Study {number} of {topic} models",
        abstract=f"We study {topic} in depth, paper {number}.",
        authors=(f"Author {number}",),
        listing_days=(day,),
        upvotes=number % 7,
        sources=("huggingface",),
        # Agent papers come from one organization (with a page: 3 papers or more), the rest from none.
        organization=Organization("Agent-Lab", "Agent Lab") if topic == "agent" else None,
    )


def _day(index: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=index)


def _add_day(store: Store, index: int, topics: list[str], start: int) -> list[Paper]:
    papers = [_paper(start + offset, _day(index), topic) for offset, topic in enumerate(topics)]
    store.add_listing(DayListing("huggingface", _day(index), tuple(papers)))
    return papers


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    store = Store(tmp_path / "data")
    number = 0
    for index in range(12):  # 12 days of 2 diffusion papers and 1 agent paper each
        _add_day(store, index, ["diffusion", "diffusion", "agent"], number)
        number += 3
    return config


def test_adding_a_day_rewrites_only_what_changed(site: Path) -> None:
    config = load_config(site, environ={})
    first = build(config)
    assert first.write.written and not first.write.removed
    output = config.build.output
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    diffusion_before = 24  # 12 days x 2
    new = _add_day(Store(config.store.path), 12, ["diffusion", "diffusion", "agent"], 100)
    second = build(load_config(site, environ={}))

    new_day, previous_day = _day(12), _day(11)
    chunks_before, chunks_after = diffusion_before // PAGE_SIZE, (diffusion_before + 2) // PAGE_SIZE
    expected = {
        f"days/{new_day}/index.html",  # the new day
        f"days/{previous_day}/index.html",  # its neighbour's "next" link
        *(f"papers/{p.arxiv_id}/index.html" for p in new),
        "index.html",
        "archive/index.html",
        "topics/index.html",  # site-wide pages with counts
        "topics/diffusion/index.html",
        "topics/agents/index.html",  # the affected topics' first pages
        *(f"feeds/{slug}.{kind}" for slug in ("all", "diffusion", "agents") for kind in ("rss.xml", "atom.xml", "json")),
        "sitemap.xml",
        "sitegen-manifest.json",
        "status/index.html",
        "status.json",  # each source's paper count (a real fetch changes its ledger too)
        # Its week (still running) and month; its organization's first page, feeds and the list.
        "weeks/2026-W11/index.html",
        "months/2026-03/index.html",
        "orgs/index.html",
        "orgs/agent-lab/index.html",
        *(f"feeds/orgs/agent-lab.{kind}" for kind in ("rss.xml", "atom.xml", "json")),
    }
    if chunks_after > chunks_before:  # a chunk filled up: it appears, and the one before links to it
        expected |= {f"topics/diffusion/page/{chunks_after}/index.html", f"topics/diffusion/page/{chunks_before}/index.html"}
    assert set(second.write.written) == expected
    assert second.write.removed == []
    # Every other file is byte-identical, and the pages of unchanged papers were not rendered.
    for path, content in before.items():
        relative = path.relative_to(output).as_posix()
        # The builder's, not the site's.
        memory = (".sitegen-cache", ".sitegen-listing", ".sitegen-size", ".sitegen-search", ".sitegen-feeds")
        if relative not in expected and not relative.startswith(("search/index", *memory)):
            assert path.read_bytes() == content, relative
    # The pages above and the few rendered on every build (search, 404...), not the 36 papers' pages.
    assert second.write.rendered < 20


def test_a_day_in_a_new_week_ends_the_last_one_and_publishes_it_in_the_weekly_feeds(site: Path) -> None:
    config = load_config(site, environ={})
    store = Store(config.store.path)
    _add_day(store, 13, ["diffusion"], 200)  # Sunday 15 March: the end of week W11
    build(config)
    output = config.build.output
    weekly_before = (output / "feeds/weekly.rss.xml").read_bytes()
    assert b"2026-W10" in weekly_before and b"2026-W11" not in weekly_before  # W11 is still running
    new = _add_day(Store(config.store.path), 14, ["agent"], 300)  # Monday 16 March, week W12
    second = build(load_config(site, environ={}))
    expected = {
        f"days/{_day(14)}/index.html",
        f"days/{_day(13)}/index.html",
        *(f"papers/{p.arxiv_id}/index.html" for p in new),
        "index.html",
        "archive/index.html",
        "topics/index.html",
        "topics/agents/index.html",
        *(f"feeds/{slug}.{kind}" for slug in ("all", "agents") for kind in ("rss.xml", "atom.xml", "json")),
        "sitemap.xml",
        "sitegen-manifest.json",
        "status/index.html",
        "status.json",
        # The new week; the last one, which ended ("so far" goes, a "next" link comes); the month.
        "weeks/2026-W12/index.html",
        "weeks/2026-W11/index.html",
        "months/2026-03/index.html",
        "orgs/index.html",
        "orgs/agent-lab/index.html",
        *(f"feeds/orgs/agent-lab.{kind}" for kind in ("rss.xml", "atom.xml", "json")),
        # W11 ended: it joins the weekly feeds of everything and of the topics it has papers in.
        *(
            f"feeds/{slug}.{kind}"
            for slug in ("weekly", "diffusion.weekly", "agents.weekly")
            for kind in ("rss.xml", "atom.xml", "json")
        ),
    }
    assert set(second.write.written) == expected
    assert b"2026-W11" in (output / "feeds/weekly.rss.xml").read_bytes()
    assert (config.store.path / "weeks/2026-W11.json").is_file()


def test_a_rule_edit_re_tags_and_rebuilds_everything(site: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    site.write_text(site.read_text().replace('any = ["agent"]', 'any = ["study"]'))
    rebuilt = build(load_config(site, environ={}))
    agents = (config.build.output / "topics/agents/index.html").read_text()
    assert "36 papers" in agents  # every paper says "Study", so every paper is now an agents paper
    assert rebuilt.write.rendered > 36


def test_without_the_cache_an_unchanged_build_writes_nothing(site: Path) -> None:
    """Without the cache (deleted output), the build compares against the files themselves."""
    config = load_config(site, environ={})
    build(config)
    (config.build.output / ".sitegen-cache").unlink()
    again = build(config)
    assert again.write.written == [] and again.write.unchanged > 50


def test_a_broken_template_is_a_clear_error_naming_it(site: Path) -> None:
    import shutil

    from sitegen.errors import BuildError

    config = load_config(site, environ={})
    theme = site.parent / "theme"
    shutil.copytree(config.build.templates, theme)
    (theme / "day.html").write_text('{% extends "base.html" %}{% block main %}{{ no_such_value }}{% endblock %}')
    site.write_text(site.read_text().replace(config.build.templates.as_posix(), theme.as_posix()))
    with pytest.raises(
        BuildError,
        match=r"day\.html: UndefinedError: 'no_such_value' is undefined "
        r"\(rendering days/2026-03-02/index\.html\); fix the template",
    ):
        build(load_config(site, environ={}))


def test_an_upvote_change_in_an_old_day_rewrites_the_pages_that_show_it_and_no_others(site: Path, tmp_path: Path) -> None:
    config = load_config(site, environ={})
    build(config)
    output = config.build.output
    before = published_files(output)
    store = Store(config.store.path)
    old_day = _day(3)  # Thursday 5 March, in week W10, which has ended
    target = next(p for p in store.papers().values() if p.first_day == old_day and p.organization is None)
    store.add_listing(DayListing("huggingface", old_day, (dataclasses.replace(target, upvotes=99),)))

    second = build(load_config(site, environ={}))
    after = published_files(output)
    changed = {path for path, content in after.items() if before.get(path) != content}
    # Exactly the files whose bytes changed are written, and they are those that show the count.
    assert set(second.write.written) == changed
    assert {
        f"papers/{target.arxiv_id}/index.html",
        f"days/{old_day}/index.html",
        "weeks/2026-W10/index.html",
        "months/2026-03/index.html",
    } <= changed
    untouched = [p for p in store.papers().values() if p.arxiv_id != target.arxiv_id]
    assert not changed & {f"papers/{p.arxiv_id}/index.html" for p in untouched}
    assert f"days/{_day(11)}/index.html" not in changed and "index.html" not in changed
    # Pages whose papers are all in unchanged store files are not even rendered.
    assert second.write.rendered < 20
    # And the result is what a clean build of the same store makes.
    fresh = build(load_config(site, environ={}), tmp_path / "fresh")
    assert published_files(fresh.output) == after


def test_a_base_url_from_the_environment_that_changes_rewrites_every_page_that_shows_it(site: Path, tmp_path: Path) -> None:
    # The config sets no base_url, so GITHUB_REPOSITORY gives it (as in Actions): renaming the
    # repository (or forking it) must not leave pages with the old address in their links.
    build(load_config(site, environ={"GITHUB_REPOSITORY": "alice/feeds"}))
    renamed = load_config(site, environ={"GITHUB_REPOSITORY": "alice/papers"})
    build(renamed)
    incremental = published_files(renamed.build.output)
    assert "alice.github.io/papers/papers/2603.00000/" in incremental["papers/2603.00000/index.html"].decode()
    fresh = build(renamed, output=tmp_path / "fresh")
    assert fresh.write.written
    assert incremental == published_files(tmp_path / "fresh")


def test_a_day_that_adds_nothing_to_a_topic_does_not_render_its_page_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(site, environ={})
    build(config)
    rendered: list[str] = []
    render = PageRenderer.render
    monkeypatch.setattr(PageRenderer, "render", lambda self, page: rendered.append(page.path) or render(self, page))
    _add_day(Store(config.store.path), 12, ["agent", "agent"], 100)  # nothing for the diffusion topic

    build(load_config(site, environ={}))
    assert "topics/agents/index.html" in rendered
    # Its first page, and the pages that show only the theme, are as the last build made them.
    assert not {"topics/diffusion/index.html", "search/index.html", "404.html"} & set(rendered)
    incremental = published_files(config.build.output)
    assert incremental == published_files(build(load_config(site, environ={}), tmp_path / "fresh").output)
