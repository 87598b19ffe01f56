"""Checks for config values that end up in URLs, file names and plain-text files.

`base_url` is written verbatim into robots.txt, the sitemap and every feed, and `cname` into the
CNAME file: a newline or a space in either would inject lines or break links. So these are
parsed as what they are (an absolute http(s) URL, a host name) and every character is checked,
rather than matched by a prefix. Each function returns a problem sentence, or None when the
value is fine; config.py attaches the key path.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# A host name as it goes into a CNAME file: labels of letters, digits and inner hyphens, a
# top-level label that starts with a letter. `\Z`, not `$`: `$` also matches before a final "\n".
HOSTNAME = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\Z", re.IGNORECASE)
# The characters RFC 3986 allows in a URL (unreserved, reserved and "%"): no space, no control
# character, no quote or angle bracket, no non-ASCII (percent-encode it).
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*\Z")
_PERCENT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LOCAL_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z", re.IGNORECASE)
_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}\Z")


def control_character_problem(value: str, *, single_line: bool) -> str | None:
    """A control character (or, in a one-line value, a line break or tab) the value must not hold."""
    allowed = "" if single_line else "\t\n\r"
    for index, char in enumerate(value):
        if char in allowed or unicodedata.category(char) not in ("Cc", "Zl", "Zp"):
            continue
        name = "a line break" if char in "\n\r\u2028\u2029" else f"the control character U+{ord(char):04X}"
        where = "; it must be one line of text" if single_line else ""
        return f"contains {name} at position {index + 1}{where}: remove it"
    return None


def http_url_problem(value: str, *, example: str) -> str | None:
    """Why `value` is not an absolute http(s) URL with a host, or None."""
    if value != value.strip() or not _URL_CHARACTERS.match(value):
        bad = next((c for c in value if c.isspace() or not _URL_CHARACTERS.match(c)), value[:1])
        return (
            f'must be an http(s) URL such as "{example}", without spaces, line breaks or characters such as {bad!r} '
            f"(percent-encode them), got {value!r}"
        )
    if _PERCENT_ESCAPE.search(value):
        return f"has a '%' that is not followed by two hex digits, got {value!r}"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as error:
        return f"is not a valid URL ({error}), got {value!r}"
    if parts.scheme.lower() not in ("http", "https"):
        return f'must be an http(s) URL such as "{example}", got {value!r}'
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None:
        return f"must not hold a user name or password, got {value!r}"
    if not (_LOCAL_HOST.match(host) or _IPV4.match(host) or (parts.netloc.startswith("[") and ":" in host)):
        return f'needs a host name after {parts.scheme}://, as in "{example}", got {value!r}'
    if port == 0:
        return f"has port 0, got {value!r}"
    return None


def site_url_problem(value: str) -> str | None:
    """`[site] base_url`: an http(s) URL of a folder (no query, no fragment)."""
    example = "https://owner.github.io/repo/"
    problem = http_url_problem(value, example=example)
    if problem:
        return problem
    parts = urlsplit(value)
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return f'must be the address of the site\'s root folder, without "?" or "#", such as "{example}", got {value!r}'
    return None


def hostname_problem(value: str) -> str | None:
    if not HOSTNAME.match(value):
        return f'must be a bare domain name such as "papers.example.org" (no https://, no path, no spaces), got {value!r}'
    return None
