"""Matching every unit of one field at once, from the field's word tokens.

A *unit* is one term looked for in one field. Instead of one regular expression per unit per
paper, the field's text is cut once into word tokens (normalize.token_text: one
`bytes.translate` and one `split`, both in C), and:

- a one-word term matches exactly when a token equals the word or its plural (`transformer`,
  `transformers`), or starts with its prefix (`reason*`);
- any other term (a phrase, an acronym, `C++`) is confirmed with its own reference regular
  expression, but only on papers holding both a token its match could start with and one it
  could end with ("model merging" needs "model" or "modelmerging", and "merging");
- a regex (`re:`) can't be judged from tokens: it runs on every paper, which is why it costs
  more than any other term.

What each distinct token tells (which units it matches, may start or may end) is worked out
once and remembered, so after a few thousand papers a paper costs one tokenisation, two set
operations in C and a few look-ups for the tokens that matter, whatever the number of topics. The reference semantics live in
terms.py; tests check that this matcher agrees with them on the whole real archive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sitegen.rules.normalize import cased, fold, token_text
from sitegen.rules.terms import Term

_MEMO_LIMIT = 2_000_000  # distinct tokens remembered per field before the memo starts over
# A user regex that runs out of its time budget (user_regex.SEARCH_TIMEOUT) on this many papers
# is not run again in this process: its topics tag no further paper, so one pathological
# expression costs a bounded time, not the budget times the size of the archive.
MAX_TIMEOUTS = 3


@dataclass(frozen=True)
class Unit:
    id: int
    field: str
    term: Term


# What a token tells, encoded as ints so that whole sets of tokens combine with C-level unions:
# - in `opens`: the id of each unit the token matches by itself (a one-word term), and
#   id + _CODE for each unit whose match may start with the token;
# - in `closes`: id + _CODE for each unit whose match may end with the token.
# A unit is confirmed with its regex only when the paper has both an opening and a closing token
# of it: "model merging" waits for "model" (or "modelmerging") AND "merging".
_CODE = 1 << 24  # above every unit id
DIRECT, FIRST, LAST, BOTH = 0, 1, 2, 3


class FieldMatcher:
    """Every unit of one field, and a memo of what each token seen so far tells."""

    def __init__(self, field: str, units: list[Unit]) -> None:
        self.field = field
        self.exact: dict[bytes, list[tuple[int, int]]] = {}  # token -> [(unit, role)]
        # Prefixes grouped by their first two bytes, so classifying a token looks at few of them.
        self.prefixes: dict[bytes, list[tuple[bytes, int, int]]] = {}
        always: set[int] = set()
        direct: set[int] = set()
        for unit in units:
            triggers = _triggers(unit.term)
            if not triggers:
                always.add(unit.id)
            for key, role in triggers:
                if role == DIRECT:
                    direct.add(unit.id)
                if isinstance(key, tuple):  # ("prefix", p)
                    self.prefixes.setdefault(key[1][:2], []).append((key[1], unit.id, role))
                else:
                    self.exact.setdefault(key, []).append((unit.id, role))
        self.always = frozenset(always)
        self.direct = frozenset(direct)
        self.short_prefixes = any(len(group) == 1 for group in self.prefixes)
        self.indexed = bool(self.exact or self.prefixes)
        # Each unit's regex is compiled the first time a paper needs it confirmed: a daily build
        # tags a few dozen papers, which confirm a few units, and compiling all of them (some
        # 400 with 30 topics) took longer than tagging the day.
        self.terms = {unit.id: unit.term for unit in units}
        self.confirmers: dict[int, tuple[int, Callable[[str], object], tuple[bytes, ...]]] = {}
        self.timeouts: dict[int, int] = {}  # unit id -> searches that ran out of time
        self.abandoned: set[int] = set()  # units that timed out MAX_TIMEOUTS times
        # The memo: every token met so far; for the interesting ones, what they open and close.
        self.seen: set[bytes] = set()
        self.interesting: set[bytes] = set()
        self.opens: dict[bytes, frozenset[int]] = {}
        self.closes: dict[bytes, frozenset[int]] = {}

    def match(self, text: str, matched: set[int], timed_out: set[int], skipped: set[int]) -> None:
        """Add to `matched` the id of every unit of this field that matches `text`; to
        `timed_out` the units whose regex ran out of time on it, and to `skipped` those not run
        because they had timed out MAX_TIMEOUTS times before."""
        if not text:
            return
        candidates = set(self.always)
        folded = b""
        if self.indexed:
            folded = token_text(text)
            found = set(folded.split())
            new = found - self.seen
            if new:
                self._classify(new)
            hits = found & self.interesting
            if hits:
                events = set().union(*map(self.opens.__getitem__, hits))
                matched |= events & self.direct
                events -= self.direct
                if events:  # some match may start here: which of them may also end?
                    events &= set().union(*map(self.closes.__getitem__, hits))
                    candidates.update(code - _CODE for code in events)
        candidates -= matched
        if candidates:
            self._confirm(text, folded, candidates, matched, (timed_out, skipped))

    def _classify(self, new: set[bytes]) -> None:
        if len(self.seen) > _MEMO_LIMIT:  # bound the memory of a very long-running process
            for memo in (self.seen, self.interesting, self.opens, self.closes):
                memo.clear()
        for token in new:
            pairs = list(self.exact.get(token, ()))
            group = self.prefixes.get(token[:2], [])
            if self.short_prefixes:  # one-byte prefixes ("c" of "C++") are grouped under one byte
                group = group + self.prefixes.get(token[:1], [])
            pairs.extend((unit, role) for prefix, unit, role in group if token.startswith(prefix))
            if pairs:
                self.interesting.add(token)
                self.opens[token] = frozenset(unit if role == DIRECT else unit + _CODE for unit, role in pairs if role != LAST)
                self.closes[token] = frozenset(unit + _CODE for unit, role in pairs if role in (LAST, BOTH))
        self.seen |= new

    def _confirm(
        self, text: str, folded: bytes, candidates: set[int], matched: set[int], undecided: tuple[set[int], set[int]]
    ) -> None:
        timed_out, skipped = undecided
        forms: dict[int, str] = {}
        for unit_id in candidates:
            if unit_id in self.abandoned:
                skipped.add(unit_id)
                continue
            confirmer = self.confirmers.get(unit_id)
            if confirmer is None:
                confirmer = self.confirmers[unit_id] = _confirmer(self.terms[unit_id])
            kind, search, middle = confirmer
            # Inner words of a longer phrase must occur somewhere: a substring test in C.
            if middle and not all(word in folded for word in middle):
                continue
            form = forms.get(kind)
            if form is None:
                form = forms[kind] = text if kind == _ORIGINAL else cased(text) if kind == _CASED else fold(text)
            try:
                found = search(form)
            except TimeoutError:  # only a user regex has a budget (user_regex.py)
                timed_out.add(unit_id)
                self.timeouts[unit_id] = count = self.timeouts.get(unit_id, 0) + 1
                if count >= MAX_TIMEOUTS:
                    self.abandoned.add(unit_id)
                continue
            if found:
                matched.add(unit_id)


_FOLDED, _CASED, _ORIGINAL = 0, 1, 2


def _confirmer(term: Term) -> tuple[int, Callable[[str], object], tuple[bytes, ...]]:
    """Which form of the text the term's regex runs on, its compiled search, and the inner words
    of a simple phrase of three or more words (the first and last are known to be there)."""
    kind = _ORIGINAL if term.is_regex else _CASED if term.case_sensitive else _FOLDED
    middle = tuple(fold(word).encode("utf-8") for word in term.words[1:-1]) if term.simple else ()
    return kind, term.searcher(), middle


Key = bytes | tuple[str, bytes]  # an exact token, or ("prefix", p) for tokens starting with p


def _triggers(term: Term) -> list[tuple[Key, int]]:
    """The tokens that decide a term, or that a match of it must start (FIRST) and end (LAST) with.

    Empty when no token can tell (a regex, a term starting with punctuation): such a unit is
    confirmed on every paper.
    """
    if not term.simple:
        first = _leading_word(term)
        return [(("prefix", first), BOTH)] if first else []
    words = [fold(word).encode("utf-8") for word in term.words]
    suffixes = (b"", b"s", b"es")
    joined = b"".join(words)
    if len(words) == 1:
        role = BOTH if term.case_sensitive else DIRECT
        if term.wildcard:
            return [(("prefix", joined), role)]
        return [(joined + suffix, role) for suffix in suffixes]
    # A match's first token is the first j words run together ("pre-training" starts with "pre"
    # or is "pretraining"); its last token is the last words run together, plus the plural.
    found: list[tuple[Key, int]] = [(b"".join(words[:count]), FIRST) for count in range(1, len(words))]
    tails = [b"".join(words[start:]) for start in range(len(words))]  # tails[0] == joined
    if term.wildcard:
        found.append((("prefix", joined), FIRST))
        found.extend((("prefix", tail), LAST) for tail in tails)
    else:
        found.extend((joined + suffix, FIRST) for suffix in suffixes)
        found.extend((tail + suffix, LAST) for tail in tails for suffix in suffixes)
    return found


def _leading_word(term: Term) -> bytes:
    """The folded word characters a match of a non-simple term starts a token with (b"" if none)."""
    if term.is_regex or not term.words:
        return b""
    first = fold(term.words[0])
    end = 0
    while end < len(first) and (first[end].isalnum() or first[end] == "_"):
        end += 1
    return first[:end].encode("utf-8")
