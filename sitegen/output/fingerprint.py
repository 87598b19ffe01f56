"""Digests that say when a page's inputs changed, so a build renders only what it must.

A page's key combines the theme fingerprint (everything that shapes every page: the config file,
the site settings as loaded, the templates, about.md, and sitegen's own code) with the versions of the papers it shows. A
paper's version is the digest of the store file that holds it, so editing one day file
re-renders only pages that show papers from that file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sitegen

KEY_SIZE = 16
_SEPARATOR = b"\x1f"


def digest(*parts: bytes | str) -> bytes:
    """The digest of the parts, each followed by a separator. Hashed as one joined string: a
    plan computes about ten of these per paper, and one C call is several times cheaper than
    two `update` calls per part (the bytes hashed, so the keys, are the same)."""
    joined = _SEPARATOR.join([part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part for part in parts])
    return hashlib.sha256(joined + _SEPARATOR if parts else b"").digest()[:KEY_SIZE]


def content_digest(content: bytes) -> bytes:
    return hashlib.sha256(content).digest()[:KEY_SIZE]


def theme_fingerprint(config_path: Path, templates: Path, extra_files: tuple[Path, ...] = (), settings: str = "") -> bytes:
    """Digest of the config file, the loaded site settings, every template, the given extra files
    and sitegen's source. The settings count apart from the file: the base URL can come from the
    environment (GITHUB_REPOSITORY), and a renamed repository must re-render every canonical link."""
    hasher = hashlib.sha256()
    hasher.update(settings.encode("utf-8", "surrogatepass"))
    hasher.update(_SEPARATOR)
    package = Path(sitegen.__file__).resolve().parent
    files = [config_path, *sorted(templates.rglob("*")), *extra_files, *sorted(package.rglob("*.py"))]
    for path in files:
        if path.is_file():
            hasher.update(str(path).encode("utf-8", "surrogatepass"))
            hasher.update(_SEPARATOR)
            hasher.update(path.read_bytes())
            hasher.update(_SEPARATOR)
    return hasher.digest()[:KEY_SIZE]
