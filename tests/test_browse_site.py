"""Week, month and organization pages and feeds, built from tests/browse_archive.py."""

from __future__ import annotations

import json
from pathlib import Path

import browse_archive as B
import lxml.etree
import lxml.html
import pytest
from linkcheck import broken_links
from test_site_valid import _vnu

from sitegen.build import build
from sitegen.config.load import LOCAL_PREVIEW_URL, load_config
from sitegen.store.models import DayListing
from sitegen.store.store import Store

BASE = LOCAL_PREVIEW_URL  # no base_url in the config: the local preview address
WEEKLY_FEEDS = [
    f"feeds/{slug}.{kind}" for slug in ("weekly", "diffusion.weekly", "agents.weekly") for kind in ("rss.xml", "atom.xml", "json")
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = B.make_browse_site(tmp_path_factory.mktemp("browse"), extra="[feeds]\nweekly_items = 2\n")
    build(load_config(config, environ={}))
    return config.parent / "output"


def _html(output: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((output / path).read_bytes())


def _ids(page: lxml.html.HtmlElement) -> list[str]:
    """The arXiv ids of the papers a week, month or organization page lists, in order."""
    return [
        href.rstrip("/").rsplit("/", 1)[-1] for href in page.xpath("//ol[contains(@class,'rows')]/li/a[1]/@href")
    ]


def test_weeks_rank_their_papers_and_link_their_neighbours_across_the_year(site: Path) -> None:
    assert sorted(p.name for p in (site / "weeks").iterdir()) == ["2026-W52", "2026-W53", "2027-W02"]  # no paper in W01
    w53 = _html(site, "weeks/2026-W53/index.html")
    # Most upvoted first; the tie at 12 goes to the newer paper (1 January before 31 December).
    assert _ids(w53) == ["2701.00002", "2701.00001", "2612.00006", "2612.00005"]
    assert _ids(_html(site, "weeks/2026-W52/index.html")) == ["2612.00002", "2612.00003", "2612.00004", "2612.00001"]
    assert "28 December 2026 – 3 January 2027" in w53.text_content()
    assert w53.xpath("//a[@rel='prev']/@href") == ["../../weeks/2026-W52/"]
    assert w53.xpath("//a[@rel='next']/@href") == ["../../weeks/2027-W02/"]  # skips the empty week
    # Each paper with its listing day.
    (day_link,) = w53.xpath("//ol[contains(@class,'rows')]/li[2]/span/a[contains(@href, '/days/')]")
    assert day_link.get("href") == "../../days/2027-01-01/" and day_link.text_content() == "Fri 01 Jan 2027"
    assert "so far" not in w53.text_content()
    running = _html(site, "weeks/2027-W02/index.html").text_content()
    assert "Best of the week so far" in running and "still running" in running
    # The week across the turn of the year is split between its months.
    assert _ids(_html(site, "months/2026-12/index.html")) == [
        "2612.00002",
        "2612.00006",
        "2612.00003",
        "2612.00004",
        "2612.00001",
        "2612.00005",
    ]
    assert _ids(_html(site, "months/2027-01/index.html"))[:2] == ["2701.00002", "2701.00006"]


def test_the_switch_and_the_archive_reach_every_period(site: Path) -> None:
    switch = _html(site, "weeks/2026-W53/index.html").xpath("//nav[@class='switch']//a")
    assert [(a.text, a.get("href"), a.get("aria-current")) for a in switch] == [
        ("Daily", "../../days/2027-01-02/", None),  # the newest day of the week
        ("Weekly", "../../weeks/2026-W53/", "page"),
        ("Monthly", "../../months/2027-01/", None),
    ]
    index = _html(site, "index.html").xpath("//nav[@class='switch']//a/@href")
    assert index == ["./", "weeks/2027-W02/", "months/2027-01/"]
    archive = set(_html(site, "archive/index.html").xpath("//a/@href"))
    periods = {f"../weeks/{p.name}/" for p in (site / "weeks").iterdir()} | {
        f"../months/{p.name}/" for p in (site / "months").iterdir()
    }
    assert periods <= archive
    sitemap = (site / "sitemap.xml").read_text()
    assert f"{BASE}weeks/2026-W53/" in sitemap and f"{BASE}orgs/{B.HOSTILE_SLUG}/" in sitemap and f"{BASE}orgs/" in sitemap


def test_weekly_feeds_hold_the_best_of_completed_weeks(site: Path) -> None:
    rss = lxml.etree.fromstring((site / "feeds/weekly.rss.xml").read_bytes())
    # Two per week (weekly_items = 2), newest completed week first; W02 is still running.
    assert [guid.rsplit("/", 1)[-1] for guid in rss.xpath("//item/guid/text()")] == [
        "2701.00002",
        "2701.00001",
        "2612.00002",
        "2612.00003",
    ]
    diffusion = lxml.etree.fromstring((site / "feeds/diffusion.weekly.rss.xml").read_bytes())
    assert [g.rsplit("/", 1)[-1] for g in diffusion.xpath("//item/guid/text()")] == [
        "2701.00002",
        "2701.00001",
        "2612.00003",
        "2612.00001",
    ]
    store = site.parent / "data"
    assert sorted(p.name for p in (store / "weeks").iterdir()) == ["2026-W52.json", "2026-W53.json"]
    # Listed in the OPML file and on the topics page.
    opml = (site / "feeds/index.opml").read_text()
    assert f"{BASE}feeds/weekly.rss.xml" in opml and f"{BASE}feeds/agents.weekly.rss.xml" in opml
    topics = (site / "topics/index.html").read_text()
    assert f"{BASE}feeds/weekly.json" in topics and f"{BASE}feeds/diffusion.weekly.atom.xml" in topics


def test_weekly_feeds_never_change_after_the_week_ended(tmp_path: Path) -> None:
    """Upvotes change after the weeks ended: the week pages follow, the weekly feeds do not."""
    config = B.make_browse_site(tmp_path, extra="[feeds]\nweekly_items = 2\n")
    build(load_config(config, environ={}))
    site, store = tmp_path / "output", tmp_path / "data"
    before = {path: (site / path).read_bytes() for path in WEEKLY_FEEDS}
    page_before = (site / "weeks/2026-W53/index.html").read_bytes()
    late = B.paper("2612.00005", B.D(2026, 12, 28), 500, B.MANY, "diffusion")
    Store(store).add_listing(DayListing("huggingface", B.D(2026, 12, 28), (late,)))
    build(load_config(config, environ={}))
    assert {path: (site / path).read_bytes() for path in WEEKLY_FEEDS} == before
    assert (site / "weeks/2026-W53/index.html").read_bytes() != page_before
    assert _ids(_html(site, "weeks/2026-W53/index.html"))[0] == "2612.00005"


def test_organizations_pages_feeds_and_links(site: Path) -> None:
    rows = _html(site, "orgs/index.html").xpath("//table[@id='orgs-table']/tbody/tr")
    listed = [(r.xpath("string(th)"), r.get("data-papers"), r.get("data-upvotes"), r.xpath("th/a/@href")) for r in rows]
    assert listed == [
        ("Many Papers Institute Many-Papers", "5", "22", ["../orgs/many-papers/"]),
        ("Big Votes Lab Big-Votes", "3", "150", ["../orgs/big-votes/"]),
        (f"{B.HOSTILE_FULLNAME} {B.HOSTILE_NAME}", "3", "51", [f"../orgs/{B.HOSTILE_SLUG}/"]),
        ("Solo Lab Solo-Lab", "1", "7", []),  # below min_papers: listed, no page
    ]
    assert not (site / "orgs/solo-lab").exists() and not (site / "feeds/orgs/solo-lab.rss.xml").exists()
    # Newest first, in stable chunks of page_size (5) counted from the oldest.
    assert _ids(_html(site, "orgs/many-papers/index.html")) == [
        "2701.00007",
        "2701.00003",
        "2701.00001",
        "2612.00005",
        "2612.00001",
    ]
    # Cards and paper pages link the organization when it has a page.
    day = _html(site, "days/2027-01-12/index.html")
    assert day.xpath("//a[@class='org']/@href") == ["../../orgs/big-votes/", "../../orgs/many-papers/"]
    assert day.xpath("//span[@class='org']/text()") == ["Solo Lab"]
    assert _html(site, "papers/2701.00006/index.html").xpath("//p[@class='org']/a/@href") == ["../../orgs/big-votes/"]
    # Feeds per organization, in their own OPML file, and found from the organization's page.
    feed = json.loads((site / "feeds/orgs/big-votes.json").read_text())
    assert [item["id"].rsplit("/", 1)[-1] for item in feed["items"]] == ["2701.00006", "2701.00002", "2612.00002"]
    opml = lxml.etree.fromstring((site / "feeds/orgs.opml").read_bytes())
    assert opml.xpath("//outline/@xmlUrl") == [
        f"{BASE}feeds/orgs/{slug}.rss.xml" for slug in ("many-papers", "big-votes", B.HOSTILE_SLUG)
    ]
    alternates = _html(site, "orgs/big-votes/index.html").xpath("//link[@rel='alternate']/@href")
    assert f"{BASE}feeds/orgs/big-votes.atom.xml" in alternates


def test_a_hostile_organization_name_is_text_everywhere(site: Path) -> None:
    page = _html(site, f"orgs/{B.HOSTILE_SLUG}/index.html")
    assert page.xpath("string(//h1)").endswith(B.HOSTILE_FULLNAME) and B.HOSTILE_NAME in page.text_content()
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json", ".opml")]
    assert len(files) > 50
    for path in files:
        content = path.read_bytes()
        assert b"<img src=x" not in content and b'<script>alert("org")' not in content, path
    for path in site.rglob("*.html"):
        tree = lxml.html.fromstring(path.read_bytes())
        assert not tree.xpath("//img | //*[@onerror]"), path
    channel = lxml.etree.fromstring((site / f"feeds/orgs/{B.HOSTILE_SLUG}.atom.xml").read_bytes())
    assert channel.findtext("{http://www.w3.org/2005/Atom}title") == f"Test feeds: {B.HOSTILE_FULLNAME}"
    opml = lxml.etree.fromstring((site / "feeds/orgs.opml").read_bytes())
    assert f"Test feeds: {B.HOSTILE_FULLNAME}" in opml.xpath("//outline/@title")
    assert json.loads((site / f"feeds/orgs/{B.HOSTILE_SLUG}.json").read_text())["title"] == f"Test feeds: {B.HOSTILE_FULLNAME}"


def test_the_new_pages_are_valid_html_and_their_links_work(site: Path) -> None:
    assert broken_links(site, BASE) == []
    pages = [
        "weeks/2026-W53/index.html",
        "weeks/2027-W02/index.html",
        "months/2026-12/index.html",
        "orgs/index.html",
        f"orgs/{B.HOSTILE_SLUG}/index.html",
        "orgs/many-papers/page/1/index.html",
        "archive/index.html",
    ]
    result = _vnu(*(str(site / page) for page in pages))
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_organizations_section_can_be_turned_off(tmp_path: Path) -> None:
    config = B.make_browse_site(tmp_path, extra="[orgs]\nenabled = false\n")
    build(load_config(config, environ={}))
    output = tmp_path / "output"
    assert not (output / "orgs").exists() and not (output / "feeds/orgs").exists() and not (output / "feeds/orgs.opml").exists()
    assert "orgs/" not in (output / "sitemap.xml").read_text()
    index = _html(output, "index.html")
    assert index.xpath("//nav[@aria-label='Site']//a[text()='Orgs']") == []
    assert index.xpath("//span[@class='org']") and not index.xpath("//a[@class='org']")
    assert (output / "weeks/2026-W53/index.html").exists()
