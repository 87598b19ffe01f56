"""Hostile or mistyped configs, written in a real sitegen.toml and run through the real CLI.

Each is refused before anything is written, with the key path and what to do; every problem of
one config is reported in the same run. Valid values are checked too, so these tests fail if the
checks start refusing what a user may write.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_sitegen

from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

DAY = dt.date(2026, 5, 4)
TOPIC = """
[topics.diffusion]
title = "Diffusion"
any = ["diffusion"]
"""


def make_site(folder: Path, *, site: str = "", build: str = "", topics: str = TOPIC) -> Path:
    """A config whose `[site]` and `[build]` tables get the extra lines given, and a store of two papers."""
    folder.mkdir(parents=True, exist_ok=True)
    Store(folder / "data").add_listing(
        DayListing(
            "huggingface",
            DAY,
            (
                Paper("2605.00001", "Diffusion at scale", "A diffusion model.", ("A B",), (DAY,)),
                Paper("2605.00002", "Agents", "An agent.", ("C D",), (DAY,)),
            ),
        )
    )
    config = folder / "sitegen.toml"
    config.write_text(
        f"""
[site]
title = "Feeds"
{site}

[build]
templates = "{(REPO_ROOT / 'templates').as_posix()}"
static = "{(REPO_ROOT / 'static').as_posix()}"
{build}
{topics}
""",
        encoding="utf-8",
    )
    return config


def refused(config: Path) -> str:
    """Run `sitegen build`: it must fail cleanly, write nothing, and return its message."""
    result = run_sitegen(config, "build")
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not (config.parent / "output").exists(), "a refused config must not write anything"
    return result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A newline would inject lines into robots.txt (and the sitemap and every feed).
        ('"https://owner.github.io/repo/\\nDisallow: /"', "line breaks"),
        ('"https://owner.github.io/my repo/"', "without spaces"),
        ('"javascript:alert(1)//"', 'must be an http(s) URL such as "https://owner.github.io/repo/"'),
        ('"ftp://example.org/"', 'must be an http(s) URL such as "https://owner.github.io/repo/"'),
        ('"https:///no-host"', "needs a host name"),
        ('"https://owner.github.io/repo/?x=1"', 'without "?" or "#"'),
    ],
)
def test_hostile_base_url_is_refused_with_its_key(tmp_path: Path, value: str, expected: str) -> None:
    message = refused(make_site(tmp_path, site=f"base_url = {value}"))
    assert "site.base_url: " in message and expected in message


def test_good_base_url_gives_a_three_line_robots_txt(tmp_path: Path) -> None:
    config = make_site(tmp_path, site='base_url = "https://owner.github.io/repo"')
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    robots = (tmp_path / "output" / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines() == ["User-agent: *", "Allow: /", "Sitemap: https://owner.github.io/repo/sitemap.xml"]


BARE_DOMAIN = 'must be a bare domain name such as "papers.example.org"'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"papers.example.org\\nevil"', "contains a line break at position 19; it must be one line of text"),
        ('"papers example.org"', BARE_DOMAIN),
        ('"https://papers.example.org/"', BARE_DOMAIN),
        ('"exa_mple.org"', BARE_DOMAIN),
    ],
)
def test_hostile_cname_is_refused(tmp_path: Path, value: str, expected: str) -> None:
    message = refused(make_site(tmp_path, site=f"cname = {value}"))
    assert f"site.cname: {expected}" in message


def test_good_cname_is_the_cname_file(tmp_path: Path) -> None:
    config = make_site(tmp_path, site='cname = "papers.example.org"')
    assert run_sitegen(config, "build").returncode == 0
    assert (tmp_path / "output" / "CNAME").read_text(encoding="ascii") == "papers.example.org\n"


def test_topic_key_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    # `$` matches before a final newline: the old slug check let "evil\n" through.
    message = refused(make_site(tmp_path, topics='[topics."evil\\n"]\ntitle = "Evil"\nany = ["x"]\n'))
    assert "topics.\"evil\\n\": a topic's key is its URL slug: use lower-case letters, digits and hyphens" in message


def test_control_characters_and_line_breaks_in_titles_are_refused(tmp_path: Path) -> None:
    topics = '[topics.diffusion]\ntitle = "Diffusion\\nmodels"\nany = ["diffusion"]\n'
    message = refused(make_site(tmp_path, site='description = "bell \\u0007 here"', topics=topics))
    assert "site.description: contains the control character U+0007 at position 6: remove it" in message
    assert "topics.diffusion.title: contains a line break at position 10; it must be one line of text: remove it" in message


def test_too_many_topics_is_one_clear_error(tmp_path: Path) -> None:
    # 10,000 topics once wrote 77 GB before the disk filled; the cap stops it before any work.
    topics = "".join(f'[topics.t{n}]\ntitle = "T{n}"\nany = ["word{n}"]\n' for n in range(201))
    message = refused(make_site(tmp_path, topics=topics))
    assert "topics: 201 topics are configured; at most 200 are allowed" in message and "remove or merge topics" in message


def test_two_hundred_topics_are_allowed(tmp_path: Path) -> None:
    topics = "".join(f'[topics.t{n}]\ntitle = "T{n}"\nany = ["word{n}"]\n' for n in range(200))
    result = run_sitegen(make_site(tmp_path, topics=topics), "build")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "feeds" / "t199.rss.xml").is_file()


def test_page_size_has_a_ceiling(tmp_path: Path) -> None:
    message = refused(make_site(tmp_path, build="page_size = 1000000"))
    assert "build.page_size: must be at most 500, got 1000000" in message


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    config = make_site(
        tmp_path,
        site='base_url = "https://o.github.io/r/\\n"\ncname = "a b"',
        build="page_size = 501",
        topics='[topics."evil\\n"]\ntitle = "E"\nany = ["re:(a{1000}){1000}"]\n',
    )
    message = refused(config)
    for key in ("site.base_url:", "site.cname:", "build.page_size:", 'topics."evil\\n":', 'topics."evil\\n".any[0]:'):
        assert f"\n  {key} " in message, key
    assert "5 config problems" in message
