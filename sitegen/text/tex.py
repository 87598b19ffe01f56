"""TeX in titles and abstracts made readable as plain Unicode text, within fixed bounds.

Paper titles arrive as their authors typed them for LaTeX: `$\\alpha$-divergence`,
`\\textit{Trans-LoRA}`, `$\\mathcal{O}(n^2)$`. Feed readers and pages show text, not TeX, so
`readable_tex` turns what Unicode can say into Unicode ("α-divergence", "Trans-LoRA", "O(n²)"):
- a math span (`$...$`, `$$...$$`, `\\(...\\)`) is read by `sitegen.text.tex_math`: in Unicode when
  it can be ("O(n²)"), else as plain-text math ("π_RL", "p_θ(y ∣ x)");
- a dollar sign that is money stays ("$1 Million", "costs $5 and $10"): like pandoc, a span
  opens at a `$` followed by a non-space and closes at a `$` preceded by a non-space and not
  followed by a digit;
- a macro of the author's own is dropped and what it carried kept: `\\method` reads "method",
  `\\b{Bold words}` "Bold words", `\\footnote{x}` " (x)", `R^2{=}0.86` "R²=0.86".

Bounds: a text longer than MAX_TEX_LENGTH, or nesting deeper than MAX_DEPTH (braces, closed or
not, and commands inside math), is returned as written; `tex_problem` says why, so the build
can warn naming the paper. Every loop moves forward through the text, and brace pairs are found
in one pass, so the work is linear in the text times the (bounded) depth.

Why hand-written and not pylatexenc (2.11) as the base, measured with
`benchmarks/tex_corpus.py --pylatexenc` over the 24,621 titles and abstracts of
../shared/data/hf-daily-papers: its `LatexNodes2Text` took ~100 s of CPU where this module
takes ~0.2 s (the build converts every title and abstract); it raised IndexError on 3 real
abstracts (`\\href` with one argument) and RecursionError on the hostile `$` + 500 `{`; and it
reads "costs $5 and $10" as math ("costs 5 and10"), `%` as a comment ("50% & <b>" became "50")
and leaves `^2` alone. Wrapping it safely would take more code than this. The tables live in
`sitegen.text.tex_symbols`, the math reader in `sitegen.text.tex_math`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from sitegen.text.tex_math import MAX_DEPTH, TexTooDeep, Unconvertible, math_or_source, to_script
from sitegen.text.tex_symbols import (
    ACCENTS,
    DOUBLE_STRUCK,
    ESCAPES,
    OPERATORS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SWITCHES,
    SYMBOLS,
    TEXT_LETTERS,
    WRAPPERS,
)

# Five times the longest real abstract: longer text is shown as written, unconverted.
MAX_TEX_LENGTH = 10_000

# Text without any of these characters has no TeX in it: the common case returns at once.
_HINT = re.compile(r"[\\$^_`{]")
_SPECIAL = re.compile(r"[\\${^_]")
_MATH_MARKER = re.compile(r"[\\^_{}]")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
# A quotation stops at the next opening quote, so unclosed ones cost no rescans of the text.
_TEX_QUOTES = re.compile(r"``((?:(?!``|'').)+)''", re.DOTALL)
# Bare scripts outside math ("VILA^2", "2^{128}", "UI2Code^N", "L_2", "V_{0.5}").
_BARE_SUP = re.compile(r"\^(?:(\d+)|\{([^{}\\$]+)\}|([A-Za-z])(?![A-Za-z]))")
_BARE_SUB = re.compile(r"_(?:(\d+)|\{([^{}\\$]+)\})(?!\w)")
_LETTER_RUN = re.compile(r"[^\W\d_]{2}")
_DOTLESS = {"ı": "i", "ȷ": "j"}
_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)
# Commands whose argument is not text for a reader (colours, cross-references, spacing).
_DROPPED_WITH_ARGUMENT = frozenset(["color", "label", "cite", "citep", "citet", "ref", "eqref", "vspace", "hspace"])


def readable_tex(text: str) -> str:
    """Return `text` with its TeX made readable; as written if it is beyond the bounds."""
    return convert_tex(text)[0]


def convert_tex(text: str) -> tuple[str, str | None]:
    """The readable text and None, or `text` as written and why it was not converted."""
    if not _HINT.search(text):
        return text, None
    if len(text) > MAX_TEX_LENGTH:
        return text, f"it is longer than {MAX_TEX_LENGTH:,} characters"
    if text.count("{") > MAX_DEPTH and _brace_depth(text) > MAX_DEPTH:
        return text, f"its TeX nests deeper than {MAX_DEPTH} levels"
    try:
        converted = _TEX_QUOTES.sub("“\\1”", text) if "``" in text else text
        readable = unicodedata.normalize("NFC", _text_mode(converted, 0))
    except TexTooDeep:
        return text, f"its TeX nests deeper than {MAX_DEPTH} levels"
    # Text that is all markup ("\\color{red}") reads as written rather than as nothing.
    return (readable, None) if readable.strip() or not text.strip() else (text, None)


def tex_problem(text: str) -> str | None:
    """Why `readable_tex` shows `text` as written, or None. Cheap for ordinary text: each
    nesting level needs a `{` or a backslash, so only text with many of them is converted."""
    if len(text) > MAX_TEX_LENGTH or text.count("{") + text.count("\\") > MAX_DEPTH:
        return convert_tex(text)[1]
    return None


def _text_mode(src: str, depth: int) -> str:
    if depth > MAX_DEPTH:
        raise TexTooDeep
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
            replacement, i = _dollar(src, start, depth)
        elif char == "\\":
            replacement, i = _text_command(src, start, depth) or _unknown_command(src, start, depth)
        elif char == "{":
            replacement, i = _text_group(src, start, depth)
        else:
            converted = _bare_script(src, start)
            replacement, i = converted if converted else (char, start + 1)
        out.append(replacement)
    return "".join(out)


def _text_group(src: str, start: int, depth: int) -> tuple[str, int]:
    """`{\\Delta}G` -> "ΔG", `R^2{=}0.86` -> "R²=0.86"; braces around words are kept as written."""
    close = _matching_brace(src, start)
    if close < 0:
        return "{", start + 1
    inner = src[start + 1 : close]
    if len(inner) <= 1 and not inner.isalnum() and not inner.isspace():
        return inner, close + 1  # "{}" ends a command name, "{=}" and "{,}" only space a symbol
    if "\\" not in inner:
        return "{", start + 1
    converted = _text_mode(inner, depth + 1)
    if "\\" in converted:
        return src[start : close + 1], close + 1
    return converted, close + 1


@functools.lru_cache(maxsize=MAX_DEPTH + 2)
def _brace_pairs(src: str) -> dict[int, int]:
    """Each `{` of `src` that is closed, with the index of its `}`: one pass over the text."""
    pairs: dict[int, int] = {}
    open_braces: list[int] = []
    for match in _BRACE_OR_ESCAPE.finditer(src):
        if match.group() == "{":
            open_braces.append(match.start())
        elif match.group() == "}" and open_braces:
            pairs[open_braces.pop()] = match.start()
    return pairs


def _brace_depth(src: str) -> int:
    """How deep `{` nest in `src`, closed or not ("$" + 500 "{" is 500 deep)."""
    depth = deepest = 0
    for match in _BRACE_OR_ESCAPE.finditer(src):
        if match.group() == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif match.group() == "}":
            depth = max(depth - 1, 0)
    return deepest


def _matching_brace(src: str, start: int) -> int:
    return _brace_pairs(src).get(start, -1)


# --- math spans ---------------------------------------------------------------------------


def _dollar(src: str, start: int, depth: int) -> tuple[str, int]:
    """A `$` at `start`: a converted math span and where it ends, or a literal dollar."""
    if src.startswith("$$", start):
        close = src.find("$$", start + 2)
        if close > start + 2:
            return math_or_source(src[start + 2 : close], src[start : close + 2], depth), close + 2
        return "$$", start + 2
    close = _closing_dollar(src, start)
    if close < 0:
        return "$", start + 1
    content = src[start + 1 : close]
    # "$5 and 10$" is money, not math: math without any TeX markup is a single short token.
    if not _MATH_MARKER.search(content) and any(ch.isspace() for ch in content):
        return "$", start + 1
    return math_or_source(content, src[start : close + 1], depth), close + 1



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


# --- text mode ----------------------------------------------------------------------------


def _text_command(src: str, start: int, depth: int) -> tuple[str, int] | None:
    """A command outside math: its reading and where it ends, or None if it is not one we know."""
    match = _COMMAND.match(src, start)
    if match is None:
        return None
    name, end = match.group(1), match.end()
    if name in ("(", "["):
        closing = "\\)" if name == "(" else "\\]"
        close = src.find(closing, end)
        if close < 0:
            return None
        return math_or_source(src[end:close], src[start : close + 2], depth), close + 2
    if name in ACCENTS and not name.isalpha() or name in ACCENTS and src.startswith("{", end):
        return _text_accent(src, name, end)
    if not name.isalpha():
        return (ESCAPES[name], end) if name in ESCAPES else None
    if name in TEXT_LETTERS:
        return TEXT_LETTERS[name], _after_empty_group(src, end)
    if name in WRAPPERS or name in ("textsuperscript", "textsubscript", "mathbb"):
        return _text_wrapper(src, name, end, depth)
    if name == "href":
        url = _group_at(src, end)
        if url is None:
            return None
        label = _group_at(src, url[1])
        # `\href{url}{label}` reads as its label; a link that lost its label as its address.
        return (_text_mode(label[0], depth + 1), label[1]) if label else (url[0], url[1])
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
        # "\~8B" reads as "~8B"; a letter command such as "\b{Bold words}" is read as unknown.
        return None if accent.isalpha() else (accent, end)
    if accent == "'" and target == "s" and not src[after : after + 1].isalpha() and src[end - 3 : end - 2].isalnum():
        return "'s", after  # an apostrophe typed as an acute accent: "GPT-4o\'s"
    return _DOTLESS.get(target, target) + ACCENTS[accent], after


def _text_wrapper(src: str, name: str, end: int, depth: int) -> tuple[str, int] | None:
    group = _group_at(src, end)
    if group is None:
        return None
    inner = _text_mode(group[0], depth + 1)
    if name == "mathbb":
        inner = "".join(DOUBLE_STRUCK.get(char, char) for char in inner)
    elif name in ("textsuperscript", "textsubscript"):
        try:
            inner = to_script(inner, SUPERSCRIPTS if name == "textsuperscript" else SUBSCRIPTS)
        except Unconvertible:
            return None
    return inner, group[1]


def _unknown_command(src: str, start: int, depth: int) -> tuple[str, int]:
    """A command we do not know, read so that no backslash or brace of it reaches a reader.

    An author's own macro reads as its name (`\\method` is "method": dropping it would leave
    "we introduce , a benchmark"); one with an argument as the argument (`\\b{Bold words}`);
    `\\footnote{x}` as " (x)"; a wrapper whose group never closes loses only its opening brace.
    """
    match = _COMMAND.match(src, start)
    if match is None:
        return "\\", start + 1  # a lone backslash at the end
    name, end = match.group(1), match.end()
    if not name.isalpha():
        # "\1 million": a `\$` whose `$` the source lost; other escapes stay as typed.
        return ("", start + 1) if name.isdigit() else ("\\", start + 1)
    group = _group_at(src, end, spaces=False)
    if name in _DROPPED_WITH_ARGUMENT:
        return "", group[1] if group else end
    if group is not None and group[0]:
        inner = _text_mode(group[0], depth + 1)
        return (f" ({inner.strip()})" if name == "footnote" else inner), group[1]
    if src.startswith("{}", end):
        return name, end + 2
    if src.startswith("{", end) and name in WRAPPERS:
        return "", end + 1  # "\\textbf{Self-Reward Decoding) for": the group was never closed
    if src.startswith("~", end):
        return name + " ", end + 1  # "\\ModelName~outperforms": a tie after the name
    return name, end


def _group_at(src: str, start: int, spaces: bool = True) -> tuple[str, int] | None:
    """The content of a `{...}` group starting at `start` (spaces allowed before) and its end."""
    while spaces and start < len(src) and src[start] == " ":
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
        return to_script(content, table), match.end()
    except Unconvertible:
        return None
