"""Each paper's id and store version, in listing order: read once per build and shared by the
search stages (related papers and the index), which compare them with what they kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np

from sitegen.store.models import Paper


@dataclass(frozen=True)
class PaperKeys:
    ids: list[str]
    versions: bytes  # 16 bytes per paper (Store.paper_versions; zeros when unknown)
    # Every id followed by "\n", as one string, and where each paper's starts: a run of papers'
    # ids is one slice of it (digested without joining 100,000 strings again).
    joined: bytes = field(default=b"", repr=False)
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64), repr=False)

    @classmethod
    def of(cls, papers: Sequence[Paper], versions: Mapping[str, bytes] | None) -> PaperKeys:
        ids = list(map(attrgetter("arxiv_id"), papers))  # map: a C-level loop over 100,000 papers
        joined = ("\n".join(ids) + "\n").encode() if ids else b""
        starts = np.r_[0, np.cumsum(np.fromiter(map(len, ids), dtype=np.int64, count=len(ids)) + 1)].astype(np.int64)
        versions = versions or {}
        try:
            version_bytes = b"".join(map(versions.__getitem__, ids))
            if len(version_bytes) == 16 * len(ids):
                return cls(ids, version_bytes, joined, starts)
        except KeyError:
            pass
        version_bytes = b"".join(versions.get(arxiv_id, b"").ljust(16, b"\0")[:16] for arxiv_id in ids)
        return cls(ids, version_bytes, joined, starts)

    def ids_of(self, start: int, end: int) -> memoryview:
        """The ids of papers [start, end), each followed by "\\n"."""
        return memoryview(self.joined)[int(self.starts[start]) : int(self.starts[end])]
