"""Math spans of `sitegen.text.tex` (`$...$`, `$$...$$`, `\\(...\\)`) read as Unicode text.

A span is read in two passes. The strict pass turns it into Unicode only when every part has
one Unicode reading ("O(n²)", "xₜ₊₁"). When it cannot, the plain pass writes the span as people
type math in plain text: scripts Unicode has no characters for become `_RL` / `^(K+1)`, and an
unknown command keeps its name ("π_RL", "p_θ(y ∣ x)"). Only a span that is not math at all
(garbled markup such as `textbf{x}` without its backslash, `&`, `%`) keeps its source text.

Every step of the reader consumes a token and every nesting level a `{` or a command, and the
nesting is limited to MAX_DEPTH: hostile input ends in `TexTooDeep`, never a RecursionError.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sitegen.text.tex_symbols import (
    DELIMITER_SIZES,
    DOUBLE_STRUCK,
    ESCAPES,
    MATH_ACCENTS,
    OPERATORS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SWITCHES,
    SYMBOLS,
    WRAPPERS,
)

# Groups and commands nest at most this deep (real titles and abstracts: under 10).
MAX_DEPTH = 32

_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)
_WORD = re.compile(r"[\w.′*]+")
_DOTLESS = {"ı": "i", "ȷ": "j"}


class Unconvertible(Exception):
    """Raised inside a math span that this pass cannot read; the caller falls back."""


class TexTooDeep(Exception):
    """Nesting beyond MAX_DEPTH: the whole text is shown as written (with a warning)."""


def math_or_source(content: str, source: str, depth: int = 0) -> str:
    """The span's Unicode reading, its plain-text reading, or else its source text."""
    for plain in (False, True):
        try:
            return _MathParser(content, plain, depth).convert()
        except Unconvertible:
            continue
    return source


class _MathParser:
    """A small recursive-descent reader of inline math: groups, commands, `^` and `_`."""

    def __init__(self, content: str, plain: bool, depth: int) -> None:
        self.tokens = _MATH_TOKEN.findall(content)
        self.pos = 0
        self.plain = plain
        self.depth = depth

    def convert(self) -> str:
        text = " ".join(self.sequence(in_group=False).split())
        if not text:
            raise Unconvertible
        return text

    def sequence(self, in_group: bool) -> str:
        parts: list[str] = []
        tokens = self.tokens
        while self.pos < len(tokens):
            token = tokens[self.pos]
            if token == "}":
                if not in_group:
                    raise Unconvertible
                self.pos += 1
                return "".join(parts)
            if token in ("^", "_"):
                self.pos += 1
                parts.append(self.script(self.argument(), token))
            else:
                if token == "{" and parts and parts[-1][-1:].isalpha():
                    raise Unconvertible  # "textbf{x}" without its backslash is garbled, not math
                parts.append(self.atom())
        if in_group:
            raise Unconvertible
        return "".join(parts)

    def script(self, text: str, mark: str) -> str:
        try:
            return to_script(text, SUPERSCRIPTS if mark == "^" else SUBSCRIPTS)
        except Unconvertible:
            if not self.plain or not text.strip():
                raise
        text = text.strip()
        return f"{mark}{text}" if len(text) == 1 or _WORD.fullmatch(text) else f"{mark}({text})"

    def next_token(self) -> str:
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(self.tokens):
            raise Unconvertible
        return self.tokens[self.pos]

    def argument(self) -> str:
        token = self.next_token()
        if token in ("}", "^", "_"):
            raise Unconvertible
        return self.atom()

    def atom(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "{":
            return self.nested(lambda: self.sequence(in_group=True))
        if token.isspace():
            return " "
        if token.startswith("\\"):
            return self.nested(lambda: self.command(token[1:]))
        if token in ("&", "#", "%", "$"):
            raise Unconvertible
        if token == "~":
            return " "
        if token == "'":
            return "′"
        return token

    def nested(self, read: Callable[[], str]) -> str:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TexTooDeep
        try:
            return read()
        finally:
            self.depth -= 1

    def command(self, name: str) -> str:
        if name in ESCAPES:
            return ESCAPES[name]
        if name in WRAPPERS:
            return self.argument()
        if name == "mathbb":
            return "".join(DOUBLE_STRUCK.get(char, char) for char in self.argument())
        if name in ("frac", "dfrac", "tfrac"):
            numerator, denominator = self.argument(), self.argument()
            return f"{_operand(numerator)}/{_operand(denominator)}"
        if name == "sqrt":
            return self.root()
        if name in DELIMITER_SIZES:
            # \left( shows "(", \right. shows nothing.
            if self.next_token() == ".":
                self.pos += 1
                return ""
            return self.atom()
        if name in MATH_ACCENTS:
            return self.accented(self.argument(), MATH_ACCENTS[name])
        if name == "not":
            return self.argument() + "\u0338"
        if name in ("textsuperscript", "textsubscript"):
            return self.script(self.argument(), "^" if name == "textsuperscript" else "_")
        if name in SWITCHES or name in ("limits", "nolimits"):
            return ""
        if name in OPERATORS:
            return name
        if name in SYMBOLS:
            return SYMBOLS[name]
        if not self.plain or not name.isalpha():
            raise Unconvertible
        # An author's own macro: "\method" reads as its name; "\mathnew{x}" as its argument.
        return "" if self.pos < len(self.tokens) and self.tokens[self.pos] == "{" else name

    def accented(self, base: str, mark: str) -> str:
        if len(base) == 1:
            return _DOTLESS.get(base, base) + mark
        if self.plain:
            return base
        raise Unconvertible

    def root(self) -> str:
        index = ""
        if self.next_token() == "[":
            self.pos += 1
            while self.next_token() != "]":
                index += self.atom()
            self.pos += 1
        sign = {"": "√", "3": "∛", "4": "∜"}.get(index.strip())
        if sign is None:
            if not self.plain:
                raise Unconvertible
            sign = f"root {index.strip()} of "
        return sign + _operand(self.argument())


def _operand(text: str) -> str:
    """Parenthesise a fraction part or root argument unless it is one symbol or a number."""
    text = text.strip()
    return text if len(text) == 1 or text.isalnum() or text.replace(".", "").isdigit() else f"({text})"


def to_script(text: str, table: dict[str, str]) -> str:
    if not text:
        raise Unconvertible
    try:
        return "".join(table[char] for char in text)
    except KeyError:
        raise Unconvertible from None

