"""What the search head needs of a chunk's words, summarised once per chunk and kept between builds.

For every indexed word that starts with an ASCII letter or digit (the words a head prefix can
complete to): how many papers of the chunk have it (df) and its HEAD_RESULTS best papers there,
by q (chunk.py's quantized BM25F weight), then newest. Summaries of several chunks combine into
one (dfs add up, the best papers are the best of all), so a daily build combines the summary of
the unchanged chunks, kept from the last build, with the newest chunk's.

Plain data only: arrays inside MessagePack, decoded by msgspec into fixed types.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
import orjson

HEAD_RESULTS = 3
_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_FIELDS = 3  # q, chunk, doc


class StoredWords(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    terms: bytes  # "\n"-joined, sorted
    df: bytes  # int64 per term
    best: bytes  # int32 per term x HEAD_RESULTS x (q, chunk, doc); q = 0: no paper


@dataclass(frozen=True)
class ChunkWords:
    terms: list[str]  # sorted
    df: np.ndarray  # int64
    best: np.ndarray  # int32 (terms, HEAD_RESULTS, 3): q, chunk number, doc; q = 0 pads

    def numbered(self, number: int) -> ChunkWords:
        """The summary of one chunk as chunk `number` of the index (its place changes as chunks merge)."""
        best = self.best.copy()
        best[:, :, 1] = np.where(best[:, :, 0] > 0, number, 0)
        return ChunkWords(self.terms, self.df, best)

    def stored(self) -> StoredWords:
        return StoredWords("\n".join(self.terms).encode(), self.df.astype("<i8").tobytes(), self.best.astype("<i4").tobytes())

    @classmethod
    def from_stored(cls, stored: StoredWords) -> ChunkWords:
        terms = stored.terms.decode().split("\n") if stored.terms else []
        df = np.frombuffer(stored.df, dtype="<i8").astype(np.int64)
        best = np.frombuffer(stored.best, dtype="<i4").astype(np.int32)
        if len(df) != len(terms) or len(best) != len(terms) * HEAD_RESULTS * _FIELDS or terms != sorted(terms):
            raise ValueError("the kept head words disagree in length or order")
        return cls(terms, df, best.reshape(len(terms), HEAD_RESULTS, _FIELDS))


def chunk_words(folder: Path, number: int) -> ChunkWords:
    """The summary of the chunk in `folder` (its t/ files), as chunk `number` of the index."""
    pairs: list[tuple[str, list[int]]] = []
    for path in sorted((folder / "t").glob("*.json")):
        pairs.extend(item for item in orjson.loads(path.read_bytes()).items() if item[0][:1] in _FIRST)
    pairs.sort()  # terms are unique: sorted by term
    terms = [term for term, _ in pairs]
    lists = [postings for _, postings in pairs]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    values = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
    owner = np.repeat(np.arange(len(terms), dtype=np.int64), lengths)
    # Postings are doc deltas * 32 + q, each term's first from doc 0.
    steps = values // 32
    running = np.cumsum(steps)
    firsts = np.r_[0, np.cumsum(lengths)[:-1]]
    docs = running - np.repeat(running[firsts] - steps[firsts], lengths) if len(values) else running
    return _best_of(terms, owner, values % 32, np.full(len(values), number, dtype=np.int64), docs, lengths)


def combine(parts: list[ChunkWords]) -> ChunkWords:
    """One summary of several chunks' summaries."""
    parts = [part for part in parts if part.terms] or parts[:1]
    if len(parts) <= 1:
        return parts[0] if parts else ChunkWords([], np.zeros(0, np.int64), np.zeros((0, HEAD_RESULTS, _FIELDS), np.int32))
    every = sorted(set(itertools.chain.from_iterable(part.terms for part in parts)))
    position = {term: number for number, term in enumerate(every)}
    df = np.zeros(len(every), dtype=np.int64)
    owners, rows = [], []
    for part in parts:
        where = np.fromiter(map(position.__getitem__, part.terms), dtype=np.int64, count=len(part.terms))
        np.add.at(df, where, part.df)
        owners.append(np.repeat(where, HEAD_RESULTS))
        rows.append(part.best.reshape(-1, _FIELDS))
    owner, best = np.concatenate(owners), np.concatenate(rows).astype(np.int64)
    kept = best[:, 0] > 0
    owner, best = owner[kept], best[kept]
    combined = _best_of(every, owner, best[:, 0], best[:, 1], best[:, 2], None)
    return ChunkWords(every, df, combined.best)


def _best_of(
    terms: list[str], owner: np.ndarray, qs: np.ndarray, chunks: np.ndarray, docs: np.ndarray, lengths: np.ndarray | None
) -> ChunkWords:
    """Each term's HEAD_RESULTS best (q, chunk, doc): highest q, then the newest (later chunk,
    later doc); df from `lengths` (postings per term) when given."""
    order = np.lexsort((-docs, -chunks, -qs, owner))
    owner, qs, chunks, docs = owner[order], qs[order], chunks[order], docs[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    kept = rank < HEAD_RESULTS
    best = np.zeros((len(terms), HEAD_RESULTS, _FIELDS), dtype=np.int32)
    best[owner[kept], rank[kept]] = np.stack([qs[kept], chunks[kept], docs[kept]], axis=1)
    df = lengths if lengths is not None else np.zeros(len(terms), dtype=np.int64)
    return ChunkWords(terms, df.astype(np.int64), best)
