"""The boolean structure of a topic's rule: terms combined with AND, OR and NOT.

Both ways of writing a topic (the `any`/`all`/`none` lists and `query`) compile to these nodes,
so matching, explaining and checking have one structure to handle.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.rules.terms import Term


@dataclass(frozen=True)
class Leaf:
    term: Term
    fields: tuple[str, ...]  # where the term is looked for: its own field, or the topic's fields
    text: str  # as written, for messages (the query phrase keeps its quotes)


@dataclass(frozen=True)
class Not:
    child: Node
    text: str


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]
    text: str


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    text: str


Node = Leaf | Not | And | Or


def leaves(node: Node, positive: bool = True) -> list[tuple[Leaf, bool]]:
    """Every leaf in order, with whether it counts for the topic (True) or against it (under NOT)."""
    if isinstance(node, Leaf):
        return [(node, positive)]
    if isinstance(node, Not):
        return leaves(node.child, not positive)
    return [pair for child in node.children for pair in leaves(child, positive)]
