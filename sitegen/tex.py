"""TeX in titles and abstracts made readable as plain Unicode text.

Paper titles arrive as their authors typed them for LaTeX: `$\\alpha$-divergence`,
`\\textit{Trans-LoRA}`, `$\\mathcal{O}(n^2)$`. Feed readers and pages show text, not TeX, so
`readable_tex` turns what Unicode can say into Unicode ("α-divergence", "Trans-LoRA", "O(n²)")
and leaves everything else exactly as it came:
- a math span (`$...$`, `$$...$$`, `\\(...\\)`) is converted whole or not at all: one command
  or script Unicode cannot express keeps the span's source text, so nothing is silently lost;
- a dollar sign that is money stays ("$1 Million", "costs $5 and $10"): like pandoc, a span
  opens at a `$` followed by a non-space and closes at a `$` preceded by a non-space and not
  followed by a digit;
- an unknown command (an author's own macro such as `\\method`) stays as written.

Why hand-written: pylatexenc's LatexNodes2Text reads "$5 and $10" as math, "%" as a comment
and "&" as an alignment tab, and leaves `^2` alone, so wrapping it would take as much code as
this, and be less predictable. The tables live in `sitegen.tex_symbols`.
"""

from __future__ import annotations

import re
import unicodedata

from sitegen.tex_symbols import (
    ACCENTS,
    DELIMITER_SIZES,
    DOUBLE_STRUCK,
    ESCAPES,
    MATH_ACCENTS,
    OPERATORS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SWITCHES,
    SYMBOLS,
    TEXT_LETTERS,
    WRAPPERS,
)

# Text without any of these characters has no TeX in it: the common case returns at once.
_HINT = re.compile(r"[\\$^_`]")
_SPECIAL = re.compile(r"[\\${^_]")
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_MATH_MARKER = re.compile(r"[\\^_{}]")
_TEX_QUOTES = re.compile(r"``(.+?)''", re.DOTALL)
# Bare scripts outside math ("VILA^2", "2^{128}", "UI2Code^N", "L_2", "V_{0.5}").
_BARE_SUP = re.compile(r"\^(?:(\d+)|\{([^{}\\$]+)\}|([A-Za-z])(?![A-Za-z]))")
_BARE_SUB = re.compile(r"_(?:(\d+)|\{([^{}\\$]+)\})(?!\w)")
_LETTER_RUN = re.compile(r"[^\W\d_]{2}")
_DOTLESS = {"ı": "i", "ȷ": "j"}


class _Unconvertible(Exception):
    """Raised inside a math span that Unicode cannot say; the span keeps its source text."""


def readable_tex(text: str) -> str:
    """Return `text` with the TeX that Unicode can express converted, the rest untouched."""
    if not _HINT.search(text):
        return text
    if "``" in text:
        text = _TEX_QUOTES.sub("“\\1”", text)
    return unicodedata.normalize("NFC", _text_mode(text))


def _text_mode(src: str) -> str:
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        match = _SPECIAL.search(src, i)
        if match is None:
            out.append(src[i:])
            break
        start = match.start()
        out.append(src[i:start])
        char = src[start]
        if char == "$":
            replacement, i = _dollar(src, start)
        elif char == "\\":
            converted = _text_command(src, start)
            replacement, i = converted if converted else ("\\", start + 1)
        elif char == "{":
            replacement, i = _text_group(src, start)
        else:
            converted = _bare_script(src, start)
            replacement, i = converted if converted else (char, start + 1)
        out.append(replacement)
    return "".join(out)


def _text_group(src: str, start: int) -> tuple[str, int]:
    """`{\\Delta}G` -> "ΔG"; braces around plain text are kept as written."""
    close = _matching_brace(src, start)
    if close < 0 or "\\" not in src[start + 1 : close]:
        return "{", start + 1
    inner = _text_mode(src[start + 1 : close])
    if "\\" in inner:
        return src[start : close + 1], close + 1
    return inner, close + 1


def _matching_brace(src: str, start: int) -> int:
    depth = 0
    i = start
    while i < len(src):
        char = src[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


# --- math spans ---------------------------------------------------------------------------


def _dollar(src: str, start: int) -> tuple[str, int]:
    """A `$` at `start`: a converted math span and where it ends, or a literal dollar."""
    if src.startswith("$$", start):
        close = src.find("$$", start + 2)
        if close > start + 2:
            return _math_or_source(src[start + 2 : close], src[start : close + 2]), close + 2
        return "$$", start + 2
    close = _closing_dollar(src, start)
    if close < 0:
        return "$", start + 1
    content = src[start + 1 : close]
    # "$5 and 10$" is money, not math: math without any TeX markup is a single short token.
    if not _MATH_MARKER.search(content) and any(ch.isspace() for ch in content):
        return "$", start + 1
    return _math_or_source(content, src[start : close + 1]), close + 1


def _closing_dollar(src: str, start: int) -> int:
    """Index of the `$` that closes a span opened at `start`, or -1 if this `$` is money."""
    n = len(src)
    if start + 1 >= n or src[start + 1].isspace():
        return -1
    i = start + 1
    while i < n:
        char = src[i]
        if char == "\\":
            i += 2
            continue
        if char == "\n" and src.startswith("\n\n", i):
            return -1  # a span never crosses a paragraph
        if char == "$":
            if src[i - 1].isspace() or (i + 1 < n and src[i + 1].isdigit()):
                return -1
            return i
        i += 1
    return -1


def _math_or_source(content: str, source: str) -> str:
    try:
        return _MathParser(content).convert()
    except _Unconvertible:
        return source


class _MathParser:
    """A small recursive-descent reader of inline math: groups, commands, `^` and `_`."""

    def __init__(self, content: str) -> None:
        self.tokens = _MATH_TOKEN.findall(content)
        self.pos = 0

    def convert(self) -> str:
        text = " ".join(self.sequence(in_group=False).split())
        if not text:
            raise _Unconvertible
        return text

    def sequence(self, in_group: bool) -> str:
        parts: list[str] = []
        tokens = self.tokens
        while self.pos < len(tokens):
            token = tokens[self.pos]
            if token == "}":
                if not in_group:
                    raise _Unconvertible
                self.pos += 1
                return "".join(parts)
            if token in ("^", "_"):
                self.pos += 1
                parts.append(_script(self.argument(), SUPERSCRIPTS if token == "^" else SUBSCRIPTS))
            else:
                if token == "{" and parts and parts[-1][-1:].isalpha():
                    raise _Unconvertible  # "textbf{x}" without its backslash is garbled, not math
                parts.append(self.atom())
        if in_group:
            raise _Unconvertible
        return "".join(parts)

    def next_token(self) -> str:
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(self.tokens):
            raise _Unconvertible
        return self.tokens[self.pos]

    def argument(self) -> str:
        token = self.next_token()
        if token in ("}", "^", "_"):
            raise _Unconvertible
        return self.atom()

    def atom(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "{":
            return self.sequence(in_group=True)
        if token.isspace():
            return " "
        if token.startswith("\\"):
            return self.command(token[1:])
        if token in ("&", "#", "%", "$"):
            raise _Unconvertible
        if token == "~":
            return " "
        if token == "'":
            return "′"
        return token

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
            return _accented(self.argument(), MATH_ACCENTS[name])
        if name == "not":
            return self.argument() + "\u0338"
        if name in ("textsuperscript", "textsubscript"):
            return _script(self.argument(), SUPERSCRIPTS if name == "textsuperscript" else SUBSCRIPTS)
        if name in SWITCHES or name in ("limits", "nolimits"):
            return ""
        if name in OPERATORS:
            return name
        if name in SYMBOLS:
            return SYMBOLS[name]
        raise _Unconvertible

    def root(self) -> str:
        index = ""
        if self.next_token() == "[":
            self.pos += 1
            while self.next_token() != "]":
                index += self.atom()
            self.pos += 1
        sign = {"": "√", "3": "∛", "4": "∜"}.get(index.strip())
        if sign is None:
            raise _Unconvertible
        return sign + _operand(self.argument())


def _operand(text: str) -> str:
    """Parenthesise a fraction part or root argument unless it is one symbol or a number."""
    text = text.strip()
    return text if len(text) == 1 or text.isalnum() or text.replace(".", "").isdigit() else f"({text})"


def _accented(base: str, mark: str) -> str:
    if len(base) != 1:
        raise _Unconvertible
    return _DOTLESS.get(base, base) + mark


def _script(text: str, table: dict[str, str]) -> str:
    if not text:
        raise _Unconvertible
    try:
        return "".join(table[char] for char in text)
    except KeyError:
        raise _Unconvertible from None


# --- text mode ----------------------------------------------------------------------------


def _text_command(src: str, start: int) -> tuple[str, int] | None:
    """A command outside math: its reading and where it ends, or None to keep the source."""
    match = _COMMAND.match(src, start)
    if match is None:
        return None
    name, end = match.group(1), match.end()
    if name in ("(", "["):
        closing = "\\)" if name == "(" else "\\]"
        close = src.find(closing, end)
        if close < 0:
            return None
        return _math_or_source(src[end:close], src[start : close + 2]), close + 2
    if name in ACCENTS and not name.isalpha() or name in ACCENTS and src.startswith("{", end):
        return _text_accent(src, name, end)
    if not name.isalpha():
        return (ESCAPES[name], end) if name in ESCAPES else None
    if name in TEXT_LETTERS:
        return TEXT_LETTERS[name], _after_empty_group(src, end)
    if name in WRAPPERS or name in ("textsuperscript", "textsubscript", "mathbb"):
        return _text_wrapper(src, name, end)
    if name == "href":
        url = _group_at(src, end)
        label = _group_at(src, url[1]) if url else None
        if label is None or "\\" in label[0]:
            return None
        return _text_mode(label[0]), label[1]
    if name in SWITCHES:
        return "", end + 1 if src.startswith(" ", end) else end
    if name in SYMBOLS:
        symbol = SYMBOLS[name]
        if symbol.endswith(".") and src.startswith(".", end):
            end += 1  # "\etc." is "etc.", not "etc.."
        return symbol, _after_empty_group(src, end)
    if name in OPERATORS:
        return name, end
    return None


def _text_accent(src: str, accent: str, end: int) -> tuple[str, int] | None:
    """`\\"o`, `\\"{o}`, `\\'{\\i}`, `\\v{c}`; `\\~8B` and `GPT-4o\\'s` read as typed."""
    group = _group_at(src, end)
    if group is not None:
        target, after = group
        if target.startswith("\\") and target[1:] in TEXT_LETTERS:
            target = TEXT_LETTERS[target[1:]]
    else:
        target, after = src[end : end + 1], end + 1
    if len(target) != 1 or not target.isalpha():
        # "\~8B" reads as "~8B"; a letter command such as "\b{Bold words}" stays as written.
        return None if accent.isalpha() else (accent, end)
    if accent == "'" and target == "s" and not src[after : after + 1].isalpha() and src[end - 3 : end - 2].isalnum():
        return "'s", after  # an apostrophe typed as an acute accent: "GPT-4o\'s"
    return _DOTLESS.get(target, target) + ACCENTS[accent], after


def _text_wrapper(src: str, name: str, end: int) -> tuple[str, int] | None:
    group = _group_at(src, end)
    if group is None:
        return None
    inner = _text_mode(group[0])
    if "\\" in inner:
        return None
    if name == "mathbb":
        inner = "".join(DOUBLE_STRUCK.get(char, char) for char in inner)
    elif name in ("textsuperscript", "textsubscript"):
        try:
            inner = _script(inner, SUPERSCRIPTS if name == "textsuperscript" else SUBSCRIPTS)
        except _Unconvertible:
            return None
    return inner, group[1]


def _group_at(src: str, start: int) -> tuple[str, int] | None:
    """The content of a `{...}` group starting at `start` (spaces allowed before) and its end."""
    while start < len(src) and src[start] == " ":
        start += 1
    if not src.startswith("{", start):
        return None
    close = _matching_brace(src, start)
    if close < 0:
        return None
    return src[start + 1 : close], close + 1


def _after_empty_group(src: str, end: int) -> int:
    """`\\LaTeX{} is`: the empty group only ends the command name."""
    return end + 2 if src.startswith("{}", end) else end


def _bare_script(src: str, start: int) -> tuple[str, int] | None:
    """Scripts typed outside math, where a plain-text reader would read them the same way."""
    if start == 0:
        return None
    before = src[start - 1]
    if src[start] == "^":
        if not (before.isalnum() or before == ")"):
            return None
        match = _BARE_SUP.match(src, start)
        table = SUPERSCRIPTS
    else:
        # Only after a lone letter ("L_2", "V_{0.5}"): "file_1", "a/b_2" and URLs stay.
        if not before.isalpha() or (start >= 2 and (src[start - 2].isalnum() or src[start - 2] in "/.-_@")):
            return None
        match = _BARE_SUB.match(src, start)
        table = SUBSCRIPTS
    if match is None:
        return None
    content = next(group for group in match.groups() if group)
    if _LETTER_RUN.search(content):
        return None  # "R^{mtimes n}", "360^{circ}": a macro that lost its backslash, not a script
    try:
        return _script(content, table), match.end()
    except _Unconvertible:
        return None
