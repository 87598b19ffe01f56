"""Related papers kept between builds, so that a new day costs its own papers, not the archive's.

A paper's related papers depend only on the papers listed up to and including its day (see
related.py), so the lists of papers already built never change while new days are appended. What a
new day needs from the papers before it is kept in `<output>/.sitegen-search/related/`, in
segments of consecutive papers (related_segments.py: their words' postings, ids, digests of
title and abstract, lists): sealed segments of about SEAL papers never change and are read
through memory maps; the newest, open segment lives in `state.msgpack` with every paper's store
version, and is rewritten by every build until it holds SEAL papers.

A paper whose store version changed is compared by its text digest, so a refreshed upvote count
is not a change. A new day is scored exactly as a clean build scores it (related.py
`related_papers`: the same weights, the same words in the same sorted order, the same sparse
products), so the lists are identical (tests/test_related_state.py compares them). When a kept
paper changed its text, moved or went away, the days from there on are computed again if they
lie in the open segment, else everything is, as with no state. Everything is plain data
(MessagePack decoded by msgspec into fixed types, arrays read without pickle); a state that does
not decode is rebuilt with a warning.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import numpy as np
import orjson

from sitegen.search.keys import PaperKeys
from sitegen.search.related import encoded_lists, word_counts
from sitegen.search.related_day import related_by_day
from sitegen.search.related_segments import Segment, as_bytes, merge
from sitegen.store.files import atomic_write
from sitegen.store.models import Paper

STATE_FORMAT = 1  # bump when related.py's rule or weights change: every list is computed again
SEAL = 4096  # papers of the open segment before it is sealed
STATE_FILE = "state.msgpack"
_SEGMENT_NAME = re.compile(r"seg-[0-9]+-[0-9]+-[0-9a-f]{16}\.bin")


class _State(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    papers: int
    ids_digest: bytes  # of every kept paper's id, "\n"-joined
    versions: bytes  # 16 bytes per kept paper: its store version
    sealed: list[tuple[str, int, int]]  # segment file, first paper, end
    open: bytes  # the open segment (Segment.to_bytes)


@dataclass
class RelatedLists(Mapping[str, tuple[tuple[str, list[str]], ...]]):
    """Every paper's related papers, (arXiv id, shared words) each, most similar first (what
    site/pages.py shows), decoded from the kept JSON only when a page asks."""

    ids: list[str]
    segments: list[Segment]  # consecutive, covering every paper
    index: dict[str, int] = field(default_factory=dict)  # made when first asked

    def __getitem__(self, arxiv_id: str) -> tuple[tuple[str, list[str]], ...]:
        if not self.index:
            self.index = {arxiv_id: number for number, arxiv_id in enumerate(self.ids)}
        number = self.index[arxiv_id]
        segment = self.segments[bisect.bisect_right([s.start for s in self.segments], number) - 1]
        return tuple((self.ids[column], shares) for column, shares in segment.list_of(number))

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class RelatedResult:
    lists: RelatedLists
    computed: int  # papers whose lists this build computed (the newest; the others' are kept)
    warnings: tuple[str, ...] = ()
    # Digests of the state file as this build read it (b"": none, or unreadable) and as it left
    # it: a build that read what the last complete build left knows the kept lists are that
    # build's (output/settled.py), not those of a build killed after saving its state.
    read: bytes = b""
    saved: bytes = b""


def text_digest(paper: Paper) -> bytes:
    """What related papers read of a paper: its title and abstract."""
    return hashlib.blake2b(
        f"{paper.arxiv_id}\x1e{paper.title}\x1e{paper.abstract}".encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


def update_related(
    folder: Path, papers: Sequence[Paper], versions: Mapping[str, bytes] | None = None, keys: PaperKeys | None = None
) -> RelatedResult:
    """Every paper's related papers (papers oldest first, by first day then id), computing only
    the lists of days the kept state does not hold, and keeping the state for the next build.
    `keys`: the papers' ids and versions, when the caller has them already."""
    keys = keys or PaperKeys.of(papers, versions)
    warnings: list[str] = []
    if (folder / STATE_FILE).exists():
        try:
            content = (folder / STATE_FILE).read_bytes()
            state = _DECODER.decode(content)
            if state.format == STATE_FORMAT:
                segments = _segments(folder, state)
                start = _first_changed(papers, keys, state, segments)
                if start is not None:
                    names = [name for name, _, _ in state.sealed]
                    lists, saved = _append(folder, papers, keys, segments, start, names)
                    return RelatedResult(lists, len(papers) - start, read=_digest(content), saved=saved)
        except (OSError, ValueError, msgspec.DecodeError) as error:
            warnings.append(f"{folder}: the related papers' state cannot be read ({error}); every list is computed again")
    lists, saved = _from_scratch(folder, papers, keys)
    return RelatedResult(lists, len(papers), tuple(warnings), saved=saved)


def _digest(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


def _ids_digest(keys: PaperKeys, papers: int) -> bytes:
    """A digest of the first `papers` papers' ids."""
    return hashlib.blake2b(keys.ids_of(0, papers), digest_size=16).digest()


def _segments(folder: Path, state: _State) -> list[Segment]:
    """The kept segments, sealed then open, checked to follow each other."""
    segments = []
    for name, first, end in state.sealed:
        if not _SEGMENT_NAME.fullmatch(name):
            raise ValueError(f"unexpected segment name {name!r}")
        segment = Segment.load(folder / name)
        segments.append(segment)
        if (segment.start, segment.end) != (first, end):
            raise ValueError(f"segment {name} holds other papers than listed")
    segments.append(Segment.from_bytes(state.open))
    if [s.start for s in segments] != [0, *(s.end for s in segments[:-1])] or segments[-1].end != state.papers:
        raise ValueError("the segments do not follow each other")
    if len(state.versions) != 16 * state.papers:
        raise ValueError("the store versions disagree with the papers")
    return segments


def _first_changed(papers: Sequence[Paper], keys: PaperKeys, state: _State, segments: list[Segment]) -> int | None:
    """The first paper whose list must be computed (a day's first paper), or None when the kept
    segments cannot serve (a change before the open segment)."""
    ids, version_bytes = keys.ids, keys.versions
    kept = state.papers
    if kept <= len(ids) and _ids_digest(keys, kept) == state.ids_digest:
        common = kept
        old = np.frombuffer(state.versions, dtype=np.uint8).reshape(-1, 16)
        new = np.frombuffer(version_bytes[: kept * 16], dtype=np.uint8).reshape(-1, 16)
        # A paper whose store version changed (often only its upvotes) is compared by its text.
        for number in np.flatnonzero((old != new).any(axis=1)).tolist():
            segment = segments[bisect.bisect_right([s.start for s in segments], number) - 1]
            at = (number - segment.start) * 16
            if segment.digests[at : at + 16] != text_digest(papers[number]):
                common = number
                break
    else:
        kept_ids = [arxiv_id for segment in segments for arxiv_id in segment.id_list()]
        common = next((n for n, (a, b) in enumerate(zip(ids, kept_ids, strict=False)) if a != b), min(len(ids), kept))
    # Everything kept is as it was: from the first new paper on. Else the day of the last
    # unchanged paper is computed again too (it may have lost a paper).
    start = kept if common == kept else max(common - 1, 0)
    # From the first paper of that day (a paper added to the last kept day joins its day).
    while 0 < start < len(papers) and papers[start - 1].first_day == papers[start].first_day:
        start -= 1
    return start if start >= segments[-1].start else None


def _from_scratch(folder: Path, papers: Sequence[Paper], keys: PaperKeys) -> tuple[RelatedLists, bytes]:
    ids = keys.ids
    counted = word_counts(papers)
    words = counted[0]
    # Handed over, not kept: encoded_lists drops the counts before its workers fork.
    listed, matrix = encoded_lists(papers, None, counted)
    del counted
    related = dict(listed)
    del listed
    encoded = [related.get(i, b"[]") for i in ids]
    del related
    digests = b"".join(text_digest(p) for p in papers)
    terms = as_bytes(words)
    segments = [
        Segment.of_rows(matrix, terms, begin, end, begin).with_papers(
            ids[begin:end], digests[begin * 16 : end * 16], encoded[begin:end]
        )
        for begin, end in _spans(len(papers))
    ]
    return _save(folder, keys, segments)


def _spans(papers: int) -> list[tuple[int, int]]:
    """Sealed segments of SEAL papers, then the open one (perhaps empty)."""
    sealed = papers - papers % SEAL
    return [(begin, begin + SEAL) for begin in range(0, sealed, SEAL)] + [(sealed, papers)]


def _append(
    folder: Path, papers: Sequence[Paper], keys: PaperKeys, kept: list[Segment], start: int, names: list[str]
) -> tuple[RelatedLists, bytes]:
    """Compute the days from paper `start` on over the kept segments, and keep the result."""
    ids = keys.ids
    segments = [*kept[:-1], kept[-1].cut(start)]
    day_start = start
    while day_start < len(papers):
        day_end = day_start
        while day_end < len(papers) and papers[day_end].first_day == papers[day_start].first_day:
            day_end += 1
        lists, day = related_by_day(papers, day_start, day_end, segments)
        digests = b"".join(text_digest(p) for p in papers[day_start:day_end])
        segments.append(day.with_papers(ids[day_start:day_end], digests, [orjson.dumps(entry) for entry in lists]))
        day_start = day_end
    opened = merge(segments[len(kept) - 1 :])
    if opened.end - opened.start >= SEAL:
        sealed, opened = [*kept[:-1], opened], Segment.empty(opened.end)
    else:
        sealed = kept[:-1]
    return _save(folder, keys, [*sealed, opened], names)


def _save(folder: Path, keys: PaperKeys, segments: list[Segment], names: Sequence[str] = ()) -> tuple[RelatedLists, bytes]:
    """Write the state (new sealed segments first, the state file last, then remove segment
    files it no longer names); returns the lists and the state file's digest. `names`: the
    files of the first sealed segments, already written."""
    folder.mkdir(parents=True, exist_ok=True)
    sealed = []
    for number, segment in enumerate(segments[:-1]):
        if number < len(names):
            name = names[number]
        else:
            data = segment.to_bytes()
            name = f"seg-{segment.start}-{segment.end}-{hashlib.blake2b(data, digest_size=8).hexdigest()}.bin"
            atomic_write(folder / name, data)  # even over a file of that name: it may be damaged
        sealed.append((name, segment.start, segment.end))
    papers = len(keys.ids)
    state = _State(STATE_FORMAT, papers, _ids_digest(keys, papers), keys.versions, sealed, segments[-1].to_bytes())
    content = msgspec.msgpack.encode(state)
    atomic_write(folder / STATE_FILE, content)
    named = {name for name, _, _ in sealed}
    for entry in sorted(folder.iterdir()):
        # Only segment files this module wrote and the state no longer names.
        if _SEGMENT_NAME.fullmatch(entry.name) and entry.name not in named and entry.is_file() and not entry.is_symlink():
            entry.unlink()
    return RelatedLists(keys.ids, segments), _digest(content)


_DECODER = msgspec.msgpack.Decoder(_State)
