"""The feed suite as subscribers see it: valid RSS, Atom and JSON Feed that real parsers read back,
every paper once, stable items, honest dates, bounded size, complete channel metadata."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import re
from pathlib import Path

import feedparser
import lxml.html
import pytest
from feed_checks import ATOM, check_feed, serve_folder
from feed_site import BASE_URL, TOPICS, json_items, make_config, paper, render_feeds, write_outputs
from lxml import etree
from reader import make_reader

from sitegen.build import build
from sitegen.site.feeds import MAX_FEED_BYTES
from sitegen.store.models import DayListing
from sitegen.store.store import Store

FORMATS = ("rss.xml", "atom.xml", "json")
PAPERS = [
    paper("2405.00001", "2026-05-25", "Fast diffusion samplers", "We make diffusion fast.\n\nSecond paragraph.", upvotes=10),
    paper("2405.00002", "2026-05-25", "A survey of diffusion", "A survey, so not in the diffusion topic."),
    paper(
        "2503.00003", "2026-05-26", "Web agents that browse", "An agent for the web.", github_repo="https://github.com/o/agents"
    ),
    paper(
        "2510.00004",
        ("2026-05-27", "2026-05-29"),
        r"Diffusion agents with $\alpha$-divergence",
        "Agent meets diffusion.",
        ai_summary="It plans with diffusion.",
    ),
    paper("2605.00005", "2026-05-29", "Agents at scale", "Many agents.", authors=(), project_page="javascript:alert(1)"),
    paper("2605.00006", "2026-05-29", "Unrelated title", "Nothing here matches."),
]
PAPERS_BY_ID = {p.arxiv_id: p for p in PAPERS}
# Newest first (listing day, then id, descending), per feed.
EXPECTED = {
    "all": ["2605.00006", "2605.00005", "2510.00004", "2503.00003", "2405.00002", "2405.00001"],
    "diffusion": ["2510.00004", "2405.00001"],
    "agents": ["2605.00005", "2510.00004", "2503.00003"],
}


def _abs(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    return render_feeds(make_config(), PAPERS)


def test_every_feed_is_structurally_valid_with_every_item_in_order(outputs: dict[str, bytes]) -> None:
    assert sorted(outputs) == sorted([f"feeds/{slug}.{ext}" for slug in EXPECTED for ext in FORMATS] + ["feeds/index.opml"])
    for slug, ids in EXPECTED.items():
        for ext in FORMATS:
            path = f"feeds/{slug}.{ext}"
            assert check_feed(path, outputs[path]) == [_abs(i) for i in ids], path


def test_feedparser_reads_every_item_back(outputs: dict[str, bytes]) -> None:
    titles = {p.arxiv_id: p.title for p in PAPERS} | {"2510.00004": "Diffusion agents with α-divergence"}
    for slug, ids in EXPECTED.items():
        for ext in ("rss.xml", "atom.xml"):
            feed = feedparser.parse(outputs[f"feeds/{slug}.{ext}"])
            assert not feed.bozo, (slug, ext, feed.get("bozo_exception"))
            assert [e.id for e in feed.entries] == [_abs(i) for i in ids]
            for entry, arxiv_id in zip(feed.entries, ids, strict=True):
                assert entry.title == titles[arxiv_id]
                assert entry.link == f"{BASE_URL}papers/{arxiv_id}/"
                assert entry.published_parsed[:3] == PAPERS_BY_ID[arxiv_id].first_day.timetuple()[:3]


def test_reader_library_reads_all_three_formats(outputs: dict[str, bytes], tmp_path: Path) -> None:
    write_outputs(outputs, tmp_path)
    with serve_folder(tmp_path) as base:
        reader = make_reader(str(tmp_path / "reader.sqlite"))
        for slug, ids in EXPECTED.items():
            for ext in FORMATS:
                url = f"{base}feeds/{slug}.{ext}"
                reader.add_feed(url)
                reader.update_feed(url)  # raises on a feed it cannot parse
                entries = {e.id: e for e in reader.get_entries(feed=url)}
                assert sorted(entries) == sorted(_abs(i) for i in ids), url
                for arxiv_id in ids:
                    entry = entries[_abs(arxiv_id)]
                    assert entry.link == f"{BASE_URL}papers/{arxiv_id}/"
                    # The first listing day, plus the id's sequence number in seconds (distinct per day).
                    sequence = int(arxiv_id.rsplit(".", 1)[1])
                    midnight = dt.datetime.combine(PAPERS_BY_ID[arxiv_id].first_day, dt.time(), dt.UTC)
                    assert entry.published == midnight + dt.timedelta(seconds=sequence)
                    body = "".join(c.value for c in entry.content) or entry.summary or ""
                    assert PAPERS_BY_ID[arxiv_id].abstract.split("\n\n")[0] in body
                feed = reader.get_feed(url)
                assert feed.title == (
                    "Test feeds"
                    if slug == "all"
                    else f"Test feeds: {dict(all='', diffusion='Diffusion models', agents='Agents')[slug]}"
                )
        reader.close()


def test_all_feed_has_each_paper_once_with_all_its_topics(outputs: dict[str, bytes]) -> None:
    root = etree.fromstring(outputs["feeds/all.atom.xml"])
    entries = {e.findtext(f"{ATOM}id"): e for e in root.findall(f"{ATOM}entry")}
    assert len(entries) == len(root.findall(f"{ATOM}entry")) == len(PAPERS)
    both = entries[_abs("2510.00004")]
    assert [(c.get("term"), c.get("label")) for c in both.findall(f"{ATOM}category")] == [
        ("diffusion", "Diffusion models"),
        ("agents", "Agents"),
    ]
    assert [c.get("scheme") for c in both.findall(f"{ATOM}category")] == [
        f"{BASE_URL}topics/diffusion/",
        f"{BASE_URL}topics/agents/",
    ]
    content = both.findtext(f"{ATOM}content")
    assert "Why it matched: Diffusion models: matched &#39;diffusion&#39; in the title" in content
    assert "Agents: matched &#39;agent&#39; in the title" in content
    # In a topic feed the same item says why it is in *that* feed, and keeps all its categories.
    topic_item = json_items(outputs["feeds/agents.json"])[_abs("2510.00004")]
    assert topic_item["tags"] == ["Diffusion models", "Agents"]
    assert (
        "Why it matched: Agents:" in topic_item["content_html"] and "Diffusion models: matched" not in topic_item["content_html"]
    )
    rss = etree.fromstring(outputs["feeds/all.rss.xml"])
    assert [c.text for c in rss.find("channel/item").findall("category")] == []  # 2605.00006 has no topic
    assert len(rss.findall("channel/item")) == len(PAPERS)


def test_item_content_is_complete_and_readable(outputs: dict[str, bytes]) -> None:
    items = json_items(outputs["feeds/all.json"])
    item = items[_abs("2510.00004")]
    assert item["title"] == "Diffusion agents with α-divergence"
    assert item["url"] == f"{BASE_URL}papers/2510.00004/"
    assert item["external_url"] == "https://arxiv.org/abs/2510.00004"
    assert item["date_published"] == "2026-05-27T00:00:04Z"  # the first listing day (+ 4 s for .00004), not the relisting
    assert item["authors"] == [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]
    html = item["content_html"]
    for expected in (
        "<p><strong>Authors:</strong> Ada Lovelace, Alan Turing</p>",
        "<p>Agent meets diffusion.</p>",
        "<p><strong>AI summary (Hugging Face):</strong> It plans with diffusion.</p>",
        '<a href="https://arxiv.org/abs/2510.00004">arXiv</a>',
        '<a href="https://arxiv.org/pdf/2510.00004">PDF</a>',
        '<a href="https://huggingface.co/papers/2510.00004">Hugging Face</a>',
    ):
        assert expected in html
    assert "<p>We make diffusion fast.</p>\n<p>Second paragraph.</p>" in items[_abs("2405.00001")]["content_html"]
    assert '<a href="https://github.com/o/agents">Code</a>' in items[_abs("2503.00003")]["content_html"]
    # A javascript: project page is never linked; a paper without authors has no authors field.
    hidden = items[_abs("2605.00005")]
    assert "javascript" not in hidden["content_html"] and "Project page" not in hidden["content_html"]
    assert "authors" not in hidden
    # Many authors: every name, never "et al." in a feed.
    many = [f"Author {n}" for n in range(40)]
    big = render_feeds(make_config(), [paper("2401.00001", "2026-01-01", authors=tuple(many))])
    atom = etree.fromstring(big["feeds/all.atom.xml"])
    assert [a.findtext(f"{ATOM}name") for a in atom.find(f"{ATOM}entry").findall(f"{ATOM}author")] == many
    assert "et al" not in big["feeds/all.rss.xml"].decode()


def _items_by_id(path: str, content: bytes) -> dict[str, bytes]:
    """Each item's own bytes, keyed by id, to compare items between builds."""
    if path.endswith(".json"):
        return {i: json.dumps(item, ensure_ascii=False).encode() for i, item in json_items(content).items()}
    root = etree.fromstring(content)
    if path.endswith(".rss.xml"):
        return {item.findtext("guid"): etree.tostring(item) for item in root.iter("item")}
    return {entry.findtext(f"{ATOM}id"): etree.tostring(entry) for entry in root.iter(f"{ATOM}entry")}


def test_items_keep_their_bytes_when_counts_change_or_a_revision_or_new_day_arrives(outputs: dict[str, bytes]) -> None:
    changed = [dataclasses.replace(p, upvotes=(p.upvotes or 0) + 500, github_stars=99, num_comments=7, version=3) for p in PAPERS]
    # A relisting on a later day and a brand-new paper on a new day.
    changed[0] = dataclasses.replace(changed[0], listing_days=changed[0].listing_days + (dt.date(2026, 6, 1),))
    changed.append(paper("2606.00007", "2026-06-01", "New diffusion agents", "Fresh."))
    after = render_feeds(make_config(), changed)
    for slug in EXPECTED:
        for ext in FORMATS:
            path = f"feeds/{slug}.{ext}"
            old, new = _items_by_id(path, outputs[path]), _items_by_id(path, after[path])
            for item_id, content in old.items():
                assert new[item_id] == content, (path, item_id)
    assert list(_items_by_id("feeds/all.json", after["feeds/all.json"]))[0] == _abs("2606.00007")
    # The paper's own text changing is the one thing that changes its item.
    retitled = render_feeds(make_config(), [dataclasses.replace(PAPERS[0], title="Faster diffusion samplers"), *PAPERS[1:]])
    old, new = (
        _items_by_id("feeds/all.rss.xml", outputs["feeds/all.rss.xml"]),
        _items_by_id("feeds/all.rss.xml", retitled["feeds/all.rss.xml"]),
    )
    assert [i for i in old if old[i] != new[i]] == [_abs("2405.00001")]


def test_channel_dates_are_the_newest_items_and_rebuilds_are_byte_identical(outputs: dict[str, bytes]) -> None:
    assert render_feeds(make_config(), list(reversed(PAPERS))) == outputs
    rss = etree.fromstring(outputs["feeds/diffusion.rss.xml"]).find("channel")
    newest = "Wed, 27 May 2026 00:00:04 +0000"  # 2510.00004, the newest diffusion paper (its day + 4 s)
    assert rss.findtext("lastBuildDate") == rss.findtext("pubDate") == newest
    atom = etree.fromstring(outputs["feeds/agents.atom.xml"])
    assert atom.findtext(f"{ATOM}updated") == "2026-05-29T00:00:05+00:00"
    # A topic nothing matches: an empty, valid feed whose date never moves.
    empty_topics = {"quantum": {"title": "Quantum", "description": "", "any": ["qubit"]}}
    first = render_feeds(make_config(topics=empty_topics), PAPERS)
    later = render_feeds(make_config(topics=empty_topics), [*PAPERS, paper("2607.00001", "2026-07-01")])
    for ext in FORMATS:
        path = f"feeds/quantum.{ext}"
        assert check_feed(path, first[path]) == []
        assert first[path] == later[path]


def test_atom_entries_have_distinct_updated_dates_within_their_listing_day(outputs: dict[str, bytes]) -> None:
    """The W3C validator's DuplicateUpdated: a day's entries must not share one `updated`."""
    for slug in EXPECTED:
        entries = etree.fromstring(outputs[f"feeds/{slug}.atom.xml"]).findall(f"{ATOM}entry")
        updated = {entry.findtext(f"{ATOM}id"): entry.findtext(f"{ATOM}updated") for entry in entries}
        assert len(set(updated.values())) == len(updated), slug
        for item_id, stamp in updated.items():
            listing_day = PAPERS_BY_ID[item_id.rsplit("/", 1)[-1]].listing_days[0]
            assert dt.datetime.fromisoformat(stamp).date() == listing_day, (slug, item_id, stamp)


def test_max_items_default_and_per_topic(outputs: dict[str, bytes]) -> None:
    topics = {slug: dict(topic) for slug, topic in TOPICS.items()}
    topics["agents"]["max_items"] = 1
    limited = render_feeds(make_config(topics=topics, max_items=2), PAPERS)
    for ext in FORMATS:
        assert check_feed(f"feeds/all.{ext}", limited[f"feeds/all.{ext}"]) == [_abs(i) for i in EXPECTED["all"][:2]]
        assert check_feed(f"feeds/diffusion.{ext}", limited[f"feeds/diffusion.{ext}"]) == [
            _abs(i) for i in EXPECTED["diffusion"][:2]
        ]
        assert check_feed(f"feeds/agents.{ext}", limited[f"feeds/agents.{ext}"]) == [_abs(EXPECTED["agents"][0])]


def test_no_feed_file_exceeds_one_megabyte_oldest_items_dropped() -> None:
    # 400 papers with abstracts just under the per-item cap: about 1.6 MB per feed before the cap.
    long_abstract = ("Diffusion agents " * 230).strip()
    count = 400
    papers = [
        paper(f"2401.{n:05d}", (dt.date(2026, 1, 1) + dt.timedelta(days=n)).isoformat(), f"Paper {n}", long_abstract)
        for n in range(count)
    ]
    feeds = render_feeds(make_config(max_items=count), papers)
    newest_first = [_abs(f"2401.{n:05d}") for n in reversed(range(count))]
    for path, content in feeds.items():
        assert len(content) <= MAX_FEED_BYTES, path
        if path != "feeds/index.opml":
            ids = check_feed(path, content)
            assert 100 <= len(ids) < count and ids == newest_first[: len(ids)], path  # the newest kept, the oldest dropped
    # As many as fit: with one byte more room than the capped file, no further item fits.
    for ext in FORMATS:
        path = f"feeds/all.{ext}"
        kept = len(check_feed(path, feeds[path]))
        roomier = render_feeds(make_config(max_items=count), papers, max_bytes=len(feeds[path]) + 1)
        assert len(check_feed(path, roomier[path])) == kept, path
    small = render_feeds(make_config(topics={}, max_items=count), papers, max_bytes=200_000)
    assert (
        0
        < len(check_feed("feeds/all.json", small["feeds/all.json"]))
        < len(check_feed("feeds/all.json", feeds["feeds/all.json"]))
    )


def test_channel_metadata_in_every_format(outputs: dict[str, bytes]) -> None:
    rss = etree.fromstring(outputs["feeds/diffusion.rss.xml"]).find("channel")
    assert rss.findtext("title") == "Test feeds: Diffusion models"
    assert rss.findtext("description") == "Diffusion everywhere, with links."  # Markdown stripped
    assert rss.findtext("link") == f"{BASE_URL}topics/diffusion/"
    assert rss.find("{http://www.w3.org/2005/Atom}link").get("href") == f"{BASE_URL}feeds/diffusion.rss.xml"
    assert rss.findtext("language") == "en"
    assert rss.findtext("generator").startswith("sitegen")
    assert rss.findtext("image/url") == f"{BASE_URL}static/favicon.png"

    atom = etree.fromstring(outputs["feeds/diffusion.atom.xml"])
    assert atom.findtext(f"{ATOM}title") == "Test feeds: Diffusion models"
    assert atom.findtext(f"{ATOM}subtitle") == "Diffusion everywhere, with links."
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links == {"self": f"{BASE_URL}feeds/diffusion.atom.xml", "alternate": f"{BASE_URL}topics/diffusion/"}
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert atom.findtext(f"{ATOM}icon") == f"{BASE_URL}static/favicon.svg"
    assert atom.find(f"{ATOM}generator").text == "sitegen"
    assert atom.find(f"{ATOM}generator").get("version")

    feed = json.loads(outputs["feeds/diffusion.json"])
    assert (feed["title"], feed["description"], feed["home_page_url"], feed["feed_url"], feed["language"]) == (
        "Test feeds: Diffusion models",
        "Diffusion everywhere, with links.",
        f"{BASE_URL}topics/diffusion/",
        f"{BASE_URL}feeds/diffusion.json",
        "en",
    )
    assert feed["icon"] == feed["favicon"] == f"{BASE_URL}static/favicon.svg"
    assert feed["_generator"]["name"] == "sitegen"
    assert json.loads(outputs["feeds/all.json"])["home_page_url"] == BASE_URL
    assert list(feed) == [
        "version",
        "title",
        "home_page_url",
        "feed_url",
        "description",
        "icon",
        "favicon",
        "authors",
        "language",
        "_generator",
        "items",
    ]


def test_opml_lists_every_feed_with_its_title(outputs: dict[str, bytes]) -> None:
    opml = etree.fromstring(outputs["feeds/index.opml"])
    assert opml.get("version") == "2.0"
    outlines = [(o.get("text"), o.get("xmlUrl"), o.get("htmlUrl"), o.get("type")) for o in opml.iter("outline")]
    assert outlines == [
        ("Test feeds", f"{BASE_URL}feeds/all.rss.xml", BASE_URL, "rss"),
        ("Test feeds: Diffusion models", f"{BASE_URL}feeds/diffusion.rss.xml", f"{BASE_URL}topics/diffusion/", "rss"),
        ("Test feeds: Agents", f"{BASE_URL}feeds/agents.rss.xml", f"{BASE_URL}topics/agents/", "rss"),
    ]


def test_hostile_text_is_harmless_and_round_trips() -> None:
    title = "Bad \x00\x08 title ]]> </script><script>alert(1)</script> \ud800 end"
    abstract = "Line ]]> and </script> and <!-- and & and \x1b[31m and \ufffe."
    hostile = paper(
        "2501.00001", "2026-05-01", title, abstract, authors=("Evil\x0c Name", "</script>"), github_repo="javascript:alert(1)"
    )
    feeds = render_feeds(make_config(), [hostile])
    clean_title = "Bad title ]]> </script><script>alert(1)</script> \ufffd end"
    for ext in FORMATS:
        path = f"feeds/all.{ext}"
        check_feed(path, feeds[path])
    assert feedparser.parse(feeds["feeds/all.atom.xml"]).entries[0].title == clean_title
    assert feedparser.parse(feeds["feeds/all.rss.xml"]).entries[0].title == clean_title
    json_text = feeds["feeds/all.json"].decode()
    assert "</script" not in json_text and "<!--" not in json_text  # "]]>" means nothing in JSON
    assert json.loads(json_text)["items"][0]["title"] == clean_title
    for content in feeds.values():
        assert b"javascript:" not in content and b"\x1b" not in content and b"\x00" not in content
        assert b"<script>" not in content


def test_built_pages_link_their_feeds_and_show_copyable_urls(tmp_path: Path) -> None:
    config = make_config()
    config = dataclasses.replace(config, store=dataclasses.replace(config.store, path=tmp_path / "data"))
    store = Store(config.store.path)
    for day in sorted({p.first_day for p in PAPERS}):
        store.add_listing(DayListing("huggingface", day, tuple(p for p in PAPERS if p.first_day == day)))
    build(config, tmp_path / "site")
    site = tmp_path / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text()
        # Every page names the site-wide feed; listing pages in all three formats, a paper page
        # (one per paper, so its head is kept short) only the RSS one.
        is_paper_page = page.relative_to(site).parts[0] == "papers"
        for ext, media in (
            ("rss.xml", "application/rss+xml"),
            ("atom.xml", "application/atom+xml"),
            ("json", "application/feed+json"),
        )[: 1 if is_paper_page else 3]:
            assert (
                f'<link rel="alternate" type="{media}" title="Test feeds ({_label(ext)})" href="{BASE_URL}feeds/all.{ext}">'
                in html
            ), page
    topic_page = (site / "topics/agents/index.html").read_text()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="Test feeds: Agents \(Atom\)" '
        r'href="[^"]+feeds/agents.atom.xml">',
        topic_page,
    )
    assert topic_page.index("feeds/agents.rss.xml") < topic_page.index("feeds/all.rss.xml")  # the topic's own feed first
    # A paper page names only the site-wide RSS feed (not three links per topic it is in, on
    # every paper page); its topics link to their pages, which name the topic's feeds.
    paper_doc = lxml.html.fromstring((site / "papers/2510.00004/index.html").read_bytes())
    assert paper_doc.xpath("//link[@rel='alternate']/@href") == [f"{BASE_URL}feeds/all.rss.xml"]
    assert {"../../topics/diffusion/", "../../topics/agents/"} <= set(
        paper_doc.xpath("//section[@class='paper-topics']//a/@href")
    )
    # One description, short: not the abstract twice.
    assert not paper_doc.xpath("//meta[@property='og:description']")
    (description,) = paper_doc.xpath("//meta[@name='description']/@content")
    assert description.startswith("Agent meets diffusion") and len(description) <= 165
    # The topics page: every feed address as a link (wrapping only at slashes and dots) with a copy button.
    topics_page = lxml.html.fromstring((site / "topics/index.html").read_bytes())
    for slug in ("all", "diffusion", "agents"):
        for ext in FORMATS:
            (link,) = topics_page.xpath(f"//dl[@class='feed-urls']//a[@href='{BASE_URL}feeds/{slug}.{ext}']")
            assert link.text_content() == f"{BASE_URL}feeds/{slug}.{ext}"
            assert topics_page.xpath(f"//button[@data-copy='{link.get('id')}']")
    assert topics_page.xpath(f"//a[@href='{BASE_URL}feeds/index.opml']")
    assert (site / "static/favicon.svg").is_file() and (site / "static/favicon.png").read_bytes().startswith(b"\x89PNG")
    for ext in FORMATS:
        check_feed(f"feeds/all.{ext}", (site / f"feeds/all.{ext}").read_bytes())
    for date in (rss_date for rss_date in re.findall(r"<pubDate>([^<]+)</pubDate>", (site / "feeds/all.rss.xml").read_text())):
        assert email.utils.parsedate_to_datetime(date).tzinfo is not None


def _label(ext: str) -> str:
    return {"rss.xml": "RSS", "atom.xml": "Atom", "json": "JSON Feed"}[ext]
