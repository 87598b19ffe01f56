"""The build cache, `<output>/.sitegen-cache`: what the last build wrote, kept as plain data.

It is MessagePack decoded by msgspec into fixed types, never pickle: the output folder may be a
restored CI cache or a shared folder, and whatever is found there must at worst be rejected,
never run. A file that does not decode, has another format or names a path outside the output
folder is ignored with a warning; the build then compares files instead (it only costs time).

The cache is also sitegen's ownership record of the output folder: its `files` are the only
paths a build may ever delete, and its presence (with the site manifest) is what lets a build
write into a folder that is not empty.
"""

from __future__ import annotations

import operator
import struct
import sys
from array import array
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Annotated

import msgspec

from sitegen.output.state_file import decode_state, write_state
from sitegen.rules.match import TopicMatch

CACHE_NAME = ".sitegen-cache"
# 1 was a pickle (sitegen before 2026-11); 2 the MessagePack layout with related papers (now
# kept by the search side); 3 adds `pages`; 4 keeps the tags by column (`tagged`, `versions`,
# `combination_of`) instead of an entry per paper.
CACHE_FORMAT = 4
Tags = tuple[TopicMatch, ...]
# (input key or None, content digest) per output path.
Entry = tuple[bytes | None, bytes]
Index = Annotated[int, msgspec.Meta(ge=0)]
# A warning repeated to the terminal from the cache: one line of printable text.
WarningLine = Annotated[str, msgspec.Meta(max_length=1000, pattern="\\A[^\x00-\x1f\x7f-\x9f]*\\Z")]


class Inputs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a build read (see inputs.py) and what it reported, so that the next build with the
    same inputs can say so without loading the store."""

    # Of everything the build read; empty when the build must not be skipped next time (its
    # tagging was cut short by a regex timeout, or it recorded a week ranking in the store).
    digest: bytes = b""
    # Store file (relative path) -> (size, modification time in ns, digest): see inputs.py.
    store_files: dict[str, tuple[int, int, bytes]] = {}
    papers: Annotated[int, msgspec.Meta(ge=0)] = 0
    days: Annotated[int, msgspec.Meta(ge=0)] = 0
    outputs: Annotated[int, msgspec.Meta(ge=0)] = 0  # files the site holds (for the report)
    site: list[tuple[str, int, int]] = []  # the site's size: (section, bytes, files), largest first
    # The writer's files alone by section (publish/size_ledger.py): the next build's sizes start
    # from them. Empty in a cache of an older sitegen: the next build then sizes every file.
    file_sections: list[tuple[str, Annotated[int, msgspec.Meta(ge=0)], Annotated[int, msgspec.Meta(ge=0)]]] = []
    warnings: list[str] = []  # the build's warnings about its inputs, repeated by a skipped build


class PaperPages(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the paper pages were made from besides each paper's store version (kept in `tags`),
    so that the next build keys only the paper pages whose inputs may differ (settled.py)."""

    # Organization name -> the slug its papers link to (organizations with a page only).
    org_links: dict[str, str] = {}
    # Digest of the related papers' state this build left (search/related_state.py).
    related_state: bytes = b""
    # arXiv id -> what the TeX converter refused in the paper (warning lines), for the store
    # version in `tags`: papers without warnings are not listed.
    tex_warnings: dict[str, list[WarningLine]] = {}


class BuildCache(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    # False while a build that found no cache is running: the folder is sitegen's, but which
    # files it holds is unknown, so nothing may be skipped or deleted on the strength of it.
    complete: bool
    files: dict[str, Entry] = {}
    theme: bytes = b""  # the theme fingerprint the tags were computed under
    # Each distinct topic match once, and each distinct combination of them once; papers refer
    # to a combination by index (100,000 papers share a few hundred combinations).
    matches: list[TopicMatch] = []
    combinations: list[tuple[Index, ...]] = []
    # The tagged papers by column, in the build's order (three values to decode, not 100,000
    # entries): their arXiv ids joined by newlines, 16 bytes each of store version, and 4 bytes
    # each (unsigned, little-endian) of index into `combinations`.
    tagged: str = ""
    versions: bytes = b""
    combination_of: bytes = b""
    pages: PaperPages = PaperPages()
    inputs: Inputs = Inputs()

    def tagged_ids(self) -> list[str]:
        return self.tagged.split("\n") if self.tagged else []

    def tags_for(self, theme: bytes, versions: dict[str, bytes]) -> dict[str, tuple[TopicMatch, ...]]:
        """The cached tags of papers whose store version and theme (rules) are unchanged."""
        if theme != self.theme or not self.tagged:
            return {}
        resolved = [tuple(self.matches[i] for i in combination) for combination in self.combinations]
        ids = self.tagged_ids()
        tags = map(resolved.__getitem__, _read_indexes(self.combination_of))
        # In C loops (map, compress): a daily build asks this of 100,000 papers, nearly all kept.
        current = list(map(versions.get, ids))
        if None not in current and b"".join(current) == self.versions:  # type: ignore[arg-type]
            return dict(zip(ids, tags, strict=True))
        kept = self.paper_versions()
        return dict(compress(zip(ids, tags, strict=True), map(operator.eq, current, map(kept.__getitem__, ids))))

    def paper_versions(self) -> dict[str, bytes]:
        """The store version of each paper as the build that wrote the cache saw it (papers whose
        tagging was cut short are missing)."""
        # Cut in C (struct): a daily build asks this of 100,000 papers.
        return dict(zip(self.tagged_ids(), map(_FIRST, _VERSION.iter_unpack(self.versions)), strict=True))


_VERSION = struct.Struct("16s")  # a store version in `versions`
_FIRST = operator.itemgetter(0)
_LITTLE = sys.byteorder == "little"


def _read_indexes(content: bytes) -> array[int]:
    """The little-endian unsigned 32-bit numbers `content` holds, on any machine."""
    numbers = array("I", content)
    if not _LITTLE:
        numbers.byteswap()
    return numbers


def _index_bytes(numbers: array[int]) -> bytes:
    """`numbers` as little-endian unsigned 32-bit numbers, on any machine."""
    if not _LITTLE:
        numbers.byteswap()
    return numbers.tobytes()


def kept_tags(
    papers: Iterable[str], versions: Mapping[str, bytes], tags: Mapping[str, Tags], incomplete: Collection[str]
) -> dict[str, tuple[bytes, Tags]]:
    """What make_cache keeps of the build's tags: each paper's store version and tags, in the
    order of `papers`, but for those whose tagging was cut short (`incomplete`: tried again next
    time). In C loops (map, zip): a build keeps 100,000 papers' tags."""
    ids = [arxiv_id for arxiv_id in papers if arxiv_id not in incomplete] if incomplete else list(papers)
    return dict(zip(ids, zip(map(versions.__getitem__, ids), map(tags.__getitem__, ids), strict=True), strict=True))


def make_cache(
    files: dict[str, Entry],
    theme: bytes,
    tags: dict[str, tuple[bytes, tuple[TopicMatch, ...]]],
    pages: PaperPages | None = None,
    inputs: Inputs | None = None,
) -> BuildCache:
    """The cache of a complete build; `tags` in the build's order (the store's, deterministic)."""
    versions, matched = zip(*tags.values(), strict=True) if tags else ((), ())
    # Papers whose tags came from the cache share one tuple per combination (tags_for): each
    # distinct tuple is indexed once, by its identity (all of them are alive until this returns).
    distinct = dict(zip(map(id, matched), matched, strict=True))
    match_index: dict[TopicMatch, int] = {}
    combination_index: dict[tuple[int, ...], int] = {}
    index_of = {
        identity: combination_index.setdefault(
            tuple(match_index.setdefault(match, len(match_index)) for match in matches), len(combination_index)
        )
        for identity, matches in distinct.items()
    }
    combination_of = array("I", map(index_of.__getitem__, map(id, matched)))
    return BuildCache(
        format=CACHE_FORMAT,
        complete=True,
        files=files,
        theme=theme,
        matches=list(match_index),
        combinations=list(combination_index),
        tagged="\n".join(tags),
        versions=b"".join(versions),
        combination_of=_index_bytes(combination_of),
        pages=pages or PaperPages(),
        inputs=inputs or Inputs(),
    )


def placeholder_cache() -> BuildCache:
    return BuildCache(format=CACHE_FORMAT, complete=False)


@dataclass(frozen=True)
class CacheRead:
    cache: BuildCache | None
    warning: str | None = None
    # The file as read: saving the same bytes again is then skipped without reading it back.
    content: bytes = b""


_DECODER = msgspec.msgpack.Decoder(BuildCache)


class _Peek(msgspec.Struct):
    """The cache's first fields and its inputs; the rest (100,000 files' entries and tags: 14 MB
    at 100,000 papers) is skipped without being decoded."""

    format: int
    complete: bool
    inputs: Inputs = Inputs()


_PEEK = msgspec.msgpack.Decoder(_Peek)
_ENCODER = msgspec.msgpack.Encoder()


def read_cache(output: Path) -> CacheRead:
    """The cache in `output`, or None with a warning saying why it is not used."""
    path = output / CACHE_NAME
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return CacheRead(None)
    except OSError as error:
        return CacheRead(None, _ignored(path, f"cannot read it ({error.strerror})"))
    decoded = decode_state(  # then unpacked: mypy infers the type from the call alone
        content, _DECODER, CACHE_FORMAT, "a build cache"
    )
    cache, why = decoded
    if cache is None:
        cache = _from_format_3(content)
    if cache is None:
        return CacheRead(None, _ignored(path, why))
    problem = _problem(cache)
    return CacheRead(None, _ignored(path, problem)) if problem else CacheRead(cache, content=content)


def peek_inputs(output: Path) -> Inputs | None:
    """What the last complete build read (see inputs.py), or None; decoded without the rest of
    the cache, so a build with nothing to do decides in milliseconds. Any problem: None (the
    build then opens the cache in full, which reports it)."""
    try:
        peek = _PEEK.decode((output / CACHE_NAME).read_bytes())
    except (OSError, msgspec.DecodeError):
        return None
    return peek.inputs if peek.format in (CACHE_FORMAT, 3) and peek.complete else None


class _Format3(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The layout before format 4: the same, with an entry per tagged paper."""

    format: int
    complete: bool
    files: dict[str, Entry] = {}
    theme: bytes = b""
    matches: list[TopicMatch] = []
    combinations: list[tuple[Index, ...]] = []
    tags: dict[str, tuple[bytes, Index]] = {}  # arxiv_id -> (store version, index into combinations)
    pages: PaperPages = PaperPages()
    inputs: Inputs = Inputs()


_FORMAT_3 = msgspec.msgpack.Decoder(_Format3)


def _from_format_3(content: bytes) -> BuildCache | None:
    """A cache the sitegen before format 4 wrote, in this layout (checked as any other after),
    so that updating sitegen costs no build its cache; None for anything else."""
    try:
        old = _FORMAT_3.decode(content)
    except msgspec.DecodeError:
        return None
    if old.format != 3:
        return None
    versions, combinations = zip(*old.tags.values(), strict=True) if old.tags else ((), ())
    try:
        combination_of = array("I", combinations)
    except OverflowError:  # an index no cache of 4 billion combinations would hold
        return None
    return BuildCache(
        format=CACHE_FORMAT,
        complete=old.complete,
        files=old.files,
        theme=old.theme,
        matches=old.matches,
        combinations=old.combinations,
        tagged="\n".join(old.tags),
        versions=b"".join(versions),
        combination_of=_index_bytes(combination_of),
        pages=old.pages,
        inputs=old.inputs,
    )


def save_cache(output: Path, cache: BuildCache, read: bytes = b"") -> None:
    """Write the cache unless the file holds these bytes; `read` is the file as this build read
    it (CacheRead.content), which spares reading 14 MB back to compare."""
    write_state(output / CACHE_NAME, _ENCODER.encode(cache), read, "the build cache")


def is_safe_relative(path: str) -> bool:
    """A plain relative path inside the output folder: no absolute path, `..`, `.` or empty part."""
    wrapped = f"/{path}/"
    return not ("//" in wrapped or "/./" in wrapped or "/../" in wrapped or "\\" in path or "\x00" in path or "\n" in path)


def _first_unsafe(paths: list[str]) -> str | None:
    """The first path that is_safe_relative refuses, or None. Asked of 100,000 paths by every
    build: when no newline is in any of them, each path wrapped in "/" and joined by newlines
    is searched once, in C, for what the check looks for; only when that finds something are
    the paths checked one by one."""
    joined = "/\n/".join(paths)
    if joined.count("\n") == len(paths) - 1:
        wrapped = f"/{joined}/" if paths else ""
        if not any(part in wrapped for part in ("//", "/./", "/../", "\\", "\x00")):
            return None
    return next((path for path in paths if not is_safe_relative(path)), None)


def _problem(cache: BuildCache) -> str | None:
    if cache.format != CACHE_FORMAT:
        return f"it has format {cache.format}, this sitegen writes {CACHE_FORMAT}"
    unsafe = _first_unsafe(list(cache.files))
    if unsafe is not None:
        return f"it lists the path {unsafe!r}, which is not inside the output folder"
    matches, combinations = len(cache.matches), len(cache.combinations)
    tagged = cache.tagged.count("\n") + 1 if cache.tagged else 0
    if len(cache.versions) != 16 * tagged or len(cache.combination_of) != 4 * tagged:
        return "its tags disagree with the papers it lists"
    if any(i >= matches for combination in cache.combinations for i in combination) or (
        tagged and max(_read_indexes(cache.combination_of)) >= combinations
    ):
        return "its tags refer to topic matches it does not hold"
    return None


def _ignored(path: Path, why: str) -> str:
    return (
        f"{path}: ignoring the build cache: {why}. "
        "This build compares files instead (slower, nothing is lost); it writes a new cache"
    )
