"""One term of the rule language, parsed and compiled to the regular expression that defines it.

The regular expression is the *reference semantics*: `explain` and the naive matcher run it, and
the fast matcher (engine.py) must agree with it (a test checks this over the real archive).
For a term of words w1 .. wn it is, against the normalised text (normalize.py):

    w1 (?<!\\w[\\s\\S]{len(w1)})  [\\s-]* w2  ...  [\\s-]* wn  (?:s|es)? (?!\\w)

- the negative look-behind after the first literal is "no word character before w1" (whole
  words); it comes after the literal so Python's regex engine can still scan for the literal
  prefix quickly, which makes the naive loop about ten times faster than a leading `(?<!\\w)`;
- `[\\s-]*` between words: a hyphen or space matches the other, or nothing;
- `(?:s|es)?` the plural of the last word; a trailing `*` replaces it with `\\w*` (prefix).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, overload

import regex

from sitegen.rules.normalize import cased, fold
from sitegen.rules.user_regex import UserRegexError, bounded_search, compile_user_regex

FIELDS = ("title", "abstract", "authors", "org", "keywords", "categories")
DEFAULT_FIELDS = ("title", "abstract")
_FIELD_PREFIX = re.compile(r"([A-Za-z_]+):")
_SEPARATORS = re.compile(r"[\s-]+")
_WORD = re.compile(r"\w+")


class RuleError(ValueError):
    """A term or query that cannot be compiled; `column` (1-based) is set for query errors."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Term:
    text: str  # as written, e.g. "title:diffusion model*", for messages and reasons
    field: str | None  # limited to one field, or None for the topic's fields
    is_regex: bool  # `re:`: a user regular expression, run on the original text
    pattern: str  # the regular expression that defines the term (see the module docstring)
    case_sensitive: bool  # an acronym: compared against the cased, not the folded, text
    words: tuple[str, ...] = ()  # normalised words (not for regexes)
    wildcard: bool = False
    shown: str = ""  # the term without field prefix or quotes, for "matched 'x' in the title"

    @property
    def simple(self) -> bool:
        """Every word is word characters only (no `C++`, `cs.CL`); the fast matcher's common case."""
        return not self.is_regex and all(_WORD.fullmatch(word) for word in self.words)

    def compiled(self) -> re.Pattern[str] | regex.Pattern[str]:
        return _compile(self.pattern, self.is_regex)

    def searcher(self) -> Callable[[str], object]:
        """The term's search; for a user regex it raises TimeoutError past its time budget."""
        compiled = self.compiled()
        return bounded_search(compiled) if isinstance(compiled, regex.Pattern) else compiled.search


# Compiled patterns by (pattern, is_regex). Bounded: a config has at most a few thousand terms,
# and the cache starts over past this size rather than grow in a long-running process.
_CACHE: dict[tuple[str, bool], re.Pattern[str] | regex.Pattern[str]] = {}
_CACHE_LIMIT = 20_000


@overload
def _compile(pattern: str, is_regex: Literal[True]) -> regex.Pattern[str]: ...


@overload
def _compile(pattern: str, is_regex: bool) -> re.Pattern[str] | regex.Pattern[str]: ...


def _compile(pattern: str, is_regex: bool) -> re.Pattern[str] | regex.Pattern[str]:
    key = (pattern, is_regex)
    compiled = _CACHE.get(key)
    if compiled is None:
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
        # The owner's regexes are code to run within bounds (user_regex.py); the patterns made
        # from plain words are linear and use the faster `re`.
        compiled = _CACHE[key] = compile_user_regex(pattern) if is_regex else re.compile(pattern)
    return compiled


def parse_term(raw: str) -> Term:
    """Parse one entry of `any`, `all` or `none` (without `|` alternatives)."""
    text = raw.strip()
    if not text:
        raise RuleError("is an empty term")
    field, body = split_field(text)
    if len(body) >= 2 and body[0] == body[-1] == '"':
        body = body[1:-1].strip()  # `title:"diffusion model"` as in a query; quotes are optional here
    return make_term(text, field, body)


def split_field(text: str) -> tuple[str | None, str]:
    match = _FIELD_PREFIX.match(text)
    if not match or match.group(1) == "re":
        return None, text
    name = match.group(1)
    if name not in FIELDS:
        hint = difflib.get_close_matches(name.lower(), FIELDS, n=1)
        advice = f'did you mean "{hint[0]}"?' if hint else f"fields are {', '.join(FIELDS)}"
        raise RuleError(f'unknown field "{name}" in "{text}"; {advice}')
    body = text[match.end() :].strip()
    if not body:
        raise RuleError(f'"{name}:" needs a term after the colon')
    return name, body


def make_term(text: str, field: str | None, body: str, *, quoted: bool = False) -> Term:
    """Build a term from its parts. `quoted`: a query phrase, where `re:` has no special meaning."""
    if body.startswith("re:") and not quoted:
        return _regex_term(text, field, body[3:])
    return _words_term(text, field, body)


def _regex_term(text: str, field: str | None, source: str) -> Term:
    if not source.strip():
        raise RuleError('"re:" needs a regular expression after the colon')
    try:
        compiled = _compile(source, True)
    except UserRegexError as error:
        raise RuleError(f'invalid regular expression "{_shorten(source)}": {error}') from None
    if compiled.search("", timeout=1.0) is not None:
        raise RuleError(f'regular expression "{source}" matches an empty string, so it would match every paper')
    return Term(text=text, field=field, is_regex=True, pattern=source, case_sensitive=False, shown=f"re:{source}")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_acronym(body: str) -> bool:
    """Written in capitals: at least two letters and no lower-case letter (`RL`, `LLM`, `GPT-4`)."""
    return sum(c.isalpha() for c in body) >= 2 and not any(c.islower() for c in body)


def _words_term(text: str, field: str | None, body: str) -> Term:
    acronym = is_acronym(body)
    normalised = (cased if acronym else fold)(body).strip()
    wildcard = normalised.endswith("*")
    if wildcard:
        normalised = normalised[:-1].rstrip()
    if "*" in normalised:
        raise RuleError(f'"{text}": "*" may only end a term, as a prefix wildcard such as reason*')
    words = tuple(word for word in _SEPARATORS.split(normalised) if word)
    if not any(_WORD.search(word) for word in words):
        raise RuleError(f'"{text}" has no letter or digit to match')
    if wildcard and _SEPARATORS.match(body.rstrip()[-2::-1] or " "):
        raise RuleError(f'"{text}": "*" must follow a word directly, as in reason*')
    first = words[0]
    parts = [re.escape(first) + rf"(?<!\w[\s\S]{{{len(first)}}})"]
    parts.extend(r"[\s-]*" + re.escape(word) for word in words[1:])
    parts.append(r"\w*" if wildcard else r"(?:s|es)?(?!\w)")
    return Term(
        text=text,
        field=field,
        is_regex=False,
        pattern="".join(parts),
        case_sensitive=acronym,
        words=words,
        wildcard=wildcard,
        shown=body.strip(),
    )
