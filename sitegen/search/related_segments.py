"""Related papers kept by segments of consecutive papers (see related_state.py).

A segment holds, for papers [start, end):
- every word they have (sorted, as UTF-8 bytes: the order of Python's and NumPy's string sort),
  and for each word the papers that have it, ascending, with the paper's weight for it
  (related.py `weights`, row by row, so a weight never depends on the other papers);
- each paper's id, a digest of its title and abstract, and its related papers as JSON.

It is stored as one file of plain arrays behind a small MessagePack header (no pickle), read
through a memory map: a new day touches only the words it asks for, and a page only its list.
"""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import numpy as np
import orjson

from sitegen.search.csr import Csr, spans
from sitegen.store.files import atomic_write

if TYPE_CHECKING:  # SciPy is imported by the functions that use it: a build that computes no
    # related list (a daily build keeps them) does not pay its import (0.4 s).
    from scipy import sparse


class _Header(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    start: int
    end: int
    terms: int
    width: int
    postings: int
    lists: int
    ids: int


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    terms: np.ndarray  # bytes ("S"), sorted, unique
    ptr: np.ndarray  # int64, len(terms) + 1: word i's postings are [ptr[i], ptr[i + 1])
    papers: np.ndarray  # int32, ascending within a word
    weights: np.ndarray  # float64
    digests: bytes  # 16 bytes per paper (related_state.text_digest)
    offsets: np.ndarray  # int64, papers + 1: each paper's list in `lists`
    lists: bytes  # JSON per paper: [[paper number, [shared words]], ...]
    ids: bytes  # "\n"-joined

    @classmethod
    def empty(cls, at: int) -> Segment:
        return cls(
            at, at, _NO_WORDS, np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0), b"", np.zeros(1, np.int64), b"", b""
        )

    @classmethod
    def of_rows(cls, matrix: sparse.csr_matrix, terms: np.ndarray, begin: int, end: int, first: int) -> Segment:
        """Rows [begin, end) of a weights matrix whose columns are `terms` (sorted), as papers
        numbered from `first`; without ids, digests and lists yet (see `with_papers`)."""
        by_word = matrix[begin:end].tocsc()  # row indices come out ascending within a column
        return cls.of_words(Csr(by_word.indptr.astype(np.int64), by_word.indices, by_word.data, end - begin), terms, first)

    @classmethod
    def of_words(cls, by_word: Csr, terms: np.ndarray, first: int) -> Segment:
        """`of_rows` from the weights by word (a row per term of `terms`, its papers ascending:
        the transpose of the papers' rows), as papers numbered from `first`."""
        counts = np.diff(by_word.indptr)
        present = np.flatnonzero(counts)
        return cls(
            first,
            first + by_word.width,
            terms[present] if len(present) else _NO_WORDS,
            np.r_[0, np.cumsum(counts[present])].astype(np.int64),
            (by_word.indices.astype(np.int64) + first).astype(np.int32),
            by_word.data.astype(np.float64),
            b"",
            np.zeros(1, np.int64),
            b"",
            b"",
        )

    def with_papers(self, ids: Sequence[str], digests: bytes, lists: Sequence[bytes]) -> Segment:
        """The segment with its papers' ids, digests and lists (JSON each)."""
        offsets = np.r_[0, np.cumsum([len(entry) for entry in lists])].astype(np.int64)
        return replace(self, digests=digests, offsets=offsets, lists=b"".join(lists), ids="\n".join(ids).encode())

    def cut(self, at: int) -> Segment:
        """The same segment without the papers from `at` on."""
        if at >= self.end:
            return self
        at = max(at, self.start)
        kept = self.papers < at
        owner = np.repeat(np.arange(len(self.terms)), np.diff(self.ptr))[kept]
        counts = np.bincount(owner, minlength=len(self.terms))
        present = np.flatnonzero(counts)
        papers = at - self.start
        return Segment(
            self.start,
            at,
            self.terms[present] if len(present) else _NO_WORDS,
            np.r_[0, np.cumsum(counts[present])].astype(np.int64),
            np.ascontiguousarray(self.papers[kept]),
            np.ascontiguousarray(self.weights[kept]),
            self.digests[: papers * 16],
            np.array(self.offsets[: papers + 1]),
            self.lists[: int(self.offsets[papers])],
            "\n".join(self.id_list()[:papers]).encode(),
        )

    def id_list(self) -> list[str]:
        return self.ids.decode().split("\n") if self.ids else []

    def list_of(self, paper: int) -> list[tuple[int, list[str]]]:
        """Paper `paper`'s related papers: (paper number, shared words) each."""
        number = paper - self.start
        entries = orjson.loads(self.lists[int(self.offsets[number]) : int(self.offsets[number + 1])])
        return [(int(column), [str(word) for word in shares]) for column, shares in entries]

    def find(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of `words` (bytes): whether this segment has it, and its index if so."""
        if not len(self.terms) or not len(words):
            return np.zeros(len(words), dtype=bool), np.zeros(len(words), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.terms, words), len(self.terms) - 1)
        return self.terms[at] == words, at

    def to_bytes(self) -> bytes:
        width = max(self.terms.dtype.itemsize, 1)
        header = msgspec.msgpack.encode(
            _Header(self.start, self.end, len(self.terms), width, len(self.papers), len(self.lists), len(self.ids))
        )
        parts = [
            len(header).to_bytes(8, "little"),
            header.ljust(-(-len(header) // 8) * 8, b"\0"),  # the arrays start 8-byte aligned
            self.ptr.astype("<i8").tobytes(),
            self.weights.astype("<f8").tobytes(),
            self.offsets.astype("<i8").tobytes(),
            self.papers.astype("<i4").tobytes(),
            self.digests,
            self.terms.astype(f"S{width}").tobytes(),
            self.lists,
            self.ids,
        ]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes | mmap.mmap | memoryview) -> Segment:
        """A segment read back; a damaged one raises ValueError."""
        view = memoryview(data)
        size = int.from_bytes(view[:8], "little")
        try:
            header = msgspec.msgpack.decode(bytes(view[8 : 8 + size]), type=_Header)
        except msgspec.DecodeError as error:
            raise ValueError(f"segment header: {error}") from None
        papers = header.end - header.start
        at = 8 + -(-size // 8) * 8
        shapes = [
            ("ptr", "<i8", header.terms + 1),
            ("weights", "<f8", header.postings),
            ("offsets", "<i8", papers + 1),
            ("papers", "<i4", header.postings),
            ("digests", "u1", papers * 16),
            ("terms", f"S{header.width}", header.terms),
            ("lists", "u1", header.lists),
            ("ids", "u1", header.ids),
        ]
        arrays: dict[str, np.ndarray] = {}
        for name, kind, count in shapes:
            if count < 0 or at + np.dtype(kind).itemsize * count > len(view):
                raise ValueError("a segment is cut short")
            arrays[name] = np.frombuffer(view, dtype=kind, count=count, offset=at)
            at += np.dtype(kind).itemsize * count
        if at != len(view):
            raise ValueError("a segment has bytes after its end")
        segment = cls(
            header.start,
            header.end,
            arrays["terms"] if header.terms else _NO_WORDS,
            arrays["ptr"].astype(np.int64, copy=False),
            arrays["papers"].astype(np.int32, copy=False),
            arrays["weights"].astype(np.float64, copy=False),
            arrays["digests"].tobytes(),
            arrays["offsets"].astype(np.int64, copy=False),
            arrays["lists"].tobytes(),
            arrays["ids"].tobytes(),
        )
        segment.check()
        return segment

    def save(self, path: Path) -> None:
        atomic_write(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> Segment:
        with path.open("rb") as file:
            return cls.from_bytes(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))

    def check(self) -> None:
        """Cheap consistency checks (a damaged segment raises ValueError)."""
        papers = self.end - self.start
        if len(self.ptr) != len(self.terms) + 1 or self.ptr[0] != 0 or self.ptr[-1] != len(self.papers):
            raise ValueError("a segment's word table disagrees with its postings")
        if len(self.papers) != len(self.weights) or np.any(np.diff(self.ptr) < 0):
            raise ValueError("a segment's postings are out of order")
        if len(self.papers) and (int(self.papers.min()) < self.start or int(self.papers.max()) >= self.end):
            raise ValueError("a segment names papers outside its range")
        if len(self.digests) != papers * 16 or len(self.offsets) != papers + 1 or self.offsets[0] != 0:
            raise ValueError("a segment's paper tables disagree")
        if (
            self.offsets[-1] != len(self.lists)
            or np.any(np.diff(self.offsets) < 0)
            or self.ids.count(b"\n") + 1 != max(papers, 1)
        ):
            raise ValueError("a segment's lists are out of order")


_NO_WORDS = np.array([], dtype="S1")


def as_bytes(words: Sequence[str]) -> np.ndarray:
    """Words as a NumPy bytes array (UTF-8 keeps their order)."""
    if not len(words):
        return _NO_WORDS
    return np.array([word.encode("utf-8", "surrogatepass") for word in words], dtype="S")


def word_frequencies(segments: Sequence[Segment], words: np.ndarray) -> np.ndarray:
    """How many papers of the segments have each of `words` (bytes)."""
    df = np.zeros(len(words), dtype=np.int64)
    for segment in segments:
        found, at = segment.find(words)
        df += np.where(found, segment.ptr[np.minimum(at + 1, len(segment.ptr) - 1)] - segment.ptr[at], 0)
    return df


def gather(segments: Sequence[Segment], words: np.ndarray, rows: np.ndarray, height: int, papers: int) -> Csr:
    """A (height x papers) matrix whose row rows[i] holds the postings of words[i] over every
    segment (papers ascending, as the segments follow each other), other rows empty."""
    keys, columns, values = [], [], []
    for segment in segments:
        found, at = segment.find(words)
        if not found.any():
            continue
        starts = segment.ptr[at[found]]
        lengths = segment.ptr[at[found] + 1] - starts
        take = spans(starts, lengths)
        keys.append(np.repeat(rows[found], lengths))
        columns.append(segment.papers[take].astype(np.int64))
        values.append(segment.weights[take].astype(np.float64))
    if not keys:
        return Csr.empty(height, papers)
    key, column, value = np.concatenate(keys), np.concatenate(columns), np.concatenate(values)
    order = np.argsort(key, kind="stable")  # segments are in paper order: papers stay ascending
    indptr = np.r_[0, np.cumsum(np.bincount(key, minlength=height))].astype(np.int64)
    return Csr(indptr, column[order], value[order], papers)


def merge(segments: Sequence[Segment]) -> Segment:
    """One segment of consecutive segments (oldest first)."""
    parts = [s for s in segments if s.end > s.start] or [segments[0]]
    if len(parts) == 1:
        return parts[0]
    terms = np.unique(np.concatenate([s.terms for s in parts]))
    keys = np.concatenate([np.repeat(np.searchsorted(terms, s.terms), np.diff(s.ptr)) for s in parts])
    order = np.argsort(keys, kind="stable")
    papers = np.concatenate([s.papers for s in parts])[order]
    weights = np.concatenate([s.weights for s in parts])[order]
    ptr = np.r_[0, np.cumsum(np.bincount(keys, minlength=len(terms)))].astype(np.int64)
    bases = np.cumsum([0] + [len(s.lists) for s in parts[:-1]])
    offsets = np.concatenate([[0]] + [s.offsets[1:] + base for s, base in zip(parts, bases, strict=True)]).astype(np.int64)
    return Segment(
        parts[0].start,
        parts[-1].end,
        terms,
        ptr,
        papers.astype(np.int32),
        weights.astype(np.float64),
        b"".join(s.digests for s in parts),
        offsets,
        b"".join(s.lists for s in parts),
        b"\n".join(s.ids for s in parts if s.ids),
    )
