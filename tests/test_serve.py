"""`sitegen serve` behaves like the static host: 404.html for missing paths, real media types,
and a one-line error (with what to do) when the port is taken."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_sitegen, write_config
from loopback import running

from sitegen.serve import make_server

NOT_FOUND = "<!doctype html><title>Not found</title><p>This site has no such page.</p>\n"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    (folder / "feeds").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>Home</title>\n", encoding="utf-8")
    (folder / "404.html").write_text(NOT_FOUND, encoding="utf-8")
    (folder / "feeds" / "all.rss.xml").write_text("<rss version='2.0'/>\n", encoding="utf-8")
    (folder / "feeds" / "all.atom.xml").write_text("<feed xmlns='http://www.w3.org/2005/Atom'/>\n", encoding="utf-8")
    (folder / "feeds" / "all.json").write_text("{}\n", encoding="utf-8")
    (folder / "feeds" / "index.opml").write_text("<opml version='2.0'/>\n", encoding="utf-8")
    return folder


@pytest.fixture
def site(output: Path) -> Iterator[str]:
    with running(make_server(output, 0)) as url:  # listening once make_server returns
        yield url


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_a_missing_page_gets_the_sites_404_page(site: str) -> None:
    status, content_type, body = fetch(f"{site}/papers/2601.99999/")
    assert status == 404
    assert content_type == "text/html; charset=utf-8"
    assert body.decode() == NOT_FOUND


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("feeds/all.rss.xml", "application/xml"),
        ("feeds/all.atom.xml", "application/xml"),
        ("feeds/all.json", "application/json"),
        ("feeds/index.opml", "text/x-opml"),
        ("", "text/html; charset=utf-8"),
    ],
)
def test_feeds_and_pages_have_the_hosts_media_types(site: str, path: str, media_type: str) -> None:
    status, content_type, _ = fetch(f"{site}/{path}")
    assert (status, content_type) == (200, media_type)


def test_a_taken_port_is_one_line_that_says_what_to_do(tmp_path: Path, output: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/")
    text = config.read_text(encoding="utf-8").replace("[build]\n", f'[build]\noutput = "{output.as_posix()}"\n', 1)
    config.write_text(text, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_sitegen(config, "serve", "--port", str(port))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port}" in lines[0] and "in use" in lines[0] and f"--port {port + 1}" in lines[0]
    assert "Traceback" not in result.stderr
