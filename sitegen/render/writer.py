"""Write the site into the output folder: only files whose bytes changed, stale files removed.

The writer remembers, in `<output>/.sitegen-cache`, each file's input key and content digest.
So a build can skip rendering a page whose key is unchanged, compare new bytes with a digest
instead of reading the old file, and find stale files without walking 100,000 of them.

The cache is saved only when a build completes. A build killed halfway leaves the previous
cache, which is still right about every file that build did not rewrite (it only rewrites files
whose key changed, and those are rendered again next time because their key still differs).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import BuildError
from sitegen.render.fingerprint import content_digest

CACHE_NAME = ".sitegen-cache"
CACHE_FORMAT = 1
# (input key or None, content digest) per output path.
Entry = tuple[bytes | None, bytes]


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0  # pages rendered (the rest were skipped by their key)

    @property
    def total(self) -> int:
        return len(self.written) + self.unchanged


@dataclass(frozen=True)
class WriteResult:
    """What writing one file did; returned by render workers to the parent."""

    path: str
    entry: Entry
    written: bool


class SiteWriter:
    def __init__(self, output: Path, keep: tuple[str, ...] = ()) -> None:
        self.output = output
        self.keep = keep
        cached = _read_cache(output)
        self.previous: dict[str, Entry] | None = cached.get("files") if cached else None
        self.extra: dict[str, object] = cached.get("extra", {}) if cached else {}
        # An empty output folder: nothing to compare with or to prune (skips an open() per file).
        self.fresh = self.previous is None and (not output.is_dir() or not any(output.iterdir()))
        self.entries: dict[str, Entry] = {}
        self.report = WriteReport()
        self._known_dirs: set[str] = set()

    def is_current(self, path: str, key: bytes | None) -> bool:
        """True when the file was written from the same inputs and need not be rendered again."""
        if key is None or self.previous is None:
            return False
        entry = self.previous.get(path)
        return entry is not None and entry[0] == key

    def keep_current(self, path: str) -> None:
        assert self.previous is not None
        self.record(WriteResult(path, self.previous[path], written=False))

    def write(self, path: str, content: bytes, key: bytes | None = None) -> WriteResult:
        """Write `content` unless the file already holds it; returns what happened (not recorded)."""
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
        if result.written:
            self.report.written.append(result.path)
        else:
            self.report.unchanged += 1

    def put(self, path: str, content: bytes, key: bytes | None = None) -> None:
        self.record(self.write(path, content, key))

    def finish(self, extra: dict[str, object] | None = None) -> WriteReport:
        """Remove files the site no longer has, then save the cache for the next build."""
        for relative in self._stale_paths():
            path = self.output / relative
            path.unlink(missing_ok=True)
            self.report.removed.append(relative)
            _remove_empty_parents(path.parent, self.output)
        self.report.written.sort()
        # Sorted, so an unchanged site gives an unchanged cache file (workers finish in any order).
        files = dict(sorted(self.entries.items()))
        _save_cache(self.output, {"format": CACHE_FORMAT, "files": files, "extra": extra or {}})
        return self.report

    def _stale_paths(self) -> list[str]:
        if self.previous is not None:
            candidates: Iterable[str] = self.previous
        elif self.output.exists() and not self.fresh:
            candidates = (p.relative_to(self.output).as_posix() for p in self.output.rglob("*") if p.is_file())
        else:
            return []
        return sorted(p for p in candidates if p not in self.entries and p != CACHE_NAME and not self._kept(p))

    def _kept(self, relative: str) -> bool:
        return any(relative == folder or relative.startswith(folder + "/") for folder in self.keep)

    def _write_file(self, target: Path, content: bytes) -> None:
        # Output files are rebuilt from the store at will, so a plain write is enough (an
        # interrupted build leaves no cache, and the next one compares the files themselves).
        parent = str(target.parent)
        try:
            if parent not in self._known_dirs:
                os.makedirs(parent, exist_ok=True)
                self._known_dirs.add(parent)
            with open(target, "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise BuildError(f"{target}: cannot write ({error.strerror}); check the output folder") from None


def _read_cache(output: Path) -> dict | None:
    path = output / CACHE_NAME
    try:
        with open(path, "rb") as handle:
            cached = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # an unreadable cache only costs a full comparison; never an error
        return None
    return cached if isinstance(cached, dict) and cached.get("format") == CACHE_FORMAT else None


def _save_cache(output: Path, document: dict) -> None:
    path = output / CACHE_NAME
    temp = path.with_name(CACHE_NAME + ".tmp")
    content = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        if path.is_file() and path.read_bytes() == content:
            return
        output.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(content)
        os.replace(temp, path)
    except OSError as error:
        raise BuildError(f"{path}: cannot write the build cache ({error.strerror})") from None


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
