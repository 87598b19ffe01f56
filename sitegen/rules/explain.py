"""`sitegen explain`: for every topic, whether a paper is in it and why, clause by clause.

Evidence comes from the reference matcher (reference.py), so what `explain` shows is the
definition of the rules, located in the paper's original text with a highlighted snippet.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.rules.fields import LABELS, has_category, labels
from sitegen.rules.nodes import And, Leaf, Node, Not, Or, leaves
from sitegen.rules.reference import PaperTexts, find
from sitegen.rules.topic import TopicRule
from sitegen.store.models import Paper


@dataclass(frozen=True)
class ClauseResult:
    label: str
    holds: bool
    details: tuple[str, ...]


@dataclass(frozen=True)
class TopicExplanation:
    slug: str
    title: str
    matched: bool
    clauses: tuple[ClauseResult, ...]
    query: str | None


def explain(rules: tuple[TopicRule, ...], titles: dict[str, str], paper: Paper) -> tuple[TopicExplanation, ...]:
    texts = PaperTexts(paper, offsets=True)
    return tuple(_explain_topic(rule, titles.get(rule.slug, rule.slug), paper, texts) for rule in rules)


def _explain_topic(rule: TopicRule, title: str, paper: Paper, texts: PaperTexts) -> TopicExplanation:
    clauses: list[ClauseResult] = []
    for clause in rule.clauses:
        holds, details = _describe(clause.node, texts)
        clauses.append(ClauseResult(clause.label, holds, tuple(details)))
    if not rule.clauses:
        clauses.append(ClauseResult("terms", True, ("the topic has no terms: every paper passes",)))
    if rule.min_upvotes:
        upvotes = paper.upvotes or 0
        clauses.append(
            ClauseResult("min_upvotes", upvotes >= rule.min_upvotes, (f"{upvotes} upvotes; at least {rule.min_upvotes} needed",))
        )
    if rule.categories:
        has = has_category(paper.categories, rule.categories)
        listed = ", ".join(paper.categories) or "none known (the Hugging Face source has no categories)"
        clauses.append(ClauseResult("categories", has, (f"wanted one of {', '.join(rule.categories)}; the paper's: {listed}",)))
    return TopicExplanation(rule.slug, title, all(c.holds for c in clauses), tuple(clauses), rule.query)


def _describe(node: Node, texts: PaperTexts) -> tuple[bool, list[str]]:
    """Whether `node` holds, with the evidence (when it holds) or the reason (when it fails)."""
    if isinstance(node, Leaf):
        hits = [hit for hit in (find(node.term, field, texts) for field in node.fields) if hit]
        if hits:
            return True, [f'{_quote(node.text)} matched "{hit.text}" in {LABELS[hit.field]}: {hit.snippet}' for hit in hits]
        return False, [f"{_quote(node.text)} is not in {labels(node.fields)}"]
    if isinstance(node, Not):
        holds, details = _describe(node.child, texts)
        if holds:
            return False, [f"excluded: {line}" for line in details]
        return True, [f"no excluded term matched ({_names([leaf for leaf, _ in leaves(node.child)])})"]
    results = [_describe(child, texts) for child in node.children]
    if isinstance(node, And):
        if all(holds for holds, _ in results):
            return True, [line for _, lines in results for line in lines]
        return False, [line for holds, lines in results if not holds for line in lines]
    assert isinstance(node, Or)
    if any(holds for holds, _ in results):
        return True, [line for holds, lines in results if holds for line in lines]
    if all(isinstance(child, Leaf) for child in node.children):
        fields = sorted({f for child in node.children for f in child.fields}, key=list(LABELS).index)  # type: ignore[union-attr]
        return False, [f"none of {_names(node.children)} matched in {labels(fields)}"]
    return False, [line for _, lines in results for line in lines]


LISTED_TERMS = 6  # terms named when a clause fails; the rest are counted


def _names(nodes: list[Node] | tuple[Node, ...]) -> str:
    names = [_quote(node.text) for node in nodes]
    if len(names) <= LISTED_TERMS + 1:
        return ", ".join(names)
    return f"{', '.join(names[:LISTED_TERMS])} and {len(names) - LISTED_TERMS} more"


def _quote(text: str) -> str:
    return text if text.startswith('"') else f"'{text}'"


def render_text(paper: Paper, explanations: tuple[TopicExplanation, ...]) -> str:
    """The plain-text report `sitegen explain` prints."""
    days = ", ".join(day.isoformat() for day in paper.listing_days)
    lines = [
        f"{paper.arxiv_id}  {paper.title}",
        f"listed {days} · {paper.upvotes or 0} upvotes · https://arxiv.org/abs/{paper.arxiv_id}",
        "",
    ]
    inside = [e.slug for e in explanations if e.matched]
    lines.append(f"In {len(inside)} of {len(explanations)} topics: {', '.join(inside) or 'none'}")
    for item in explanations:
        lines.append("")
        lines.append(f"{'IN ' if item.matched else 'OUT'}  {item.slug} ({item.title})")
        if item.query:
            lines.append(f"     query: {item.query}")
        for clause in item.clauses:
            mark = "✓" if clause.holds else "✗"
            first, *rest = clause.details or ("",)
            lines.append(f"     {mark} {clause.label}: {first}")
            lines.extend(f"         {line}" for line in rest)
    return "\n".join(lines) + "\n"
