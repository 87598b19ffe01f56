"""Cleaning of untrusted text and URLs from the services.

Everything scraped passes through here before it is stored, so the store, pages and feeds only
ever see text that is valid in XML and URLs that are safe to link.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and
# U+FFFE/U+FFFF; anything else makes a feed ill-formed. DEL and the C1 controls (U+007F-U+009F)
# are allowed but discouraged, and feed readers (feedparser among them) reinterpret them as
# Windows-1252 punctuation, so they are stripped too: they never carry meaning in a title.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def xml_safe(text: str) -> str:
    """Strip XML-invalid (and C1) control characters and replace lone surrogates with U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", _XML_INVALID.sub("", text))


def is_xml_safe(text: str) -> bool:
    """True when `xml_safe` would leave `text` as it is (no XML-invalid or C1 control character,
    no lone surrogate)."""
    return not (_XML_INVALID.search(text) or _LONE_SURROGATE.search(text))


def clean_line(text: str | None) -> str:
    """One-line text (titles, names): hard wraps joined, whitespace collapsed, NFC."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", _WHITESPACE_RUN.sub(" ", xml_safe(text)).strip())


def clean_paragraphs(text: str | None) -> str:
    """Multi-paragraph text (abstracts): hard wraps joined, blank lines kept as paragraph breaks."""
    if not text:
        return ""
    paragraphs = [clean_line(p) for p in _PARAGRAPH_BREAK.split(xml_safe(text).replace("\r\n", "\n"))]
    return "\n\n".join(p for p in paragraphs if p)


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """Return `url` if it is an absolute http(s) URL (or, with `base`, a path on it), else None.

    `javascript:`, `data:` and other schemes never reach a link.
    """
    if not url or not isinstance(url, str):
        return None
    url = clean_line(url)
    if base and url.startswith("/") and not url.startswith("//"):
        url = base.rstrip("/") + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch in url for ch in ' "<>`'):
        return None
    return url
