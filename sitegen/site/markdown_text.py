"""The owner's Markdown (topic descriptions, `about.md`) as HTML that runs nothing.

Two rules, both enforced here rather than trusted to the writer:
- raw HTML is text: every `<` is escaped before Markdown sees it, so `<script>` or
  `<img onerror=...>` shows as written and no tag or event handler can appear;
- links and images may only point to `http(s)`, `mailto:` or a relative URL. Any other scheme
  (`javascript:`, `data:`, `vbscript:`...) turns the link into its plain text and the image
  into its alt text. The URL is read as a browser would before the check: entities decoded
  (`&#106;avascript:`) and the tabs, line breaks and control characters a browser drops removed.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown as markdown_lib
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# What a browser's URL parser strips or ignores: ASCII tab/newline anywhere, C0 controls and
# spaces at the ends. Removing them everywhere is stricter, which is the point.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f-\x9f]")


def allowed_url(url: str) -> bool:
    """True for an http(s) or mailto URL, or a relative one (no scheme)."""
    seen = _IGNORED_BY_BROWSERS.sub("", html.unescape(url))
    scheme = _SCHEME.match(seen)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


class _SafeLinks(Treeprocessor):
    """Turns links and images with a disallowed URL into plain text (a <span>)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a" and not allowed_url(element.get("href", "")):
                _make_text(element)
            elif element.tag == "img" and not allowed_url(element.get("src", "")):
                alt = element.get("alt", "")
                _make_text(element)
                element.text = alt


def _make_text(element: etree.Element) -> None:
    """Keep the element's content (and tail) but drop what made it a link or image."""
    element.tag = "span"
    element.attrib.clear()


class _SafeLinksExtension(Extension):
    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After "inline" (20), which makes the <a> and <img> elements, before serialising.
        md.treeprocessors.register(_SafeLinks(md), "sitegen_safe_links", 5)


def render_markdown(text: str) -> Markup:
    """Owner-written Markdown as HTML: raw HTML escaped, only safe link and image URLs."""
    converter = markdown_lib.Markdown(output_format="html", extensions=[_SafeLinksExtension()])
    return Markup(converter.convert(text.replace("<", "&lt;")))
