"""A topic a paper matched, with the reasons: what the tagger produces and the build cache keeps.

In a module of its own so that the build's state files (output/build_cache.py, output/writer.py)
can name it without importing the rule engine, which a build with nothing to do never needs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TopicMatch:
    slug: str
    # Human-readable reasons, e.g. "matched 'diffusion' in the title".
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)
