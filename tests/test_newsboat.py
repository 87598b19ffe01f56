"""A real feed reader: newsboat reloads the built feeds from 127.0.0.1 and we read its cache.

The site is built by the real CLI (`sitegen run` against the Hugging Face stand-in). newsboat
subscribes to every topic feed and the all-papers feed of one format; every paper must arrive
exactly once with its title and link. Then one more day is fetched and the site rebuilt, and a
second reload must add exactly that day's new paper: nothing already read comes back as new.

newsboat identifies an item by its GUID across all subscribed feeds, so a paper in three feeds
is one item: that is the behaviour subscribers get. Debian's newsboat (2.21) reads RSS and
Atom; JSON Feed arrived in later newsboat versions, so JSON is checked by the `reader` library.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, run_sitegen, write_config
from feed_checks import serve_folder
from hf_server import FIXTURE_WEEK, HFStandIn, serve

from sitegen.config.load import LOCAL_PREVIEW_URL
from sitegen.text.clean import clean_line
from sitegen.text.tex import readable_tex

NEWSBOAT = shutil.which("newsboat")
pytestmark = pytest.mark.skipif(
    NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat; .ci/run installs it)"
)
DAYS = FIXTURE_WEEK
SLUGS = ("all", "diffusion", "agents")


def _items(name: str | None) -> list[dict]:
    return json.loads((FIXTURES / name).read_text()) if name else []


@pytest.fixture
def hf() -> Iterator[HFStandIn]:
    with serve(HFStandIn(days={day: _items(name) for day, name in DAYS.items()})) as stand_in:
        yield stand_in


def _expected(until: str) -> dict[str, str]:
    """guid -> title for every paper listed up to `until` (first listing wins)."""
    papers: dict[str, str] = {}
    for day, name in DAYS.items():
        if day <= until:
            for item in _items(name):
                papers.setdefault(
                    f"https://arxiv.org/abs/{item['paper']['id']}", clean_line(readable_tex(item["paper"]["title"]))
                )
    return papers


def _reload(urls: list[str], cache: Path, home: Path) -> None:
    url_file = home / "urls"
    url_file.write_text("".join(f"{url}\n" for url in urls))
    config = home / "config"
    config.write_text("")  # newsboat's defaults, not the machine user's
    result = subprocess.run(
        [NEWSBOAT, "-u", str(url_file), "-c", str(cache), "-C", str(config), "-x", "reload"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (result.stdout, result.stderr)


def _cache_rows(cache: Path) -> list[tuple[str, str, str, str, int]]:
    with sqlite3.connect(cache) as db:
        return db.execute("SELECT guid, title, url, feedurl, unread FROM rss_item ORDER BY guid").fetchall()


@pytest.mark.parametrize("kind", ["rss.xml", "atom.xml"])
def test_newsboat_gets_every_paper_once_and_only_the_new_day_on_the_next_reload(tmp_path: Path, hf: HFStandIn, kind: str) -> None:
    config = write_config(tmp_path / "site", hf.base_url)
    output = tmp_path / "site" / "output"
    first = run_sitegen(config, "run", "--since", "2026-05-25", "--until", "2026-05-27")
    assert first.returncode == 0, first.stderr
    home = tmp_path / "newsboat"
    home.mkdir()
    cache = home / "cache.db"
    with serve_folder(output) as base:
        urls = [f"{base}feeds/{slug}.{kind}" for slug in SLUGS]
        _reload(urls, cache, home)
        rows = _cache_rows(cache)
        expected = _expected("2026-05-27")
        assert sorted(guid for guid, *_ in rows) == sorted(expected)  # every paper, each once
        assert {feed for *_, feed, _ in rows} <= set(urls)
        for guid, title, url, _, unread in rows:
            assert title == expected[guid]
            assert url == f"{LOCAL_PREVIEW_URL}papers/{guid.rsplit('/', 1)[1]}/"
            assert unread == 1
        # The subscriber reads everything.
        with sqlite3.connect(cache) as db:
            db.execute("UPDATE rss_item SET unread = 0")

        # One more day (2026-05-28 is empty, 2026-05-29 lists one new paper and relists an old one).
        second = run_sitegen(config, "run", "--since", "2026-05-25", "--until", "2026-05-29")
        assert second.returncode == 0, second.stderr
        _reload(urls, cache, home)
        after = _cache_rows(cache)
    new_day = {f"https://arxiv.org/abs/{item['paper']['id']}" for item in _items(DAYS["2026-05-29"])} - set(expected)
    assert new_day == {"https://arxiv.org/abs/2605.00005"}
    assert len(after) == len(rows) + len(new_day)
    assert sorted(guid for guid, *_ in after) == sorted(_expected("2026-05-29"))
    assert {guid for guid, *_, unread in after if unread} == new_day  # the relisted paper stays read
