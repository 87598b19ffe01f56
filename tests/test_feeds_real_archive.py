"""All three feed formats over the whole real Hugging Face archive (../shared/data/hf-daily-papers).

Two passes: the site's default feeds (sitegen.toml's topics, newest 50 each) through every
structural check and both parsers, and one "everything" feed holding every real paper at once,
so every real title and abstract goes through the item renderer, the validators and feedparser.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from feed_checks import check_feed, serve_folder
from feed_site import BASE_URL, REPO_ROOT, load_real_archive, make_config, render_feeds, write_outputs
from reader import make_reader

from sitegen.config.load import load_config
from sitegen.site.feeds import MAX_FEED_BYTES
from sitegen.store.models import Paper

ARCHIVE = REPO_ROOT.parent / "shared" / "data" / "hf-daily-papers"
pytestmark = pytest.mark.skipif(not ARCHIVE.is_dir(), reason=f"{ARCHIVE} not present (the real Hugging Face archive)")


@pytest.fixture(scope="module")
def papers() -> dict[str, Paper]:
    return load_real_archive(ARCHIVE)


def test_default_site_feeds_for_the_real_archive(papers: dict[str, Paper], tmp_path: Path) -> None:
    config = load_config(REPO_ROOT / "sitegen.toml", environ={})
    outputs = render_feeds(config, papers)
    slugs = ["all", *(topic.slug for topic in config.topics)]
    assert len(outputs) == 3 * len(slugs) + 1
    expected_titles: dict[str, str] = {}
    for slug in slugs:
        ids_by_format = []
        for ext in ("rss.xml", "atom.xml", "json"):
            path = f"feeds/{slug}.{ext}"
            assert len(outputs[path]) <= MAX_FEED_BYTES, path
            ids_by_format.append(check_feed(path, outputs[path]))
        assert ids_by_format[0] == ids_by_format[1] == ids_by_format[2], slug
        assert len(ids_by_format[0]) == config.feeds.max_items, slug
        for item in json.loads(outputs[f"feeds/{slug}.json"])["items"]:
            expected_titles[item["id"]] = item["title"]
    # Nothing raw: no TeX dollar-math left in a title that Unicode could say.
    assert not [t for t in expected_titles.values() if "$\\" in t or "\\textit{" in t]
    write_outputs(outputs, tmp_path)
    with serve_folder(tmp_path) as base:
        reader = make_reader(str(tmp_path / "reader.sqlite"))
        for slug in slugs:
            for ext in ("rss.xml", "atom.xml", "json"):
                url = f"{base}feeds/{slug}.{ext}"
                if ext != "json":
                    parsed = feedparser.parse(outputs[f"feeds/{slug}.{ext}"])
                    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
                    assert {e.id for e in parsed.entries} == set(check_feed(url, outputs[f"feeds/{slug}.{ext}"]))
                reader.add_feed(url)
                reader.update_feed(url)
                entries = list(reader.get_entries(feed=url))
                assert len(entries) == config.feeds.max_items, url
                for entry in entries:
                    assert entry.title == expected_titles[entry.id], url
                    assert entry.link and entry.link.startswith(config.site.absolute_url)
        reader.close()


def test_every_real_paper_in_one_feed_of_each_format(papers: dict[str, Paper]) -> None:
    config = make_config(topics={}, max_items=len(papers))
    outputs = render_feeds(config, papers, max_bytes=10**9)
    expected = len(papers)
    assert expected > 8000
    for ext in ("rss.xml", "atom.xml", "json"):
        path = f"feeds/all.{ext}"
        ids = check_feed(path, outputs[path])
        assert len(ids) == expected and len(set(ids)) == expected, path
        assert set(ids) == {f"https://arxiv.org/abs/{arxiv_id}" for arxiv_id in papers}
    # Every real title reads back from the Atom feed exactly as the JSON Feed states it.
    titles = {item["id"]: item["title"] for item in json.loads(outputs["feeds/all.json"])["items"]}
    parsed = feedparser.parse(outputs["feeds/all.atom.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == expected
    for entry in parsed.entries:
        assert entry.title == titles[entry.id]
        assert entry.link == f"{BASE_URL}papers/{entry.id.rsplit('/', 1)[1]}/"
