"""Topics are computed at build time from the config's rules, never stored.

This is the first rule language: `any` terms (one must match) and `none` terms (none may), each
a whole-word, case-insensitive match in the title or abstract, with an optional plural.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.config import TopicConfig
from sitegen.models import Paper

FIELDS = ("title", "abstract")


@dataclass(frozen=True, slots=True)
class TopicMatch:
    slug: str
    # Human-readable reasons, e.g. "matched 'diffusion' in the title".
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class _Term:
    text: str
    pattern: re.Pattern[str]


def _compile_term(term: str) -> _Term:
    words = [re.escape(word) for word in term.split()]
    body = r"[\s-]+".join(words)
    return _Term(term, re.compile(rf"(?<!\w){body}(?:e?s)?(?!\w)", re.IGNORECASE))


@dataclass(frozen=True)
class _CompiledTopic:
    slug: str
    any: tuple[_Term, ...]
    none: tuple[_Term, ...]


class Tagger:
    """Compiled rules for every topic; `tag(paper)` gives the topics a paper belongs to."""

    def __init__(self, topics: tuple[TopicConfig, ...]) -> None:
        self.topics = tuple(
            _CompiledTopic(t.slug, tuple(map(_compile_term, t.any)), tuple(map(_compile_term, t.none))) for t in topics
        )

    def tag(self, paper: Paper) -> tuple[TopicMatch, ...]:
        texts = {"title": paper.title, "abstract": paper.abstract}
        matches = []
        for topic in self.topics:
            if any(term.pattern.search(texts[f]) for term in topic.none for f in FIELDS):
                continue
            reasons = tuple(
                f"matched '{term.text}' in the {field}"
                for term in topic.any
                for field in FIELDS
                if term.pattern.search(texts[field])
            )
            if reasons or not topic.any:
                matches.append(TopicMatch(topic.slug, reasons or ("the topic has no 'any' terms",)))
        return tuple(matches)
