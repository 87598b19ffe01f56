"""Sitemap splitting past the protocol's limit, and a clear error for an unreadable about.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import site_archive as A
from conftest import run_sitegen

from sitegen.site import plumbing


def test_sitemap_becomes_an_index_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plumbing, "SITEMAP_LIMIT", 2)
    paths = ["index.html", "archive/index.html", "papers/1/index.html", "papers/2/index.html", "search/index.html"]
    files = dict(plumbing.sitemap("https://o.github.io/r/", paths))
    assert sorted(files) == ["sitemap.xml", "sitemaps/1.xml", "sitemaps/2.xml", "sitemaps/3.xml"]
    assert re.findall(r"<loc>([^<]+)</loc>", files["sitemap.xml"].decode()) == [
        f"https://o.github.io/r/sitemaps/{n}.xml" for n in (1, 2, 3)
    ]
    urls = [u for n in (1, 2, 3) for u in re.findall(r"<loc>([^<]+)</loc>", files[f"sitemaps/{n}.xml"].decode())]
    assert sorted(urls) == sorted(f"https://o.github.io/r/{p[: -len('index.html')]}" for p in paths)
    assert len(dict(plumbing.sitemap("https://o.github.io/r/", paths[:2]))) == 1  # small sites: one file


def test_unreadable_about_page_is_a_clear_error(tmp_path: Path) -> None:
    A.fill_store(tmp_path / "data")
    config = A.write_config(tmp_path, "https://o.github.io/r/")
    (tmp_path / "about.md").write_bytes(b"\xff\xfe not UTF-8")
    result = run_sitegen(config, "build")
    assert result.returncode == 1
    assert f"{tmp_path / 'about.md'}: cannot read the about page" in result.stderr and "Traceback" not in result.stderr
