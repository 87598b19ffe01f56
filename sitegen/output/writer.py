"""Write the site into the output folder: only files whose bytes changed, stale files removed.

The writer remembers, in `<output>/.sitegen-cache` (see build_cache.py), each file's input key
and content digest. So a build can skip rendering a page whose key is unchanged, compare new
bytes with a digest instead of reading the old file, and find stale files without walking
100,000 of them.

Ownership: sitegen deletes only files it wrote. A stale file is one the last build's cache lists
and this build does not write, and it is removed only while it still holds the bytes sitegen
wrote; nothing else in the folder is ever deleted. A folder that is not empty is used only
when it holds sitegen's cache or site manifest, so sitegen never overwrites someone's files.

The cache is saved only when a build completes. A build killed halfway leaves the previous
cache, which is still right about every file that build did not rewrite (it only rewrites files
whose key changed, and those are rendered again next time because their key still differs).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from sitegen.errors import BuildError
from sitegen.output.build_cache import (
    CACHE_NAME,
    BuildCache,
    Entry,
    Inputs,
    PaperPages,
    is_safe_relative,
    make_cache,
    placeholder_cache,
    read_cache,
    save_cache,
)
from sitegen.output.fingerprint import content_digest
from sitegen.output.manifest import MANIFEST_NAME, ManifestUnreadable, parse_manifest
from sitegen.output.store_cache import read_store_cache, save_store_cache
from sitegen.output.write_report import WriteReport
from sitegen.rules.match import TopicMatch
from sitegen.store.listed import ListedFile

if TYPE_CHECKING:  # the rendering side, imported only by a build that renders (see feed_items())
    from sitegen.site.feed_items import FeedItem

__all__ = ["CACHE_NAME", "SiteWriter", "WriteReport", "WriteResult"]


@dataclass(frozen=True)
class WriteResult:
    """What writing one file did; returned by render workers to the parent."""

    path: str
    entry: Entry
    written: bool


class SiteWriter:
    """Refuses, on creation, an output folder that is not sitegen's (see `_refuse_foreign`)."""

    def __init__(self, output: Path, keep: tuple[str, ...] = ()) -> None:
        self.output = output
        self.keep = keep
        self.report = WriteReport()
        found = read_cache(output)
        if found.warning:
            self.report.warnings.append(found.warning)
        self.cache: BuildCache | None = found.cache if found.cache and found.cache.complete else None
        self._cache_read = found.content
        # Each day file's listing records, kept by its digest (store/listed.py, store_cache.py).
        listing = read_store_cache(output)
        if listing.warning:
            self.report.warnings.append(listing.warning)
        self.listing: dict[str, ListedFile] = listing.files
        self._listing_read = listing.content
        self.previous: dict[str, Entry] | None = self.cache.files if self.cache else None
        # The last build's files by section (publish/size_ledger.py LastSizes), and the paths this
        # build records (rendered, or kept by their key); the rest it keeps as they were.
        self.previous_sections = self.cache.inputs.file_sections if self.cache else []
        self.recorded: list[str] = []
        empty = not output.is_dir() or not any(output.iterdir())
        if not empty and found.cache is None:
            _refuse_foreign(output)
        # An empty output folder: nothing to compare with or to prune (skips an open() per file).
        self.fresh = self.previous is None and empty
        self.entries: dict[str, Entry] = {}
        self._known_dirs: set[str] = set()
        self._claimed = False
        self._feed_read = b""

    def feed_items(self, theme: bytes, versions: Mapping[str, bytes]) -> dict[str, FeedItem]:
        """The last build's feed items still current: made under `theme` from each paper's
        store version in `versions` (output/feed_cache.py)."""
        from sitegen.output.feed_cache import read_feed_cache

        found = read_feed_cache(self.output)
        if found.warning:
            self.report.warnings.append(found.warning)
        self._feed_read = found.content
        return found.current(theme, versions)

    def claim(self) -> None:
        """Mark the folder as sitegen's before the first file goes in (call in the parent, before
        forking workers), so a build killed before it finishes leaves a folder the next accepts."""
        if self.previous is None:
            save_cache(self.output, placeholder_cache())
        self._claimed = True

    def is_current(self, path: str, key: bytes | None) -> bool:
        """True when the file was written from the same inputs and need not be rendered again."""
        if key is None or self.previous is None:
            return False
        entry = self.previous.get(path)
        return entry is not None and entry[0] == key

    def keep_current(self, path: str) -> None:
        assert self.previous is not None
        self.record(WriteResult(path, self.previous[path], written=False))

    def keep_settled(self, paths: Sequence[str]) -> list[str]:
        """Keep, as the last build wrote them, files whose inputs are known to be unchanged
        without computing their keys (settled.py); returns those the last build did not write."""
        previous, entries = self.previous, self.entries
        if previous is None:
            return list(paths)
        # In C loops (map, zip, dict views): a daily build keeps 100,000 paper pages this way.
        found = list(map(previous.get, paths))
        missing = [path for path, entry in zip(paths, found, strict=True) if entry is None] if None in found else []
        kept = dict(zip(paths, found, strict=True))
        for path in missing:
            del kept[path]
        if not entries.keys().isdisjoint(kept) or len(kept) != len(paths) - len(missing):
            claimed = sorted(entries.keys() & kept.keys()) or [""]
            raise BuildError(f"two outputs claim the same path {claimed[0]!r}; this is a bug in sitegen")
        entries.update(kept)  # type: ignore[arg-type]  # the None entries (missing) were removed above
        self.report.unchanged += len(kept)
        self.report.settled += len(kept)
        return missing

    def write(self, path: str, content: bytes, key: bytes | None = None) -> WriteResult:
        """Write `content` unless the file already holds it; returns what happened (not recorded)."""
        if not self._claimed:
            raise BuildError("the writer wrote before claiming the output folder; this is a bug in sitegen")
        new_digest = content_digest(content)
        target = self.output / path
        if self.previous is not None:
            old = self.previous.get(path)
            unchanged = old is not None and old[1] == new_digest
        elif self.fresh:
            unchanged = False
        else:
            # No cache (first build, or the last one was interrupted): ask the file itself.
            try:
                unchanged = target.read_bytes() == content
            except (FileNotFoundError, NotADirectoryError):
                unchanged = False
            except OSError as error:
                raise BuildError(f"{target}: cannot read ({error.strerror})") from None
        if not unchanged:
            self._write_file(target, content)
        return WriteResult(path, (key, new_digest), written=not unchanged)

    def record(self, result: WriteResult) -> None:
        if result.path in self.entries:
            raise BuildError(f"two outputs claim the same path {result.path!r}; this is a bug in sitegen")
        self.entries[result.path] = result.entry
        self.recorded.append(result.path)
        if result.written:
            self.report.written.append(result.path)
        else:
            self.report.unchanged += 1

    def put(self, path: str, content: bytes, key: bytes | None = None) -> None:
        self.record(self.write(path, content, key))

    def finish(
        self,
        theme: bytes = b"",
        tags: dict[str, tuple[bytes, tuple[TopicMatch, ...]]] | None = None,
        pages: PaperPages | None = None,
        inputs: Callable[[], Inputs] | None = None,
        listing: dict[str, ListedFile] | None = None,
        feed_items: Mapping[str, tuple[bytes, FeedItem]] | None = None,
    ) -> WriteReport:
        """Remove the files the site no longer has, then save the cache for the next build."""
        for relative in self._stale_paths():
            path = self.output / relative
            if self._still_ours(relative, path):
                path.unlink(missing_ok=True)
                self.report.removed.append(relative)
                _remove_empty_parents(path.parent, self.output)
        self.report.written.sort()
        # Sorted, so an unchanged site gives an unchanged cache file (workers finish in any order).
        entries = self.entries
        paths = sorted(entries)  # the paths alone: strings sort faster than (path, entry) pairs
        files = dict(zip(paths, map(entries.__getitem__, paths), strict=True))
        # What the build read, made after the pruning above (it may measure the site).
        settled = msgspec.structs.replace(inputs(), outputs=len(files)) if inputs else None
        save_cache(self.output, make_cache(files, theme, tags or {}, pages, settled), self._cache_read)
        if listing is not None:
            save_store_cache(self.output, listing, self._listing_read)
        if feed_items is not None:
            from sitegen.output.feed_cache import save_feed_cache

            save_feed_cache(self.output, theme, feed_items, self._feed_read)
        return self.report

    def _stale_paths(self) -> list[str]:
        """Paths the last build wrote and this one did not: never a file sitegen did not write."""
        if self.previous is None:
            return []
        # A set difference in C: a daily build keeps 100,000 of the last build's files and prunes a few.
        gone = self.previous.keys() - self.entries.keys()
        return sorted(p for p in gone if p != CACHE_NAME and not self._kept(p))

    def _still_ours(self, relative: str, path: Path) -> bool:
        """True when the file still holds the bytes sitegen wrote there (else it is left alone)."""
        assert self.previous is not None
        if not is_safe_relative(relative) or not path.resolve().is_relative_to(self.output.resolve()):
            return False
        try:
            if not path.is_file() or path.is_symlink():
                return False
            same = content_digest(path.read_bytes()) == self.previous[relative][1]
        except OSError:
            return False
        if not same:
            self.report.warnings.append(
                f"{path}: left in place: sitegen wrote it, but it was changed since, and the site no longer has it"
            )
        return same

    def _kept(self, relative: str) -> bool:
        return any(relative == folder or relative.startswith(folder + "/") for folder in self.keep)

    def _write_file(self, target: Path, content: bytes) -> None:
        # Output files are rebuilt from the store at will, so a plain write is enough (an
        # interrupted build leaves the previous cache, whose keys and digests no longer match a
        # half-written file, or the placeholder, after which the next build compares the files).
        parent = str(target.parent)
        try:
            if parent not in self._known_dirs:
                os.makedirs(parent, exist_ok=True)
                self._known_dirs.add(parent)
            with open(target, "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise BuildError(f"{target}: cannot write ({error.strerror}); check the output folder") from None


def _refuse_foreign(output: Path) -> None:
    """A folder with files but no sitegen cache: used only if its manifest says sitegen built it."""
    if not output.is_dir():
        raise BuildError(
            f"{output}: the output must be a folder, but this is a file; set [build] output in sitegen.toml (or --output) to a "
            "folder"
        )
    try:
        parse_manifest((output / MANIFEST_NAME).read_bytes())
        return
    except (OSError, ManifestUnreadable):
        pass
    raise BuildError(
        f"{output}: refusing to build into this folder: it is not empty and sitegen did not build it "
        f"(no {MANIFEST_NAME} or {CACHE_NAME} in it). sitegen replaces and deletes files in its output folder, "
        "so it only uses an empty folder or one it built. Set [build] output in sitegen.toml (or pass --output) "
        "to a new or empty folder, such as output/ (the default)."
    )


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
