"""Matching every unit of one field at once, from the field's word tokens.

A *unit* is one term looked for in one field. Instead of one regular expression per unit per
paper, the field's text is cut once into word tokens (normalize.token_text: one
`bytes.translate` and one `split`, both in C), and:

- a one-word term matches exactly when a token equals the word or its plural (`transformer`,
  `transformers`), which one set intersection in C finds for all such terms at once;
- a one-word wildcard (`reason*`) matches exactly when a token starts with the prefix, which one
  scan of a trie-shaped regular expression finds for all prefixes at once;
- any other term (a phrase, an acronym, `C++`, a regex) is confirmed with its own reference
  regular expression, but only on papers holding a token that a match must start with.

So a paper costs about the same whatever the number of topics. The reference semantics live in
terms.py; tests check that this matcher agrees with them on the whole real archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.rules.normalize import cased, fold, token_text
from sitegen.rules.terms import Term

_NONE: frozenset[int] = frozenset()
_CACHE_LIMIT = 100_000  # tokens remembered by the prefix classifier before it starts over


@dataclass(frozen=True)
class Unit:
    id: int
    field: str
    term: Term


# What a token tells: units it matches by itself, and units to confirm with their regex.
Actions = tuple[frozenset[int], frozenset[int]]


class FieldMatcher:
    """Every unit of one field."""

    def __init__(self, field: str, units: list[Unit]) -> None:
        self.field = field
        self.units = {unit.id: unit for unit in units}
        exact: dict[bytes, tuple[set[int], set[int]]] = {}
        self.prefixes: list[tuple[bytes, int, bool]] = []  # (prefix, unit, decides by itself)
        always: set[int] = set()
        for unit in units:
            if not _index(unit, exact, self.prefixes):
                always.add(unit.id)
        self.always = frozenset(always)
        self.exact: dict[bytes, Actions] = {k: (frozenset(d), frozenset(c)) for k, (d, c) in exact.items()}
        self.exact_keys = frozenset(self.exact)
        self.prefix_scan = _trie_scanner([prefix for prefix, _, _ in self.prefixes])
        self._prefix_cache: dict[bytes, Actions] = {}

    def match(self, text: str, matched: set[int]) -> None:
        """Add to `matched` the id of every unit of this field that matches `text`."""
        if not text:
            return
        confirm = set(self.always)
        if self.exact_keys or self.prefix_scan:
            folded = token_text(text)
            hits: list[Actions] = [self.exact[token] for token in self.exact_keys.intersection(folded.split())]
            if self.prefix_scan is not None:
                hits.extend(map(self._prefix_actions, self.prefix_scan.findall(b" " + folded)))
            for direct, maybe in hits:
                matched |= direct
                confirm |= maybe
        confirm -= matched
        if confirm:
            self._confirm(text, confirm, matched)

    def _prefix_actions(self, token: bytes) -> Actions:
        """Which prefixes a token found by the scan starts with (the scan returns " token")."""
        actions = self._prefix_cache.get(token)
        if actions is None:
            if len(self._prefix_cache) > _CACHE_LIMIT:
                self._prefix_cache.clear()
            word = token[1:]
            direct = frozenset(unit for prefix, unit, decides in self.prefixes if decides and word.startswith(prefix))
            maybe = frozenset(unit for prefix, unit, decides in self.prefixes if not decides and word.startswith(prefix))
            actions = self._prefix_cache[token] = (direct, maybe)
        return actions

    def _confirm(self, text: str, candidates: set[int], matched: set[int]) -> None:
        forms: dict[str, str] = {}
        for unit_id in sorted(candidates):
            term = self.units[unit_id].term
            kind = "original" if term.is_regex else "cased" if term.case_sensitive else "folded"
            form = forms.get(kind)
            if form is None:
                form = forms[kind] = text if kind == "original" else cased(text) if kind == "cased" else fold(text)
            if term.compiled().search(form):
                matched.add(unit_id)


def _index(unit: Unit, exact: dict[bytes, tuple[set[int], set[int]]], prefixes: list[tuple[bytes, int, bool]]) -> bool:
    """Record which tokens decide or trigger `unit`; False if no token can (confirm on every paper)."""
    term = unit.term
    if not term.simple:
        first = _leading_word(term)
        if not first:
            return False
        prefixes.append((first, unit.id, False))
        return True
    words = [fold(word).encode("utf-8") for word in term.words]
    decides = len(words) == 1 and not term.case_sensitive
    # A match starts with a token made of the first one or more words run together
    # ("pre-training" can start with "pre" or be "pretraining").
    for count in range(1, len(words)):
        exact.setdefault(b"".join(words[:count]), (set(), set()))[1].add(unit.id)
    joined = b"".join(words)
    if term.wildcard:
        prefixes.append((joined, unit.id, decides))
        return True
    for suffix in (b"", b"s", b"es"):
        exact.setdefault(joined + suffix, (set(), set()))[0 if decides else 1].add(unit.id)
    return True


def _leading_word(term: Term) -> bytes:
    """The folded word characters a match of a non-simple term starts a token with (b"" if none)."""
    if term.is_regex or not term.words:
        return b""
    first = fold(term.words[0])
    end = 0
    while end < len(first) and (first[end].isalnum() or first[end] == "_"):
        end += 1
    return first[:end].encode("utf-8")


def _trie_scanner(prefixes: list[bytes]) -> re.Pattern[bytes] | None:
    """One regex finding every token that starts with one of `prefixes`, as b" token".

    Shaped as a trie (`r(?:eason|obot)`) so each position tries one branch per first letter.
    """
    if not prefixes:
        return None
    trie: dict = {}
    for prefix in prefixes:
        node = trie
        for byte in prefix:
            node = node.setdefault(byte, {})
        node[None] = True

    def emit(node: dict) -> bytes:
        if None in node:  # a shorter prefix already accepts every continuation
            return b""
        branches = [re.escape(bytes([byte])) + emit(child) for byte, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"

    return re.compile(b" " + emit(trie) + b"[^ ]*")
