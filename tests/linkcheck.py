"""A link checker over a built site: every internal href/src must name a file of the output.

Pages are given the URL they are served at (base_url + path, `index.html` dropped), relative
links are resolved against it with urljoin as a browser does, and a link is internal when it
lands on the base URL's host. Internal links must stay under the base path (a root-relative
"/archive/" breaks a site served from /repo/) and reach an existing file; a #fragment must name
an id on the target page. The 404 page is checked as if served at a deep missing path, since
that is where visitors see it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

LINK_XPATH = (
    "//a[@href]/@href | //link[@href]/@href | //script[@src]/@src | //img[@src]/@src | //form[@action]/@action"
    " | //iframe[@src]/@src | //source[@src]/@src"
)
# Elements whose URL the browser fetches by itself when the page loads: must never leave the site.
SUBRESOURCE_XPATH = (
    "//script[@src]/@src | //img[@src]/@src | //iframe[@src]/@src | //source[@src]/@src"
    " | //link[@rel='stylesheet' or @rel='icon' or @rel='preload' or @rel='modulepreload']/@href"
)


def page_url(base_url: str, relative: str) -> str:
    if relative == "404.html":
        return base_url + "no/such/deep/page/"
    return base_url + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)


def _local_file(output: Path, base_url: str, url: str) -> Path | None:
    """The output file an internal URL names, or None when it is outside the site's base path."""
    base = urlsplit(base_url)
    parts = urlsplit(url)
    if not parts.path.startswith(base.path):
        return None
    local = unquote(parts.path[len(base.path) :])
    if local == "" or local.endswith("/"):
        local += "index.html"
    return output / local


@cache
def _ids(path: Path) -> frozenset[str]:
    return frozenset(lxml.html.parse(str(path)).xpath("//@id"))


def broken_links(output: Path, base_url: str) -> list[str]:
    return site_problems(output, base_url, subresources=False)


def foreign_subresources(output: Path, base_url: str) -> list[str]:
    """Scripts, styles, images or frames that a page would load from another host."""
    return site_problems(output, base_url, links=False)


def site_problems(output: Path, base_url: str, links: bool = True, subresources: bool = True) -> list[str]:
    """Broken internal links and foreign subresources of every page, parsing each page once."""
    base = urlsplit(base_url)
    problems: list[str] = []
    for page in sorted(output.rglob("*.html")):
        relative = page.relative_to(output).as_posix()
        if relative.startswith("search/index/"):
            continue
        here = page_url(base_url, relative)
        tree = lxml.html.parse(str(page))
        if subresources:
            for value in tree.xpath(SUBRESOURCE_XPATH):
                parts = urlsplit(urljoin(here, value))
                if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                    problems.append(f"{relative}: loads {value!r} from another host")
        if not links:
            continue
        for value in tree.xpath(LINK_XPATH):
            if value.startswith("#"):  # this very page, wherever it is served
                if value[1:] and value[1:] not in _ids(page):
                    problems.append(f"{relative}: {value!r}: no such id on the page")
                continue
            url = urljoin(here, value.strip())
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                continue  # an external link (arXiv, GitHub): not ours to check offline
            target = _local_file(output, base_url, url)
            if target is None:
                problems.append(f"{relative}: {value!r} leaves the site's base path ({url})")
            elif not target.is_file():
                problems.append(f"{relative}: {value!r} -> {url}: no such file {target.relative_to(output)}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in _ids(target):
                problems.append(f"{relative}: {value!r}: no id {parts.fragment!r} on {target.relative_to(output)}")
    return problems
