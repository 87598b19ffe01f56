"""Site plumbing for crawlers: `sitemap.xml` (split past 50,000 URLs, the protocol's limit) and `robots.txt`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from sitegen.site.pages import url_path

Output = tuple[str, bytes]
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap(base_url: str, html_paths: Sequence[str]) -> Iterator[Output]:
    """One `sitemap.xml`, or an index of `sitemaps/N.xml` files when there are too many pages."""
    paths = sorted(html_paths)
    if len(paths) <= SITEMAP_LIMIT:
        yield "sitemap.xml", _urlset(base_url, paths)
        return
    parts = [paths[i : i + SITEMAP_LIMIT] for i in range(0, len(paths), SITEMAP_LIMIT)]
    entries = "".join(f"<sitemap><loc>{escape(base_url)}sitemaps/{n}.xml</loc></sitemap>\n" for n in range(1, len(parts) + 1))
    yield "sitemap.xml", f"{_HEAD}<sitemapindex {_NS}>\n{entries}</sitemapindex>\n".encode()
    for n, part in enumerate(parts, 1):
        yield f"sitemaps/{n}.xml", _urlset(base_url, part)


def _urlset(base_url: str, paths: Sequence[str]) -> bytes:
    # A site has 100,000 pages and more: their URLs are made, escaped and put in their markup in
    # a few passes over one string (the paths joined by a character none of them holds), not
    # one by one: url_path's "index.html" dropped where it ends a path, the base put before each.
    joined = "\x00".join(paths)
    urls = base_url + f"{joined}\x00".replace("index.html\x00", "\x00")[:-1].replace("\x00", "\x00" + base_url)
    if paths and urls.count("\x00") == len(paths) - 1:
        entries = escape(urls).replace("\x00", "</loc></url>\n<url><loc>")
        body = f"<url><loc>{entries}</loc></url>\n"
    else:
        body = "".join(f"<url><loc>{escape(base_url + url_path(path))}</loc></url>\n" for path in paths)
    return f"{_HEAD}<urlset {_NS}>\n{body}</urlset>\n".encode()


def robots(base_url: str) -> Output:
    return "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n".encode()
