"""The speed reference: Hugo building a minimal site with the same number of pages as ours.

Each Hugo page carries a paper's title and abstract (so pages are of a similar size), through a
minimal layout. Taxonomies, RSS and sitemaps are disabled so Hugo writes one page per content
file, which makes "the same number of pages" an honest comparison.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="/style.css"></head><body><header><a href="/">Home</a></header>
<main><h1>{{ .Title }}</h1><p>{{ .Params.authors }}</p>{{ .Content }}</main></body></html>
"""
LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1></main></body></html>
"""
CONFIG = """baseURL = "https://example.org/"
title = "Hugo reference"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""


def hugo_available() -> bool:
    return shutil.which("hugo") is not None


def make_site(root: Path, pages: list[tuple[str, str, str]]) -> None:
    """pages: (title, authors, abstract) triples; one content file each."""
    if root.exists():
        shutil.rmtree(root)
    (root / "layouts/_default").mkdir(parents=True)
    (root / "layouts/_default/single.html").write_text(SINGLE)
    (root / "layouts/_default/list.html").write_text(LIST)
    (root / "config.toml").write_text(CONFIG)
    content = root / "content/papers"
    content.mkdir(parents=True)
    for index, (title, authors, abstract) in enumerate(pages):
        safe_title = title.replace("\\", "\\\\").replace('"', '\\"')
        safe_authors = authors.replace("\\", "\\\\").replace('"', '\\"')
        (content / f"p{index:06d}.md").write_text(
            f'+++\ntitle = "{safe_title}"\nauthors = "{safe_authors}"\n+++\n\n{abstract}\n', encoding="utf-8"
        )


def build(root: Path) -> tuple[float, int]:
    """Build once (after a warm-up build), return (seconds, pages written)."""
    out = root / "public"
    for _ in range(2):  # the first run warms the file cache, as our own runs are warm too
        if out.exists():
            shutil.rmtree(out)
        start = time.perf_counter()
        subprocess.run(["hugo", "--quiet", "-s", str(root), "-d", str(out)], check=True)
        seconds = time.perf_counter() - start
    return seconds, sum(1 for _ in out.rglob("*.html"))
