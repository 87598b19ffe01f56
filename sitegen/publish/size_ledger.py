"""The built site's size without walking it: what `sitegen build` prints on every run.

Walking 100,000 files and reading each one's size takes seconds on a slow disk, longer than a
daily build. The build already knows every file it owns and its content digest (the writer's
entries), and search-index chunks are folders named by their content. So the size of each file
is remembered in `<output>/.sitegen-size` (MessagePack, decoded strictly, never published) by
its content digest, and each chunk folder's by name: a build reads the size only of files whose
bytes changed (a daily build: about 140) and of new chunks. A missing or unreadable ledger only
costs one full look.

A daily build does not even go over its 100,000 files: the last build's cache holds its files'
size by section (`LastSizes`), and only the paths this build recorded again or removed are
looked at; the others it kept as the last build wrote them, so their sizes are those counted.

`sitegen publish` does not trust this: it measures the folder itself (site_size.py), as that is
what it publishes, files put there by hand included.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import msgspec

from sitegen.publish.site_size import LEDGER_NAME, OTHER, Section, SiteSize

Digests = Mapping[str, tuple[object, bytes]]  # path -> (input key, content digest), as the writer's entries
Sections = list[tuple[str, int, int]]  # (section, bytes, files)


Count = Annotated[int, msgspec.Meta(ge=0)]


class _Ledger(msgspec.Struct, forbid_unknown_fields=True):
    sizes: dict[bytes, Count] = {}  # content digest -> size in bytes
    chunks: dict[str, tuple[Count, Count]] = {}  # search index chunk folder -> (bytes, files)


_DECODER = msgspec.msgpack.Decoder(_Ledger)
_ENCODER = msgspec.msgpack.Encoder()


@dataclass(frozen=True)
class LastSizes:
    """The last build's files (its cache's entries) and their size by section (`sections`, from
    the same cache), and the paths this build recorded (rendered, or kept by their key): every
    other path it has, it kept as the last build wrote it."""

    entries: Digests
    sections: Sequence[tuple[str, int, int]]
    recorded: Iterable[str]


def built_site_size(
    output: Path, entries: Digests, search_index: str, last: LastSizes | None = None
) -> tuple[SiteSize, Sections]:
    """Bytes and files by section of the writer's files plus the search index in `search_index`;
    and the writer's files alone by section (for the next build's `LastSizes`)."""
    ledger = _read_ledger(output / LEDGER_NAME)
    sizes = dict(ledger.sizes)
    totals = _since(last, entries, sizes, output) if last is not None and len(sizes) <= 2 * len(entries) + 1000 else None
    if totals is None:  # no last build to go from, or a ledger of many gone files: a full look
        sizes, totals = {}, {}
        known = ledger.sizes
        for path, (_, digest) in entries.items():
            size = known.get(digest)
            if size is None:
                size = _file_size(output / path)
                if size is None:
                    continue
            sizes[digest] = size
            head, slash, _ = path.partition("/")
            _add(totals, head if slash else OTHER, size, 1)
    files = sorted((name, size, count) for name, (size, count) in totals.items() if count)
    chunks = _search_index(output, search_index, ledger.chunks, totals)
    _save_ledger(output / LEDGER_NAME, _Ledger(sizes, chunks), ledger)
    sections = (Section(name, size, count) for name, (size, count) in totals.items() if count)
    return SiteSize(tuple(sorted(sections, key=lambda s: (-s.bytes, s.name)))), files


def _since(last: LastSizes, entries: Digests, sizes: dict[bytes, int], output: Path) -> dict[str, list[int]] | None:
    """The last build's totals, moved by the paths that changed; None when a size is not known."""
    if not last.sections and last.entries:
        return None  # a cache without sizes (an older sitegen's)
    totals = {name: [size, count] for name, size, count in last.sections}
    previous = last.entries
    for path in {*last.recorded, *(previous.keys() - entries.keys())}:
        old, new = previous.get(path), entries.get(path)
        if old == new:
            continue
        head, slash, _ = path.partition("/")
        section = head if slash else OTHER
        if old is not None:
            size = sizes.get(old[1])
            if size is None:
                return None
            _add(totals, section, -size, -1)
        if new is not None:
            size = sizes.get(new[1])
            if size is None:
                size = _file_size(output / path)
                if size is None:
                    continue
                sizes[new[1]] = size
            _add(totals, section, size, 1)
    return totals


def _search_index(
    output: Path, search_index: str, known: Mapping[str, tuple[int, int]], totals: dict[str, list[int]]
) -> dict[str, tuple[int, int]]:
    """Each chunk folder by its (content) name; loose files (the manifest) by a fresh stat."""
    chunks: dict[str, tuple[int, int]] = {}
    section = search_index.partition("/")[0]
    try:
        top = list(os.scandir(output / search_index))
    except (FileNotFoundError, NotADirectoryError):
        return chunks
    for entry in top:
        if entry.is_dir(follow_symlinks=False):
            seen = known.get(entry.name)
            size, count = seen if seen is not None else _folder_size(Path(entry.path))
            chunks[entry.name] = (size, count)
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


def _read_ledger(path: Path) -> _Ledger:
    """The last build's sizes, or none when missing or not a ledger (a full look then)."""
    try:
        return _DECODER.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError):
        return _Ledger()


def _save_ledger(path: Path, ledger: _Ledger, previous: _Ledger) -> None:
    """Atomically (a killed build leaves the old ledger or none, never half of one), and only
    when it changed: a build that changes nothing writes nothing."""
    if ledger.sizes == previous.sizes and ledger.chunks == previous.chunks:
        return
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_bytes(_ENCODER.encode(ledger))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # only costs a full look next time
