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
    urls = [base_url + url_path(path) for path in sorted(html_paths)]
    if len(urls) <= SITEMAP_LIMIT:
        yield "sitemap.xml", _urlset(urls)
        return
    parts = [urls[i : i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)]
    entries = "".join(f"<sitemap><loc>{escape(base_url)}sitemaps/{n}.xml</loc></sitemap>\n" for n in range(1, len(parts) + 1))
    yield "sitemap.xml", f"{_HEAD}<sitemapindex {_NS}>\n{entries}</sitemapindex>\n".encode()
    for n, part in enumerate(parts, 1):
        yield f"sitemaps/{n}.xml", _urlset(part)


def _urlset(urls: Sequence[str]) -> bytes:
    # The URLs escaped in one pass, joined by a character none of them holds (a site has
    # 100,000 pages and more), then the markup put between them: the same text as escaping each.
    joined = "\x00".join(urls)
    if urls and joined.count("\x00") == len(urls) - 1:
        entries = escape(joined).replace("\x00", "</loc></url>\n<url><loc>")
        body = f"<url><loc>{entries}</loc></url>\n"
    else:
        body = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in urls)
    return f"{_HEAD}<urlset {_NS}>\n{body}</urlset>\n".encode()


def robots(base_url: str) -> Output:
    return "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n".encode()
