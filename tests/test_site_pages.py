"""What a visitor sees on each page of the built fixture archive (see site_archive.py)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import site_archive as A
from site_fixtures import ROOT_BASE, SUBPATH_BASE, root_site, subpath_site  # noqa: F401

from sitegen.store.store import Store


def _doc(output: Path, relative: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((output / relative).read_bytes())


def _texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


@pytest.fixture(scope="module")
def papers(subpath_site: Path) -> dict:  # noqa: F811
    return Store(subpath_site.parent / "data").papers()


def test_every_contract_page_exists(subpath_site: Path, papers: dict) -> None:  # noqa: F811
    out = subpath_site
    for relative in ("index.html", "archive/index.html", "topics/index.html", "search/index.html", "status/index.html",
                     "404.html", "sitemap.xml", "robots.txt", ".nojekyll", "static/favicon.svg", "about/index.html",
                     "status.json", "feeds/all.rss.xml"):
        assert (out / relative).is_file(), relative
    for day in A.DAYS:
        assert (out / f"days/{day.isoformat()}/index.html").is_file()
    for arxiv_id in papers:
        assert (out / f"papers/{arxiv_id}/index.html").is_file()


def test_index_shows_the_latest_day_by_upvotes_topics_and_feeds(subpath_site: Path, papers: dict) -> None:  # noqa: F811
    doc = _doc(subpath_site, "index.html")
    latest = A.DAYS[-1]
    expected = sorted((p for p in papers.values() if latest in p.listing_days), key=lambda p: (-(p.upvotes or 0), p.arxiv_id))
    links = doc.xpath("//article[@class='card']//h2/a/@href")
    assert links == [f"papers/{p.arxiv_id}/" for p in expected]
    assert "Friday, 29 May 2026" in doc.text_content()
    topics = _texts(doc, "//ul[@class='topic-index']/li")
    assert topics[0].startswith("Diffusion ") and "RSS · Atom · JSON" in topics[0]
    for feed in ("all.rss.xml", "all.atom.xml", "all.json", "index.opml"):
        assert doc.xpath(f"//section[@class='subscribe']//a[@href='{SUBPATH_BASE}feeds/{feed}']")
    assert doc.xpath("//link[@rel='alternate']/@href") == [
        f"{SUBPATH_BASE}feeds/all.{kind}" for kind in ("rss.xml", "atom.xml", "json")
    ]


def test_day_page_has_neighbours_and_topic_filters(subpath_site: Path, papers: dict) -> None:  # noqa: F811
    day = A.DAYS[5]
    doc = _doc(subpath_site, f"days/{day.isoformat()}/index.html")
    assert doc.xpath("//a[@rel='prev']/@href") == [f"../../days/{A.DAYS[4].isoformat()}/"]
    assert doc.xpath("//a[@rel='next']/@href") == [f"../../days/{A.DAYS[6].isoformat()}/"]
    cards = doc.xpath("//article[@class='card']")
    assert len(cards) == len([p for p in papers.values() if day in p.listing_days])
    buttons = {b.get("data-topic"): int(b.xpath("string(span)")) for b in doc.xpath("//div[@class='filters']/button")}
    assert buttons[""] == len(cards)
    for slug, count in buttons.items():
        if slug:
            # The filters read a card's topics from its tag links (site.js).
            tagged = [[href.split("/")[-2] for href in c.xpath(".//ul[@class='tags']//a/@href")] for c in cards]
            assert count == sum(slug in slugs for slugs in tagged) > 0
    first = _doc(subpath_site, f"days/{A.DAYS[0].isoformat()}/index.html")
    assert not first.xpath("//a[@rel='prev']") and first.xpath("//a[@rel='next']")


def test_archive_is_a_calendar_of_every_day_with_counts(subpath_site: Path, papers: dict) -> None:  # noqa: F811
    doc = _doc(subpath_site, "archive/index.html")
    months = doc.xpath("//section[@class='month']")
    assert [m.get("id") for m in months] == ["2026-05"]
    cells = {a.get("href"): a.xpath("string(span[@class='n'])") for a in doc.xpath("//td[@class='listed']/a")}
    for day in A.DAYS:
        count = sum(day in p.listing_days for p in papers.values())
        assert cells[f"../days/{day.isoformat()}/"] == f"{count} papers"
    assert len(cells) == len(A.DAYS)
    assert _texts(doc, "//table[@class='calendar']/thead//th") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_topic_pages_are_paginated_newest_first_in_stable_chunks(subpath_site: Path, papers: dict) -> None:  # noqa: F811
    members = [p for p in papers.values() if "diffusion" in p.title.lower() + p.abstract.lower()]
    expected = [p.arxiv_id for p in sorted(members, key=lambda p: (p.first_day, p.arxiv_id), reverse=True)]
    chunks = len(expected) // A.PAGE_SIZE  # full chunks, counted from the oldest paper
    assert chunks >= 2 and len(expected) % A.PAGE_SIZE, "the fixture needs a partial newest chunk"

    def shown(ids: list[str]) -> list[str]:
        """A page's papers as shown: newest day first, then most upvoted, as on a day page."""
        return sorted(ids, key=lambda i: (-papers[i].first_day.toordinal(), -(papers[i].upvotes or 0), i))

    def ids_on(path: str) -> list[str]:
        doc = _doc(subpath_site, path)
        # One row per paper (its title, then a line with its upvotes and organization), under a
        # heading per listing day (a topic page spans days), linked to that day; each day once.
        rows = doc.xpath("//ol[@class='rows plain']/li")
        headings = doc.xpath("//h2[@class='day-head']")
        assert sum(len(h.xpath("following-sibling::ol[1]/li")) for h in headings) == len(rows)
        for heading in headings:
            (day_link,) = heading.xpath("./a")
            for row in heading.xpath("following-sibling::ol[1]/li"):
                paper = papers[row.xpath("./a[1]/@href")[0].split("/")[-2]]
                assert day_link.get("href").endswith(f"days/{paper.first_day.isoformat()}/")
                assert day_link.text_content() == paper.first_day.strftime("%a %d %b %Y")
                assert not row.xpath(".//a[contains(@href, '/days/')]")
                assert row.xpath("string(./span/span[@class='votes'])") == f"{paper.upvotes} upvotes"
        days = [h.xpath("string(./a/@href)") for h in headings]
        assert len(days) == len(set(days))
        return [row.xpath("./a[1]/@href")[0].split("/")[-2] for row in rows]

    # The first page: the newest papers; "older" leads to the newest full chunk.
    first = _doc(subpath_site, "topics/diffusion/index.html")
    assert ids_on("topics/diffusion/index.html") == shown(expected[: A.PAGE_SIZE])
    assert f"{len(expected)} papers, newest day first, most upvoted first within a day" in " ".join(first.text_content().split())
    assert first.xpath("//a[@rel='next']/@href") == [f"../../topics/diffusion/page/{chunks}/"]
    # Numbered links to every chunk (a window of them on long topics) on the first page only.
    assert [a.text for a in first.xpath("//nav[@class='page-numbers']//a")] == [str(n) for n in range(1, chunks + 1)]
    # Chunk N always holds papers N*size-size+1 .. N*size counted from the oldest, newest first.
    oldest_first = expected[::-1]
    seen: list[str] = []
    for number in range(chunks, 0, -1):
        path = f"topics/diffusion/page/{number}/index.html"
        assert ids_on(path) == shown(oldest_first[(number - 1) * A.PAGE_SIZE : number * A.PAGE_SIZE])
        doc = _doc(subpath_site, path)
        newer = "../../../../topics/diffusion/" + ("" if number == chunks else f"page/{number + 1}/")
        assert doc.xpath("//a[@rel='prev']/@href") == [newer]
        assert doc.xpath("//a[@rel='next']/@href") == ([f"../../../../topics/diffusion/page/{number - 1}/"] if number > 1 else [])
        assert not doc.xpath("//nav[@class='page-numbers']")  # it would change whenever a chunk is added
        seen += ids_on(path)
    # Every paper of the topic is on the first page or on a chunk page.
    assert set(seen) | set(expected[: A.PAGE_SIZE]) == set(expected)
    assert not (subpath_site / f"topics/diffusion/page/{chunks + 1}").exists()
    assert first.xpath("//div[@class='description']//em[text()='models']")
    assert first.xpath(f"//link[@rel='alternate'][@href='{SUBPATH_BASE}feeds/diffusion.rss.xml']")


def test_page_window_links_first_last_and_neighbours() -> None:
    from sitegen.site.pages import page_window

    assert page_window(6, 53) == [1, None, 4, 5, 6, 7, 8, None, 53]
    assert page_window(1, 3) == [1, 2, 3]
    assert page_window(53, 53) == [1, None, 51, 52, 53]
    assert page_window(4, 7) == [1, 2, 3, 4, 5, 6, 7]


def test_paper_page_has_every_field(subpath_site: Path) -> None:  # noqa: F811
    doc = _doc(subpath_site, "papers/2605.00006/index.html")
    text = " ".join(doc.text_content().split())
    assert doc.xpath("string(//h1)") == "Reasoning study 6: scaling chain-of-thought reasoning in language models"
    assert "Acme Research Lab (acme)" in text
    links = dict(zip(_texts(doc, "//ul[@class='links']//a"), doc.xpath("//ul[@class='links']//a/@href"), strict=True))
    assert links == {
        "arXiv": "https://arxiv.org/abs/2605.00006",
        "PDF": "https://arxiv.org/pdf/2605.00006",
        "HTML": "https://arxiv.org/html/2605.00006",
        "Hugging Face": "https://huggingface.co/papers/2605.00006",
        "Code ★ 106 stars": "https://github.com/acme/project6",
        "Project page": "https://acme.example/p6",
    }
    facts = dict(zip(_texts(doc, "//dl[@class='facts']//dt"), _texts(doc, "//dl[@class='facts']//dd"), strict=True))
    assert facts == {
        "Published": "17 May 2026",
        "Listed": "19 May 2026",
        "Upvotes": "19",  # the label says what it is: no icon and hidden word repeated on every page
        "Comments": "2 on Hugging Face",
    }
    assert _texts(doc, "//section[@class='abstract']/p") == [
        "We study chain-of-thought reasoning in language models. Our method improves results on benchmark 6.",
        "A second paragraph about chain-of-thought reasoning in language models.",
    ]
    assert "A short machine summary of paper 6." in text and _texts(doc, "//ul[@class='keywords']/li") == ["diffusion", "scaling"]
    topics = _texts(doc, "//section[@class='paper-topics']//li")
    assert len(topics) == 1 and topics[0].startswith("Reasoning: matched 'reasoning' in the title")  # the why, from the tagger
    # The BibTeX entry is made in the browser (tests/test_cite_browser.py); without JavaScript the
    # Cite box links to arXiv's own entry for the paper.
    assert not doc.xpath("//pre[@id='bibtex']")
    assert doc.xpath("//details[@class='cite']/summary/text()") == ["Cite (BibTeX)"]
    assert doc.xpath("//details[@class='cite']//a/@href") == ["https://arxiv.org/bibtex/2605.00006"]
    # Highwire tags, the fields Zotero's Embedded Metadata translator reads to save a preprint
    # (and site.js reads to make the BibTeX entry): the title, the authors, the date, the PDF, the id.
    # The authors are one tag, "; " between them: Zotero splits each citation_author on semicolons.
    citation = [(m.get("name"), m.get("content")) for m in doc.xpath("//meta[starts-with(@name, 'citation_')]")]
    assert citation == [
        ("citation_title", "Reasoning study 6: scaling chain-of-thought reasoning in language models"),
        ("citation_author", "Ada Lovelace 6; Alan Turing; 张伟; Zoë Ångström"),
        ("citation_date", "2026/05/17"),
        ("citation_arxiv_id", "2605.00006"),
        ("citation_pdf_url", "https://arxiv.org/pdf/2605.00006"),
    ]
    # A minimal head: no Open Graph copies of the title and address (previews read <title>, the
    # description and the canonical link).
    assert not doc.xpath("//meta[@property]")
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"{SUBPATH_BASE}papers/2605.00006/"]


def test_long_author_lists_fold_and_names_keep_their_script(subpath_site: Path) -> None:  # noqa: F811
    doc = _doc(subpath_site, f"papers/{A.LONG_AUTHORS_PAPER}/index.html")
    shown = doc.xpath("string(//div[@class='authors']/p)").split(", ")
    folded = doc.xpath("string(//div[@class='authors']/details/p)").split(", ")
    assert shown + folded == [f"Author Number{i}" for i in range(1, 41)]
    assert doc.xpath("string(//details/summary)") == f"and {40 - len(shown)} more authors"
    other = _doc(subpath_site, "papers/2605.00001/index.html")
    assert other.xpath("string(//div[@class='authors']/p)") == "Ada Lovelace 1, Alan Turing, 张伟, Zoë Ångström"
    assert not other.xpath("//div[@class='authors']/details")


def test_tex_is_readable_and_markup_is_text(subpath_site: Path) -> None:  # noqa: F811
    tex = _doc(subpath_site, f"papers/{A.TEX_PAPER}/index.html")
    assert tex.xpath("string(//h1)") == "α-Divergence Diffusion in O(n²) Time"
    raw = (subpath_site / f"papers/{A.MARKUP_PAPER}/index.html").read_text()
    assert "<script>alert(1)</script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    markup = _doc(subpath_site, f"papers/{A.MARKUP_PAPER}/index.html")
    assert markup.xpath("string(//h1)") == "<script>alert(1)</script> Agents & <b>bold</b> claims"
    assert not markup.xpath("//h1/b")
    unsafe = _doc(subpath_site, "papers/2605.00005/index.html")
    assert "Project page" not in _texts(unsafe, "//ul[@class='links']//a")
    assert not [h for h in unsafe.xpath("//@href") if h.lower().startswith("javascript")]


def test_relisted_paper_shows_every_listing_day(subpath_site: Path) -> None:  # noqa: F811
    doc = _doc(subpath_site, f"papers/{A.RELISTED_PAPER}/index.html")
    listed = doc.xpath("//dt[text()='Listed']/following-sibling::dd[1]/a/@href")
    assert listed == [f"../../days/{A.DAYS[0].isoformat()}/", f"../../days/{A.DAYS[-1].isoformat()}/"]


def test_sitemap_robots_and_404(subpath_site: Path, root_site: Path, papers: dict) -> None:  # noqa: F811
    for output, base in ((subpath_site, SUBPATH_BASE), (root_site, ROOT_BASE)):
        sitemap = (output / "sitemap.xml").read_text()
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        pages = sorted(
            p.relative_to(output).as_posix() for p in output.rglob("index.html") if "search/index/" not in p.as_posix()
        )
        assert sorted(locs) == sorted(base + p[: -len("index.html")] for p in pages)
        assert f"{base}papers/2605.00001/" in locs and base + "404.html" not in locs
        assert (output / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n"
        not_found = _doc(output, "404.html")
        assert not_found.xpath("//link[@rel='stylesheet']/@href") == [f"{base}static/style.css"]
        assert all(
            h.startswith(base) or h.startswith("#") for h in not_found.xpath("//a/@href") if not h.startswith("https://arxiv")
        )


def test_about_page_from_about_md(subpath_site: Path, root_site: Path) -> None:  # noqa: F811
    doc = _doc(subpath_site, "about/index.html")
    assert doc.xpath("string(//main//h1)") == "About these feeds"
    assert doc.xpath("//main//em[text()='papers']") and not doc.xpath("//main//b")
    assert "<b>Raw HTML</b>" in doc.text_content()
    assert _doc(subpath_site, "index.html").xpath("//nav[@aria-label='Site']//a[@href='about/']")
    assert not (root_site / "about").exists()
    assert not _doc(root_site, "index.html").xpath("//nav[@aria-label='Site']//a[text()='About']")
