"""Sitemap splitting past the protocol's limit, and a clear error for an unreadable about.md."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import site_archive as A
from conftest import run_sitegen

from sitegen.site import plumbing
from sitegen.site.pages import url_path


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


def test_sitemap_urls_are_each_pages_url_escaped() -> None:
    """Every page once, sorted, as its public URL (a folder's index.html is the folder), escaped."""
    base = "https://o.github.io/r&d/"
    paths = ["papers/2601.00001/index.html", "404.html", "a/myindex.html", "b/index.htmlx", "index.html", "x<y>/index.html"]
    content = dict(plumbing.sitemap(base, paths))["sitemap.xml"].decode()
    expected = [base + url_path(path) for path in sorted(paths)]
    assert re.findall(r"<loc>([^<]+)</loc>", content) == [escape(url) for url in expected]
    assert "<loc>https://o.github.io/r&amp;d/x&lt;y&gt;/</loc>" in content


def test_unreadable_about_page_is_a_clear_error(tmp_path: Path) -> None:
    A.fill_store(tmp_path / "data")
    config = A.write_config(tmp_path, "https://o.github.io/r/")
    (tmp_path / "about.md").write_bytes(b"\xff\xfe not UTF-8")
    result = run_sitegen(config, "build")
    assert result.returncode == 1
    assert f"{tmp_path / 'about.md'}: cannot read the about page" in result.stderr and "Traceback" not in result.stderr
