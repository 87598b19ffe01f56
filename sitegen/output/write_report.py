"""What writing the site did: the files written, unchanged and removed, for the build's report.

Apart from the writer, so that a build with nothing to do can report "0 written, N unchanged"
without importing the writer and the store decoders behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0  # pages rendered (the rest were skipped by their key)
    settled: int = 0  # of the unchanged, files kept without even being keyed (settled.py)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.written) + self.unchanged
