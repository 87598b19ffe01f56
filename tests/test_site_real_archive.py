"""The whole saved Hugging Face archive (../shared/data/hf-daily-papers) becomes a complete site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import HF_REAL_DATA, run_sitegen
from linkcheck import site_problems
from real_archive import fill_store, write_config

pytestmark = pytest.mark.skipif(not HF_REAL_DATA.is_dir(), reason="../shared/data/hf-daily-papers is absent")
BASE = "https://owner.github.io/repo/"


def test_every_page_of_the_real_archive_exists_and_links_resolve(tmp_path: Path) -> None:
    count = fill_store(tmp_path / "data")
    config = write_config(tmp_path, base_url=BASE)
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    days = sorted(path.stem for path in HF_REAL_DATA.glob("*.json") if json.loads(path.read_bytes()))
    assert sorted(p.name for p in (output / "days").iterdir()) == days
    papers = {p.name for p in (output / "papers").iterdir() if (p / "index.html").is_file()}
    assert len(papers) == count > 8000
    assert (output / "search/index/manifest.json").is_file() and f"search index: {count} paper(s)" in result.stderr
    assert site_problems(output, BASE) == []  # no broken internal link, nothing from another host
    _every_week_month_and_organization_is_there(output)


def _first_days_and_orgs() -> tuple[dict[str, str], dict[str, set[str]]]:
    """From the raw answers, not sitegen's parser: each paper's first listing day, and each
    organization's (by its `name`) set of papers."""
    first_day: dict[str, str] = {}
    papers_of: dict[str, set[str]] = {}
    for path in sorted(HF_REAL_DATA.glob("*.json")):
        for item in json.loads(path.read_bytes()):
            arxiv_id = item["paper"]["id"]
            first_day.setdefault(arxiv_id, path.stem)
            organization = item.get("organization") or item["paper"].get("organization")
            if organization and organization.get("name"):
                papers_of.setdefault(organization["name"], set()).add(arxiv_id)
    return first_day, papers_of


def _every_week_month_and_organization_is_there(output: Path) -> None:
    """Part of the test above (one build of the real archive is costly): issue 14's pages and
    feeds exist for every period and every organization with enough papers."""
    import datetime as dt

    first_day, papers_of = _first_days_and_orgs()
    days = [dt.date.fromisoformat(day) for day in set(first_day.values())]
    weeks = {f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" for d in days}
    months = {f"{d.year}-{d.month:02d}" for d in days}
    assert {p.name for p in (output / "weeks").iterdir() if (p / "index.html").is_file()} == weeks
    assert {p.name for p in (output / "months").iterdir() if (p / "index.html").is_file()} == months
    # [orgs] min_papers = 3 (the default): every organization with three papers has a page and feeds.
    followed = [name for name, papers in papers_of.items() if len(papers) >= 3]
    org_pages = [p for p in (output / "orgs").iterdir() if (p / "index.html").is_file()]
    assert len(org_pages) == len(followed) > 100
    opml = (output / "feeds/orgs.opml").read_text()
    for page in org_pages:
        for suffix in ("rss.xml", "atom.xml", "json"):
            assert (output / "feeds/orgs" / f"{page.name}.{suffix}").is_file()
        assert f"feeds/orgs/{page.name}.rss.xml" in opml
    # The best of every completed week: the newest ended week's top papers are in the weekly feed.
    weekly = json.loads((output / "feeds/weekly.json").read_text())
    assert len(weekly["items"]) >= 10
