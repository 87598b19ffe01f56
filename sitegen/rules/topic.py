"""A topic's rule: its terms compiled into clauses, each of which must hold.

The lists form becomes up to three kinds of clause: `any` (one of its terms matches), one clause
per `all` entry (one of its `|` alternatives matches), and `none` (no term matches). A query
becomes one clause per top-level AND operand, so `explain` can say which part failed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.rules.nodes import And, Leaf, Node, Not, Or, leaves
from sitegen.rules.query import parse_query
from sitegen.rules.terms import DEFAULT_FIELDS, FIELDS, RuleError, parse_term

if TYPE_CHECKING:
    from sitegen.config.topics import TopicConfig

# arXiv categories: an archive ("cs", "math", "hep-th") optionally followed by a subject ("cs.CL").
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
_REGEX_ALTERNATIVE = re.compile(r"^\s*(?:[A-Za-z_]+:)?re:")
MAX_TERMS = 500  # terms in one topic (each is matched on every paper's fields)
_POINTER_CONTEXT = 60  # characters of the query shown on each side of an error's column


@dataclass(frozen=True)
class Clause:
    label: str  # "any", 'all "LLM | language model"', "none", or a part of the query
    node: Node


@dataclass(frozen=True)
class TopicRule:
    slug: str
    fields: tuple[str, ...]
    clauses: tuple[Clause, ...]
    min_upvotes: int = 0
    categories: tuple[str, ...] = ()
    query: str | None = None


class TopicRuleError(ValueError):
    """Every problem of one topic, as (key relative to the topic, message) pairs."""

    def __init__(self, slug: str, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"topics.{slug}.{key}: {message}" for key, message in problems))
        self.problems = problems


def compile_topic(topic: TopicConfig) -> TopicRule:
    """Compile one topic; raises TopicRuleError listing every problem at once."""
    problems: list[tuple[str, str]] = []
    fields = _fields(topic.fields, problems)
    categories = _categories(topic.categories, problems)
    query = (topic.query or "").strip()
    clauses: list[Clause] = []
    if query and (topic.any or topic.all or topic.none):
        problems.append(("query", "use either query or the any/all/none lists, not both"))
    elif query:
        clauses = _query_clauses(query, fields, problems)
    else:
        clauses = _list_clauses(topic, fields, problems)
    if topic.min_upvotes < 0:
        problems.append(("min_upvotes", f"must be at least 0, got {topic.min_upvotes}"))
    terms = sum(len(leaves(clause.node)) for clause in clauses)
    if terms > MAX_TERMS:
        key = "query" if query else "any"
        problems.append((key, f"the topic has {terms} terms; at most {MAX_TERMS} are allowed: split it into several topics"))
    if problems:
        raise TopicRuleError(topic.slug, problems)
    return TopicRule(topic.slug, fields, tuple(clauses), topic.min_upvotes, categories, query or None)


def _fields(raw: tuple[str, ...], problems: list[tuple[str, str]]) -> tuple[str, ...]:
    good: list[str] = []
    for index, name in enumerate(raw):
        if name in FIELDS:
            if name not in good:
                good.append(name)
            continue
        hint = difflib.get_close_matches(name, FIELDS, n=1)
        advice = f'did you mean "{hint[0]}"?' if hint else f"fields are {', '.join(FIELDS)}"
        problems.append((f"fields[{index}]", f'unknown field "{name}"; {advice}'))
    return tuple(good) or DEFAULT_FIELDS


def _categories(raw: tuple[str, ...], problems: list[tuple[str, str]]) -> tuple[str, ...]:
    for index, category in enumerate(raw):
        if not _CATEGORY.fullmatch(category):
            problems.append((f"categories[{index}]", f'"{category}" is not an arXiv category such as "cs.CL" or "cs"'))
    return tuple(raw)


def _query_clauses(query: str, fields: tuple[str, ...], problems: list[tuple[str, str]]) -> list[Clause]:
    try:
        node = parse_query(query, fields)
    except RuleError as error:
        column = error.column or 1
        # The part of the query around the column, so a long query does not flood the message.
        start = max(0, column - 1 - _POINTER_CONTEXT)
        shown = query[start : column - 1 + _POINTER_CONTEXT]
        pointer = f"\n      {shown}\n      {' ' * (column - 1 - start)}^"
        problems.append(("query", f"syntax error at column {column}: {error.message}{pointer}"))
        return []
    parts = node.children if isinstance(node, And) else (node,)
    return [Clause(part.text, part) for part in parts]


def _list_clauses(topic: TopicConfig, fields: tuple[str, ...], problems: list[tuple[str, str]]) -> list[Clause]:
    clauses: list[Clause] = []
    any_leaves = _leaves("any", topic.any, fields, problems)
    if any_leaves:
        clauses.append(Clause("any", Or(tuple(any_leaves), "any")))
    for index, entry in enumerate(topic.all):
        entry_leaves = _leaves(f"all[{index}]", (entry,), fields, problems, offset=index)
        if entry_leaves:
            clauses.append(Clause(f'all "{entry.strip()}"', Or(tuple(entry_leaves), entry.strip())))
    none_leaves = _leaves("none", topic.none, fields, problems)
    if none_leaves:
        clauses.append(Clause("none", Not(Or(tuple(none_leaves), "none"), "none")))
    return clauses


def _leaves(
    key: str, entries: tuple[str, ...], fields: tuple[str, ...], problems: list[tuple[str, str]], offset: int = 0
) -> list[Leaf]:
    leaves: list[Leaf] = []
    for index, entry in enumerate(entries):
        path = key if key.startswith("all[") else f"{key}[{index + offset}]"
        for alternative in split_alternatives(entry):
            if not alternative.strip():
                problems.append((path, f'"{entry}" has an empty alternative next to "|"'))
                continue
            try:
                term = parse_term(alternative)
            except RuleError as error:
                problems.append((path, error.message))
                continue
            leaves.append(Leaf(term, (term.field,) if term.field else fields, term.text))
    return leaves


def split_alternatives(entry: str) -> list[str]:
    """`"LLM | language model"` -> ["LLM", "language model"]; a `re:` alternative takes the rest."""
    alternatives: list[str] = []
    rest = entry
    while True:
        if _REGEX_ALTERNATIVE.match(rest):
            alternatives.append(rest)
            return alternatives
        head, bar, rest = rest.partition("|")
        alternatives.append(head)
        if not bar:
            return alternatives
