"""Topics are computed at build time from the config's rules, never stored.

The rule language lives in `sitegen.rules` (terms, queries, the fast engine, explanations);
this module is the small interface the renderers use: `Tagger(topics).tag(paper)` gives the
topics a paper is in, each with a human sentence saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.config import TopicConfig
from sitegen.errors import ConfigError
from sitegen.models import Paper
from sitegen.rules.engine import CompiledTopic, Engine
from sitegen.rules.fields import labels
from sitegen.rules.topic import TopicRule, TopicRuleError, compile_topic


@dataclass(frozen=True, slots=True)
class TopicMatch:
    slug: str
    # Human-readable reasons, e.g. "matched 'diffusion' in the title".
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def compile_topics(topics: tuple[TopicConfig, ...]) -> tuple[TopicRule, ...]:
    """Compile every topic, raising one ConfigError with every problem of every topic."""
    rules: list[TopicRule] = []
    problems: list[str] = []
    for topic in topics:
        try:
            rules.append(compile_topic(topic))
        except TopicRuleError as error:
            problems.extend(f"topics.{topic.slug}.{key}: {message}" for key, message in error.problems)
    if problems:
        raise ConfigError("topics", problems)
    return tuple(rules)


class Tagger:
    """Compiled rules for every topic; `tag(paper)` gives the topics a paper belongs to."""

    def __init__(self, topics: tuple[TopicConfig, ...]) -> None:
        self.rules = compile_topics(topics)
        self.engine = Engine(self.rules)
        # The same few combinations of matched terms recur across papers: build each match once.
        self._matches: dict[tuple[int, frozenset[int]], TopicMatch] = {}

    def tag(self, paper: Paper) -> tuple[TopicMatch, ...]:
        return tuple(self._match(topic, matched, paper) for topic, matched in self.engine.matching(paper))

    def _match(self, topic: CompiledTopic, matched: set[int], paper: Paper) -> TopicMatch:
        hits = topic.positive_units.intersection(matched)
        if not hits:
            return TopicMatch(topic.rule.slug, _fallback_reason(topic, paper))
        key = (id(topic), frozenset(hits))
        match = self._matches.get(key)
        if match is None:
            if len(self._matches) > 100_000:
                self._matches.clear()
            match = self._matches[key] = TopicMatch(topic.rule.slug, _reasons(topic, hits))
        return match


def _reasons(topic: CompiledTopic, hits: set[int] | frozenset[int]) -> tuple[str, ...]:
    reasons: list[str] = []
    seen: set[str] = set()
    for text, units in topic.positive:
        fields = [field for unit, field in units if unit in hits]
        if fields and text not in seen:
            seen.add(text)
            reasons.append(f"matched '{text}' in {labels(fields)}")
    return tuple(reasons)


def _fallback_reason(topic: CompiledTopic, paper: Paper) -> tuple[str, ...]:
    """Only exclusions, an upvote floor or categories decided this topic."""
    rule = topic.rule
    if rule.categories:
        return (f"listed in {', '.join(paper.categories)}",)
    if rule.min_upvotes:
        return (f"has {paper.upvotes or 0} upvotes (at least {rule.min_upvotes})",)
    return ("nothing in the topic's rules excludes it",)
