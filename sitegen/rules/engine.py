"""The fast tagger: every topic's rule as a boolean over the set of matched units.

matcher.py finds, per field, which units (a term in a field) match a paper; here each topic is
compiled to a predicate over that set, plus `must`, a set of units of which one has to match
for the topic to be possible, so most topics are ruled out for a paper with one C-level
`isdisjoint`. reference.py is the plain definition this must agree with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sitegen.rules.fields import field_text, has_category
from sitegen.rules.matcher import FieldMatcher, Unit
from sitegen.rules.nodes import And, Leaf, Node, Not, Or, leaves
from sitegen.rules.terms import Term
from sitegen.rules.topic import TopicRule
from sitegen.store.models import Paper

Predicate = Callable[[set[int]], bool]
_NO_UNITS: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CompiledTopic:
    rule: TopicRule
    must: frozenset[int] | None  # at least one of these must match, or the topic cannot
    predicate: Predicate
    # The terms that count for the topic (not under NOT), each with its (unit, field) pairs,
    # and all their units: what `why` is made of.
    positive: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]
    positive_units: frozenset[int]
    units: frozenset[int]  # every unit of the rule, under NOT or not


@dataclass(frozen=True)
class Undecided:
    """A topic left undecided for a paper: a regex of it ran out of time (`timed_out`) or had
    already done so too often to be run again (`skipped`). The paper is not put in the topic."""

    topic: CompiledTopic
    timed_out: tuple[Term, ...]
    skipped: tuple[Term, ...]


class Engine:
    def __init__(self, rules: tuple[TopicRule, ...]) -> None:
        self._ids: dict[tuple[str, bool, bool, str], Unit] = {}
        self.topics = tuple(self._compile(rule) for rule in rules)
        by_field: dict[str, list[Unit]] = {}
        for unit in self._ids.values():
            by_field.setdefault(unit.field, []).append(unit)
        self.fields = tuple(FieldMatcher(field, units) for field, units in by_field.items())
        # Which topics each unit can make possible (through `must`), and the topics that are
        # possible whatever matches; a paper only evaluates the topics its matched units open.
        opened: dict[int, set[int]] = {unit.id: set() for unit in self._ids.values()}
        for index, topic in enumerate(self.topics):
            for unit_id in topic.must or ():
                opened[unit_id].add(index)
        self._opens = {unit: frozenset(indexes) for unit, indexes in opened.items()}
        self._always_open = frozenset(i for i, topic in enumerate(self.topics) if topic.must is None)
        self._terms = {unit.id: unit.term for unit in self._ids.values()}
        # The topics each unit takes part in: those a regex timeout leaves undecided.
        used_by: dict[int, set[int]] = {}
        for index, topic in enumerate(self.topics):
            for unit_id in topic.units:
                used_by.setdefault(unit_id, set()).add(index)
        self._used_by = {unit_id: frozenset(indexes) for unit_id, indexes in used_by.items()}

    def _unit(self, field: str, term: Term) -> int:
        key = (field, term.is_regex, term.case_sensitive, term.pattern)
        unit = self._ids.get(key)
        if unit is None:
            unit = self._ids[key] = Unit(len(self._ids), field, term)
        return unit.id

    def _leaf_units(self, leaf: Leaf) -> tuple[tuple[int, str], ...]:
        return tuple((self._unit(field, leaf.term), field) for field in leaf.fields)

    def _compile(self, rule: TopicRule) -> CompiledTopic:
        root: Node = And(tuple(clause.node for clause in rule.clauses), "")
        positive = tuple(
            (leaf.term.shown, self._leaf_units(leaf)) for leaf, counts in leaves(root) if counts
        )
        units = frozenset(unit for _, pairs in positive for unit, _ in pairs)
        every = frozenset(unit for leaf, _ in leaves(root) for unit, _ in self._leaf_units(leaf))
        return CompiledTopic(rule, self._must(root), self._predicate(root), positive, units, every)

    def _ids_of(self, node: Node) -> frozenset[int]:
        return frozenset(unit for unit, _ in self._leaf_units(node)) if isinstance(node, Leaf) else _NO_UNITS

    def _predicate(self, node: Node) -> Predicate:
        """`node` as one Python function of the matched set.

        The rule is turned into the source of a lambda, e.g.
        `lambda m: (not _0.isdisjoint(m)) and (_1.isdisjoint(m))`, where each `_i` is a frozenset
        of units: one call and a few set tests in C per topic and paper, instead of a tree of
        closures. The source is built only from these generated names and operators, never
        from config text.
        """
        sets: list[frozenset[int]] = []
        source = self._expression(node, sets)
        namespace: dict[str, object] = {"__builtins__": {}}
        namespace.update({f"_{index}": units for index, units in enumerate(sets)})
        return eval(f"lambda m: {source}", namespace)  # noqa: S307 (generated, see above)

    def _expression(self, node: Node, sets: list[frozenset[int]]) -> str:
        if isinstance(node, Leaf) or (isinstance(node, Or) and all(isinstance(c, Leaf) for c in node.children)):
            children = (node,) if isinstance(node, Leaf) else node.children
            sets.append(frozenset().union(*map(self._ids_of, children)))
            return f"not _{len(sets) - 1}.isdisjoint(m)"
        if isinstance(node, Not):
            return f"not ({self._expression(node.child, sets)})"
        parts = [f"({self._expression(child, sets)})" for child in node.children]
        if not parts:
            return "True"
        return (" and " if isinstance(node, And) else " or ").join(parts)

    def _must(self, node: Node) -> frozenset[int] | None:
        """Units of which one must match for `node` to hold (None: no such set)."""
        if isinstance(node, Leaf):
            return self._ids_of(node)
        if isinstance(node, Not):
            return None
        musts = [self._must(child) for child in node.children]
        if isinstance(node, And):
            return min((m for m in musts if m is not None), key=len, default=None)
        return None if any(m is None for m in musts) else frozenset().union(*musts)  # type: ignore[arg-type]

    def matched_units(self, paper: Paper) -> tuple[set[int], set[int], set[int]]:
        """The units that match `paper`; those whose regex ran out of time on it; and those not
        run because their regex had timed out too often before (matcher.MAX_TIMEOUTS)."""
        matched: set[int] = set()
        timed_out: set[int] = set()
        skipped: set[int] = set()
        for matcher in self.fields:
            matcher.match(field_text(paper, matcher.field), matched, timed_out, skipped)
        return matched, timed_out, skipped - timed_out

    def matching(self, paper: Paper) -> tuple[list[tuple[CompiledTopic, set[int]]], list[Undecided]]:
        """The topics `paper` belongs to, in config order, with the units that matched; and the
        topics a regex timeout left undecided (the paper is not in them)."""
        matched, timed_out, skipped = self.matched_units(paper)
        undecided_units = timed_out | skipped
        blocked = frozenset().union(*map(self._used_by.__getitem__, undecided_units)) if undecided_units else _NO_UNITS
        found = []
        undecided = []
        possible = self._always_open.union(*map(self._opens.__getitem__, matched))
        for index in sorted(possible | blocked if blocked else possible):
            topic = self.topics[index]
            rule = topic.rule
            if rule.min_upvotes and (paper.upvotes or 0) < rule.min_upvotes:
                continue
            if rule.categories and not has_category(paper.categories, rule.categories):
                continue
            if index in blocked:
                undecided.append(
                    Undecided(
                        topic,
                        tuple(self._terms[u] for u in sorted(topic.units & timed_out)),
                        tuple(self._terms[u] for u in sorted(topic.units & skipped)),
                    )
                )
            elif topic.predicate(matched):
                found.append((topic, matched))
        return found, undecided
