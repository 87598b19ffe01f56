"""Topics are computed at build time from the config's rules, never stored.

The rule language lives in `sitegen.rules` (terms, queries, the fast engine, explanations);
this module is the small interface the renderers use: `Tagger(topics).tag(paper)` gives the
topics a paper is in, each with a human sentence saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.config.topics import TopicConfig
from sitegen.errors import ConfigError
from sitegen.rules.engine import CompiledTopic, Engine, Undecided
from sitegen.rules.fields import labels
from sitegen.rules.match import TopicMatch
from sitegen.rules.matcher import MAX_TIMEOUTS
from sitegen.rules.topic import TopicRule, TopicRuleError, compile_topic
from sitegen.rules.user_regex import SEARCH_TIMEOUT
from sitegen.store.models import Paper

MAX_TIMEOUT_WARNINGS = 20  # per build: past this, timeouts are only counted


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


@dataclass
class TaggingNotes:
    """What went wrong while tagging: regexes that ran out of time, per topic and paper.

    A paper on which a topic's regex timed out is not put in that topic (its tags are then
    incomplete, so the build does not keep them for the next build). Kept as data so tagging
    spread over worker processes can send its notes back to be merged.
    """

    # (topic slug, term as written, arXiv id) for each search that ran out of time
    timeouts: list[tuple[str, str, str]] = field(default_factory=list)
    # (topic slug, term as written) -> papers left out because the term had timed out too often
    skipped: dict[tuple[str, str], int] = field(default_factory=dict)
    incomplete: set[str] = field(default_factory=set)  # arXiv ids with an undecided topic

    def record(self, paper: Paper, undecided: list[Undecided]) -> None:
        self.incomplete.add(paper.arxiv_id)
        for item in undecided:
            slug = item.topic.rule.slug
            self.timeouts.extend((slug, term.text, paper.arxiv_id) for term in item.timed_out)
            for term in item.skipped:
                self.skipped[(slug, term.text)] = self.skipped.get((slug, term.text), 0) + 1

    def merge(self, other: TaggingNotes) -> None:
        self.timeouts.extend(other.timeouts)
        for key, count in other.skipped.items():
            self.skipped[key] = self.skipped.get(key, 0) + count
        self.incomplete |= other.incomplete

    def warning_lines(self) -> list[str]:
        """One line per timeout (up to MAX_TIMEOUT_WARNINGS), then one per abandoned term."""
        timeouts = sorted(set(self.timeouts))  # a term may time out in two fields of one paper
        lines = [
            f"topics.{slug}: the regular expression {term!r} ran out of its {SEARCH_TIMEOUT:g} s time budget "
            f"on paper {arxiv_id}, which is left out of the topic; simplify the expression (see README, Topic rules)"
            for slug, term, arxiv_id in timeouts[:MAX_TIMEOUT_WARNINGS]
        ]
        if len(timeouts) > MAX_TIMEOUT_WARNINGS:
            lines.append(f"... and {len(timeouts) - MAX_TIMEOUT_WARNINGS} more regular-expression timeouts")
        lines.extend(
            f"topics.{slug}: the regular expression {term!r} timed out {MAX_TIMEOUTS} times, so it was not run on "
            f"{count} more paper(s), which are left out of the topic; simplify the expression"
            for (slug, term), count in sorted(self.skipped.items())
        )
        return lines


class Tagger:
    """Compiled rules for every topic; `tag(paper)` gives the topics a paper belongs to."""

    def __init__(self, topics: tuple[TopicConfig, ...]) -> None:
        self.rules = compile_topics(topics)
        self.engine = Engine(self.rules)
        # The same few combinations of matched terms recur across papers: build each match once.
        self._matches: dict[tuple[int, frozenset[int]], TopicMatch] = {}
        self.notes = TaggingNotes()

    def tag(self, paper: Paper) -> tuple[TopicMatch, ...]:
        found, undecided = self.engine.matching(paper)
        if undecided:
            self.notes.record(paper, undecided)
        return tuple(self._match(topic, matched, paper) for topic, matched in found)

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
