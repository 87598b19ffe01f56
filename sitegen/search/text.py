"""How search cuts text into terms: the one definition that the index (Python) and the query
(static/search-core.js) must share. tests/test_search_ranking.py runs both on real text and
checks they agree token for token.

- Case, compatibility forms and accents are folded: "Schrödinger" is "schrodinger".
- A word is a run of letters and digits. Runs of Chinese, Japanese or Korean characters have no
  spaces between words, so they become overlapping character pairs ("大语言模型" -> "大语",
  "语言", "言模", "模型"), or the single character when the run is one character long.
- Light plural folding: "transformers" is "transformer", "studies" "study", "approaches"
  "approach"; words that only look plural ("loss", "analysis", "corpus") are kept.
- Every token takes a position, stop words and too-short words too, so a phrase's words must be
  at the same distances in the text as in the query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

MIN_WORD, MAX_WORD = 2, 32  # in code points, for words outside CJK runs
# Words too common to narrow a search; they still count as positions in phrases.
STOPWORDS = tuple(
    sorted(
        [
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "but",
            "by",
            "can",
            "for",
            "from",
            "has",
            "have",
            "in",
            "into",
            "is",
            "it",
            "its",
            "of",
            "on",
            "or",
            "our",
            "that",
            "the",
            "their",
            "these",
            "this",
            "to",
            "via",
            "was",
            "we",
            "were",
            "which",
            "while",
            "with",
        ]
    )
)
_STOP = frozenset(STOPWORDS)
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile("[\u0300-\u036f]")
# Han (with extension A and compatibility ideographs), kana, Hangul syllables.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_SPLIT = re.compile(f"([{CJK_RANGES}]+)")
_LETTERS = re.compile(r"[a-z]+")
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def normalize(text: str) -> str:
    """Lower case, compatibility forms and no accents (search-core.js: toLowerCase, NFKD, strip marks, one sigma)."""
    # Final sigma: JavaScript's toLowerCase writes "ς" at a word's end, Python's lower() "σ".
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.lower())).replace("ς", "σ")


def fold(word: str) -> str:
    """Light plural folding of a normalized word of Latin letters (search-core.js `fold`)."""
    if len(word) < 4 or not _LETTERS.fullmatch(word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s"):
        return word
    return word[:-1]


@lru_cache(maxsize=1 << 18)
def _run_terms(run: str) -> tuple[str | None, ...]:
    """The terms of one run of letters and digits, one per position (a bound cache: words repeat)."""
    if run.isascii():
        indexed = MIN_WORD <= len(run) <= MAX_WORD and run not in _STOP
        return (fold(run) if indexed else None,)
    found: list[str | None] = []
    for part in _CJK_SPLIT.split(run):
        if not part:
            continue
        if _CJK_SPLIT.fullmatch(part):
            found.extend([part] if len(part) == 1 else [part[start : start + 2] for start in range(len(part) - 1)])
        else:
            found.append(fold(part) if MIN_WORD <= len(part) <= MAX_WORD and part not in _STOP else None)
    return tuple(found)


class _AsciiTerms(dict[bytes, "str | None"]):
    """A run of ASCII letters and digits -> its one term (or None): looked up with a C-level
    map over a text's runs, computed once per distinct word. Bounded: cleared when it grows past
    _ASCII_CACHE words (a build meets a few hundred thousand)."""

    def __missing__(self, run: bytes) -> str | None:
        if len(self) >= _ASCII_CACHE:
            self.clear()
        term = self[run] = _run_terms(run.decode("ascii"))[0]
        return term


class Vocabulary(dict["str | None", int]):
    """term -> a number, given in order of first sight; None (a position without a term) is -1.
    Read with `map(vocabulary.__getitem__, terms)`: a C-level loop, new terms numbered on the way."""

    def __init__(self) -> None:
        super().__init__({None: -1})

    def __missing__(self, term: str | None) -> int:
        number = self[term] = len(self) - 1
        return number


_ASCII_CACHE = 1 << 20
_ASCII_TERMS = _AsciiTerms()
# Upper case to lower, anything but a letter or digit to a space: runs are what split() returns.
_ASCII_RUNS = bytes(c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))


def positioned(text: str) -> list[str | None]:
    """The term at every position of `text`; None for a stop word or a word too short or too long
    to index, which still takes its position."""
    if text.isascii():
        # The common case, twice as fast: no accents to fold, one term per run.
        return list(map(_ASCII_TERMS.__getitem__, text.encode("ascii").translate(_ASCII_RUNS).split()))
    found: list[str | None] = []
    for run in _WORD.findall(normalize(text)):
        found.extend(_run_terms(run))
    return found


def tokens(text: str) -> Iterator[tuple[int, str | None]]:
    """(position, term) for every token of `text` (see `positioned`)."""
    return enumerate(positioned(text))


def terms(text: str) -> list[str]:
    """The indexed terms of `text`, in order, repeats kept."""
    return [term for term in positioned(text) if term is not None]
