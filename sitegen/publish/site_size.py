"""How big the built site is, by section: what `build` prints and what the size budget checks.

A section is the first folder of a path (papers/, topics/, days/, search/, ...); files at the
top of the site (index.html, sitemap.xml, status.json, ...) count as "other". Only what
`publish` would put on the Pages branch is counted: the build cache is the builder's memory,
not part of the site (see publish/run.py, `_write_tree`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import BuildError
from sitegen.output.build_cache import CACHE_NAME
from sitegen.output.state_file import STORE_CACHE_NAME

# The size ledger of the build (size_ledger.py), beside the build cache; neither is published.
LEDGER_NAME = ".sitegen-size"
# Not published, so not counted (the caches, the ledger and the temp files of a killed build).
# The search stages' kept state (build.py SEARCH_STATE) is the build's, not the site's.
# The kept feed items, by name: output/feed_cache.py brings the rendering side with it.
FEED_CACHE_NAME = ".sitegen-feeds"
UNPUBLISHED = frozenset(
    {
        *(name + suffix for name in (CACHE_NAME, STORE_CACHE_NAME, LEDGER_NAME, FEED_CACHE_NAME) for suffix in ("", ".tmp")),
        ".sitegen-search",
    }
)
OTHER = "other"
# A bound on the walk: no site sitegen writes comes near it (the budget is about 150,000 files).
MAX_FILES = 10_000_000


@dataclass(frozen=True)
class Section:
    name: str
    bytes: int
    files: int


@dataclass(frozen=True)
class SiteSize:
    sections: tuple[Section, ...] = field(default_factory=tuple)  # largest first

    @property
    def bytes(self) -> int:
        return sum(section.bytes for section in self.sections)

    @property
    def files(self) -> int:
        return sum(section.files for section in self.sections)

    def largest(self, count: int) -> tuple[Section, ...]:
        return self.sections[:count]


def measure_site(output: Path) -> SiteSize:
    """Bytes and files per section of the built site in `output` (symlinks are not followed)."""
    totals: dict[str, list[int]] = {}
    for section, size in _files(output):
        entry = totals.setdefault(section, [0, 0])
        entry[0] += size
        entry[1] += 1
    sections = (Section(name, size, files) for name, (size, files) in totals.items())
    return SiteSize(tuple(sorted(sections, key=lambda s: (-s.bytes, s.name))))


def _files(output: Path) -> Iterator[tuple[str, int]]:
    """(section, size) of every published file, walking with scandir (one stat per file)."""
    stack: list[tuple[str, str]] = []
    count = 0
    try:
        top = list(os.scandir(output))
    except FileNotFoundError:
        return
    for entry in top:
        if entry.name in UNPUBLISHED:
            continue
        if entry.is_dir(follow_symlinks=False):
            stack.append((entry.name, entry.path))
        elif entry.is_file(follow_symlinks=False):
            count += 1
            yield OTHER, entry.stat(follow_symlinks=False).st_size
    while stack:
        section, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((section, entry.path))
                elif entry.is_file(follow_symlinks=False):
                    count += 1
                    if count > MAX_FILES:
                        raise BuildError(f"{output}: more than {MAX_FILES:,} files, far past any host's limit; not measured")
                    yield section, entry.stat(follow_symlinks=False).st_size


def human_size(size: int) -> str:
    """Megabytes with one decimal (the unit of `[build] max_site_mb`), kilobytes below 1 MB."""
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"
