"""The built site's size without walking it: what `sitegen build` prints on every run.

Walking 100,000 files and reading each one's size takes seconds on a slow disk, longer than a
daily build. The build already knows every file it owns and its content digest (the writer's
entries), and search-index chunks are folders named by their content. So the size of each file
is remembered in `<output>/.sitegen-size` (plain JSON, never published) by its content digest,
and each chunk folder's by name: a build reads the size only of files whose bytes changed (a daily
build: about 140) and of new chunks. A missing or unreadable ledger only costs one full look.

`sitegen publish` does not trust this: it measures the folder itself (site_size.py), as that is
what it publishes, files put there by hand included.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import orjson

from sitegen.publish.site_size import LEDGER_NAME, OTHER, Section, SiteSize

Digests = Mapping[str, tuple[object, bytes]]  # path -> (input key, content digest), as the writer's entries


def built_site_size(output: Path, entries: Digests, search_index: str) -> SiteSize:
    """Bytes and files by section of the writer's files plus the search index in `search_index`."""
    ledger = _read_ledger(output / LEDGER_NAME)
    known = ledger.get("sizes")
    known_sizes: dict[str, object] = known if isinstance(known, dict) else {}
    sizes: dict[str, int] = {}
    totals: dict[str, list[int]] = {}
    for path, (_, digest) in entries.items():
        name = digest.hex()
        size = known_sizes.get(name)
        # Checked where used, not up front: anything but a size (a hand-edited ledger) is looked up.
        if type(size) is not int:
            size = _file_size(output / path)
            if size is None:
                continue
        sizes[name] = size
        head, slash, _ = path.partition("/")
        _add(totals, head if slash else OTHER, size, 1)
    chunks = _search_index(output, search_index, ledger.get("chunks"), totals)
    _save_ledger(output / LEDGER_NAME, {"sizes": sizes, "chunks": chunks}, ledger)
    sections = (Section(name, size, count) for name, (size, count) in totals.items())
    return SiteSize(tuple(sorted(sections, key=lambda s: (-s.bytes, s.name))))


def _search_index(output: Path, search_index: str, known: object, totals: dict[str, list[int]]) -> dict[str, list[int]]:
    """Each chunk folder by its (content) name; loose files (the manifest) by a fresh stat."""
    known_chunks: dict[str, object] = known if isinstance(known, dict) else {}
    chunks: dict[str, list[int]] = {}
    section = search_index.partition("/")[0]
    try:
        top = list(os.scandir(output / search_index))
    except (FileNotFoundError, NotADirectoryError):
        return chunks
    for entry in top:
        if entry.is_dir(follow_symlinks=False):
            seen = known_chunks.get(entry.name)
            if isinstance(seen, list) and len(seen) == 2 and type(seen[0]) is int and type(seen[1]) is int:
                size, count = int(seen[0]), int(seen[1])
            else:
                size, count = _folder_size(Path(entry.path))
            chunks[entry.name] = [size, count]
            _add(totals, section, size, count)
        elif entry.is_file(follow_symlinks=False):
            _add(totals, section, entry.stat(follow_symlinks=False).st_size, 1)
    return chunks


def _folder_size(folder: Path) -> tuple[int, int]:
    size = count = 0
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                size += os.stat(path, follow_symlinks=False).st_size
                count += 1
    return size, count


def _file_size(path: Path) -> int | None:
    try:
        return path.stat(follow_symlinks=False).st_size
    except (FileNotFoundError, NotADirectoryError):
        return None


def _add(totals: dict[str, list[int]], section: str, size: int, count: int) -> None:
    entry = totals.setdefault(section, [0, 0])
    entry[0] += size
    entry[1] += count


def _read_ledger(path: Path) -> dict[str, object]:
    """The last build's sizes, or nothing when missing or not JSON (values are checked on use)."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_ledger(path: Path, ledger: dict[str, object], previous: dict[str, object]) -> None:
    """Atomically (a killed build leaves the old ledger or none, never half of one), and only
    when it changed: a build that changes nothing writes nothing."""
    if ledger == previous:
        return
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_bytes(orjson.dumps(ledger, option=orjson.OPT_SORT_KEYS))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # only costs a full look next time
