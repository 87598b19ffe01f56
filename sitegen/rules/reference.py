"""The reference matcher: each term's own regular expression, run on each field of a paper.

This is the definition the fast engine is checked against, the source of `explain`'s evidence
(with exact positions in the original text), and the "naive loop" of benchmarks/tagging.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sitegen.errors import RuleTimeout
from sitegen.rules.fields import field_text, has_category
from sitegen.rules.nodes import And, Leaf, Node, Not, Or
from sitegen.rules.normalize import cased, fold, with_offsets
from sitegen.rules.terms import Term
from sitegen.rules.topic import TopicRule
from sitegen.rules.user_regex import SEARCH_TIMEOUT
from sitegen.store.models import Paper

SNIPPET_CONTEXT = 40  # characters of context on each side of a highlighted match
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Hit:
    field: str
    start: int  # offsets in the field's original text
    end: int
    text: str  # the original words that matched
    snippet: str  # the match in context, marked «like this»


class PaperTexts:
    """A paper's fields in the forms terms compare against, each computed once.

    With `offsets`, normalised forms keep the map back to the original text (for `explain`);
    without, they are computed the cheap way (for the naive loop).
    """

    def __init__(self, paper: Paper, offsets: bool = False) -> None:
        self.paper = paper
        self.offsets = offsets
        self._forms: dict[tuple[str, str], tuple[str, list[int] | None]] = {}

    def original(self, field: str) -> str:
        return self.form(field, "original")[0]

    def form(self, field: str, kind: str) -> tuple[str, list[int] | None]:
        key = (field, kind)
        cached = self._forms.get(key)
        if cached is None:
            text = self._forms[(field, "original")][0] if (field, "original") in self._forms else field_text(self.paper, field)
            if kind == "original":
                cached = (text, None)
            elif self.offsets:
                cached = with_offsets(text, folded=kind == "folded")
            else:
                cached = ((fold if kind == "folded" else cased)(text), None)
            self._forms[key] = cached
        return cached


def _kind(term: Term) -> str:
    return "original" if term.is_regex else "cased" if term.case_sensitive else "folded"


def matches(term: Term, field: str, texts: PaperTexts) -> bool:
    return _search(term, field, texts.form(field, _kind(term))[0]) is not None


def _search(term: Term, field: str, form: str) -> Any:
    try:
        return term.searcher()(form)
    except TimeoutError:
        raise RuleTimeout(
            f"the regular expression {term.text!r} ran out of its {SEARCH_TIMEOUT:g} s time budget on the {field} "
            "of this paper; simplify the expression (see README, Topic rules)"
        ) from None


def find(term: Term, field: str, texts: PaperTexts) -> Hit | None:
    """The first match of `term` in `field`, located in the original text."""
    form, offsets = texts.form(field, _kind(term))
    found = _search(term, field, form)
    if found is None:
        return None
    start, end = found.span()
    if offsets is not None:
        start, end = offsets[start], (offsets[end - 1] + 1 if end > start else offsets[start])
    original = texts.original(field)
    return Hit(field, start, end, original[start:end], snippet(original, start, end))


def snippet(text: str, start: int, end: int, context: int = SNIPPET_CONTEXT) -> str:
    """`text` around [start, end) with the match marked «», cut at word boundaries."""
    before = text[max(0, start - context) : start]
    after = text[end : end + context]
    if start - context > 0 and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if end + context < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return _SPACES.sub(" ", f"{before}«{text[start:end]}»{after}")


def holds(node: Node, texts: PaperTexts) -> bool:
    """Evaluate `node` the plain way: short-circuit booleans over regex searches."""
    if isinstance(node, Leaf):
        return any(matches(node.term, field, texts) for field in node.fields)
    if isinstance(node, Not):
        return not holds(node.child, texts)
    if isinstance(node, And):
        return all(holds(child, texts) for child in node.children)
    assert isinstance(node, Or)
    return any(holds(child, texts) for child in node.children)


def paper_passes(rule: TopicRule, paper: Paper) -> bool:
    """The non-term conditions: upvotes and categories."""
    if rule.min_upvotes and (paper.upvotes or 0) < rule.min_upvotes:
        return False
    return not rule.categories or has_category(paper.categories, rule.categories)


class ReferenceTagger:
    """The naive loop: for every topic, every term's regex on every field of every paper."""

    def __init__(self, rules: tuple[TopicRule, ...]) -> None:
        self.rules = rules

    def tag(self, paper: Paper) -> tuple[str, ...]:
        texts = PaperTexts(paper)
        return tuple(
            rule.slug
            for rule in self.rules
            if paper_passes(rule, paper) and all(holds(clause.node, texts) for clause in rule.clauses)
        )
