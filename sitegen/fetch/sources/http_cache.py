"""Validators (ETag, Last-Modified) of past answers, so unchanged listings cost nothing.

Kept in the store as `sources/http-cache.json`: sorted, one entry per URL, written only when it
changed, so a rerun that got the same answers rewrites nothing.

Validators of a 200 are *staged* and only become part of the cache when the source has stored
what that answer contained (`commit`). A day that failed half-way `discard`s them: otherwise the
next run would get a 304 for a page whose papers never reached the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import StoreError
from sitegen.store.files import dump_json, read_json, write_if_changed
from sitegen.store.store import HTTP_CACHE_FILE

SCHEMA_VERSION = 1
FILE_NAME = HTTP_CACHE_FILE  # the store decides where its files are


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HttpCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries = self._load()
        self._staged: dict[str, Validators | None] = {}

    def _load(self) -> dict[str, Validators]:
        if not self.path.exists():
            return {}
        document = read_json(self.path)
        try:
            if document.get("schema") != SCHEMA_VERSION:
                raise ValueError(f"schema is {document.get('schema')!r}, expected {SCHEMA_VERSION}")
            return {url: Validators(entry.get("etag"), entry.get("last_modified")) for url, entry in document["entries"].items()}
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise StoreError(f"{self.path}: malformed HTTP cache ({error}). Delete it: it only saves requests.") from None

    def validators(self, url: str) -> dict[str, str]:
        entry = self._entries.get(url)
        return entry.headers() if entry else {}

    def stage(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._staged[url] = Validators(etag, last_modified) if (etag or last_modified) else None

    def forget(self, url: str) -> None:
        """Drop a URL's validators (its answer must be fetched in full next time)."""
        self._staged[url] = None

    def commit(self) -> None:
        for url, entry in self._staged.items():
            if entry is None:
                self._entries.pop(url, None)
            else:
                self._entries[url] = entry
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()

    def save(self) -> bool:
        document = {
            "schema": SCHEMA_VERSION,
            "entries": {
                url: {k: v for k, v in (("etag", e.etag), ("last_modified", e.last_modified)) if v}
                for url, e in sorted(self._entries.items())
            },
        }
        if not self._entries and not self.path.exists():
            return False
        return write_if_changed(self.path, dump_json(document))
