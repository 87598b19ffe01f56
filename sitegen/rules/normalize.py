"""Text normalisation shared by terms and papers, so both sides compare the same way.

Two forms of a text exist:
- *folded*: Unicode case folding plus compatibility decomposition with accents and other
  combining marks removed ("Étude" -> "etude", "ﬁne" -> "fine"); every term except acronyms
  compares against this form.
- *cased*: the same without case folding ("Étude" -> "Etude"); acronyms (`RL`, `LLM`) compare
  against this form, so they stay case-sensitive but accent-insensitive.

Both forms are defined character by character (each source character maps to zero or more
characters), which makes the mapping from a normalised offset back to the original text exact;
`explain` needs that to highlight what matched. ASCII text, nearly every abstract, takes a fast
path that is provably the same mapping (case folding ASCII is `lower()`; decomposition is a no-op).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Dashes that join words inside compounds ("vision–language") become "-" so that a term's
# hyphen/space rule treats them like an ASCII hyphen. Soft hyphens are invisible: dropped.
_DASHES = {0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0xFE63: "-", 0xFF0D: "-"}
_DROPPED = {0x00AD: None}


def _strip_marks(text: str) -> str:
    # Category M (Mn, Mc, Me) covers every combining mark, including those with combining class 0.
    out = [_DASHES.get(ord(c), c) for c in text if not unicodedata.category(c).startswith("M") and ord(c) not in _DROPPED]
    return "".join(out)


@functools.lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """The folded form of one character (may be empty or several characters)."""
    # NFKD(casefold(NFKD(x))) is the Unicode standard's compatibility caseless match form.
    return _strip_marks(unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold()))


@functools.lru_cache(maxsize=65536)
def cased_char(char: str) -> str:
    """The cased (not folded) form of one character."""
    return _strip_marks(unicodedata.normalize("NFKD", char))


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    return "".join(map(fold_char, text))


def cased(text: str) -> str:
    if text.isascii():
        return text
    return "".join(map(cased_char, text))


def with_offsets(text: str, folded: bool) -> tuple[str, list[int]]:
    """The normalised form of `text` and, for each of its characters, the index it came from.

    A final entry equal to len(text) lets an end offset map back too.
    """
    convert = fold_char if folded else cased_char
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = convert(char)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    offsets.append(len(text))
    return "".join(pieces), offsets


# --- tokens, for the fast matcher -----------------------------------------------------------
# A token is a maximal run of word characters (regex `\w`) of the folded text, as UTF-8 bytes.
# For ASCII text, one bytes.translate() maps word characters to lower case and everything else
# to a space, and split() yields the tokens: about ten times faster than re.findall(r"\w+").
_ASCII_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_TOKEN_TABLE = bytes((c if c in _ASCII_WORD else 32) for c in range(256)).lower()
_NON_WORD = re.compile(r"\W+")


def token_text(text: str) -> bytes:
    """`text` folded, as UTF-8, with every run of non-word characters turned into spaces.

    Its tokens are `.split()`; a token starting with `p` is an occurrence of b" " + p in
    b" " + token_text(text).
    """
    if text.isascii():
        return text.encode("ascii").translate(_TOKEN_TABLE)
    return _NON_WORD.sub(" ", fold(text)).encode("utf-8")


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"
