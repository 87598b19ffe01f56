"""Weeks and months (ISO week 53, weeks across a month and a year, gaps, the running period,
ranking ties) and organization slugs (real names from ../shared/data: unique, safe, stable)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from sitegen.config.load import OrgsConfig
from sitegen.site.orgs import base_slug, build_orgs, org_slugs
from sitegen.site.periods import MONTH, WEEK, build_periods, completed, period_bounds, week_key
from sitegen.store.models import Organization, Paper

REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "hf-daily-papers"
SAFE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _paper(arxiv_id: str, day: dt.date, upvotes: int | None = 0, org: str | None = None) -> Paper:
    return Paper(
        arxiv_id=arxiv_id, title=f"Paper {arxiv_id}", abstract="", authors=(), listing_days=(day,), upvotes=upvotes,
        organization=Organization(org, f"{org} fullname") if org else None,
    )


def test_iso_week_53_and_weeks_across_a_month_and_a_year() -> None:
    # 2026 has 53 ISO weeks: Monday 28 December 2026 to Sunday 3 January 2027 is 2026-W53.
    assert week_key(dt.date(2026, 12, 28)) == "2026-W53"
    assert week_key(dt.date(2027, 1, 3)) == "2026-W53"
    assert week_key(dt.date(2027, 1, 4)) == "2027-W01"
    assert week_key(dt.date(2025, 12, 29)) == "2026-W01"  # a Monday in December opens the next ISO year
    assert period_bounds(WEEK, dt.date(2027, 1, 1)) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))
    assert period_bounds(MONTH, dt.date(2028, 2, 10)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    papers = [_paper("2612.00001", dt.date(2026, 12, 31), 3), _paper("2701.00001", dt.date(2027, 1, 2), 9)]
    (week,) = build_periods(WEEK, papers, dt.date(2027, 1, 2))
    assert week.key == "2026-W53" and [p.arxiv_id for p in week.papers] == ["2701.00001", "2612.00001"]
    assert week.span == "28 December 2026 – 3 January 2027" and week.title == "Week 53, 2026"
    december, january = build_periods(MONTH, papers, dt.date(2027, 1, 2))
    assert (december.key, january.key) == ("2026-12", "2027-01")
    assert [p.arxiv_id for p in december.papers] == ["2612.00001"] and december.span == "1–31 December 2026"


def test_weeks_without_papers_have_no_page_and_only_the_newest_period_is_running() -> None:
    papers = [_paper("2603.00001", dt.date(2026, 3, 2)), _paper("2603.00002", dt.date(2026, 3, 18))]  # W10, W12; no W11
    weeks = build_periods(WEEK, papers, dt.date(2026, 3, 18))
    assert [w.key for w in weeks] == ["2026-W10", "2026-W12"]
    assert [w.running for w in weeks] == [False, True]
    assert [w.key for w in completed(weeks)] == ["2026-W10"]
    # A later listing day (a paper listed again, no new paper) ends the week without a page of its own.
    assert completed(build_periods(WEEK, papers, dt.date(2026, 3, 23)))[-1].key == "2026-W12"
    # Days without papers are not listing days of the period.
    assert weeks[0].days == ((dt.date(2026, 3, 2), 1),)


def test_ranking_most_upvoted_first_then_newer_then_id() -> None:
    monday, friday = dt.date(2026, 3, 2), dt.date(2026, 3, 6)
    papers = [
        _paper("2603.00009", monday, 5),
        _paper("2603.00003", friday, 5),
        _paper("2603.00002", friday, 5),
        _paper("2603.00001", monday, 7),
        _paper("2603.00004", friday, None),  # no count (not from Hugging Face) ranks as 0
        _paper("2603.00005", monday, 0),
    ]
    (week,) = build_periods(WEEK, papers, friday)
    assert [p.arxiv_id for p in week.papers] == [
        "2603.00001",
        "2603.00002",
        "2603.00003",
        "2603.00009",
        "2603.00004",
        "2603.00005",
    ]


def test_slug_collisions_go_to_the_older_organization_and_never_move() -> None:
    assert base_slug("ByteDance-Seed") == "bytedance-seed"
    assert base_slug("ISTA.DASLab") == "ista-daslab"
    assert base_slug("Zoë_Lab") == "zoe-lab"
    assert base_slug('<script>alert("x")</script>') == "script-alert-x-script"
    assert base_slug("../..") == "org" and base_slug("") == "org"
    assert len(base_slug("a" * 500)) == 60
    older_first = org_slugs(["foo-bar", "Foo.Bar"])
    assert older_first["foo-bar"] == "foo-bar" and re.fullmatch(r"foo-bar-[0-9a-f]{8}", older_first["Foo.Bar"])
    # A newer organization arriving later does not take the older one's slug.
    assert org_slugs(["foo-bar", "Foo.Bar", "FOO_BAR"])["Foo.Bar"] == older_first["Foo.Bar"]
    # build_orgs orders by each organization's first paper, not by name.
    papers = [
        _paper("2603.00002", dt.date(2026, 3, 3), org="Foo.Bar"),  # newest first, as the site model gives them
        _paper("2603.00001", dt.date(2026, 3, 2), org="foo-bar"),
    ]
    slugs = {org.name: org.slug for org in build_orgs(papers, OrgsConfig(min_papers=1))}
    assert slugs["foo-bar"] == "foo-bar" and slugs["Foo.Bar"] != "foo-bar"


def test_min_papers_and_disabled() -> None:
    day = dt.date(2026, 3, 2)
    papers = [_paper(f"2603.0000{n}", day, n, "Lab" if n < 3 else "Solo") for n in range(4)][::-1]
    orgs = build_orgs(papers, OrgsConfig(min_papers=3))
    assert [(o.name, len(o.papers), o.upvotes, o.has_page) for o in orgs] == [("Lab", 3, 3, True), ("Solo", 1, 3, False)]
    assert build_orgs(papers, OrgsConfig(enabled=False)) == ()


def _real_org_names(files: list[Path]) -> list[str]:
    """Organization names in order of first appearance, as build_orgs orders them."""
    seen: dict[str, None] = {}
    for path in files:
        for item in json.loads(path.read_bytes()):
            org = item.get("organization") or item.get("paper", {}).get("organization")
            if isinstance(org, dict) and isinstance(org.get("name"), str):
                seen.setdefault(org["name"], None)
    return list(seen)


def test_slugs_of_the_real_organizations_are_unique_safe_and_stable() -> None:
    files = sorted(REAL_DATA.glob("*.json"))
    if not files:
        pytest.skip("no real data in ../shared/data")
    names = _real_org_names(files)
    assert len(names) > 300
    slugs = org_slugs(names)
    assert len(set(slugs.values())) == len(names)
    assert all(SAFE_SLUG.match(slug) and len(slug) <= 69 for slug in slugs.values()), [
        s for s in slugs.values() if not SAFE_SLUG.match(s)
    ]
    # Stable as the archive grows: the slugs of the organizations known half-way do not change.
    earlier = org_slugs(_real_org_names(files[: len(files) * 3 // 4]))
    assert earlier and all(slugs[name] == slug for name, slug in earlier.items())
    # No real name collides today, so every real organization has its plain, readable slug.
    assert all(slug == base_slug(name) for name, slug in slugs.items())
    assert slugs["nvidia"] == "nvidia" and slugs["ByteDance-Seed"] == "bytedance-seed"


def test_config_keys_for_weeks_and_organizations(tmp_path: Path) -> None:
    from sitegen.config.load import load_config
    from sitegen.errors import ConfigError

    path = tmp_path / "sitegen.toml"
    base = '[site]\ntitle = "T"\n[sources.huggingface]\n[topics.x]\ntitle = "X"\nany = ["a"]\n'
    path.write_text(base)
    config = load_config(path, environ={})
    assert (config.feeds.weekly_items, config.orgs.enabled, config.orgs.min_papers, config.orgs.feed_items) == (10, True, 3, 5)
    path.write_text(
        base + '[feeds]\nweekly_items = 0\n[orgs]\nenabled = "no"\nmin_paper = 2\n[topics.weekly]\ntitle = "W"\nany = ["w"]\n'
    )
    with pytest.raises(ConfigError) as error:
        load_config(path, environ={})
    text = str(error.value)
    assert "feeds.weekly_items: must be at least 1, got 0" in text
    assert "orgs.enabled" in text and 'orgs.min_paper: unknown key; did you mean "min_papers"?' in text
    assert '"weekly" is reserved' in text
