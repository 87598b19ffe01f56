"""The owner's regular expressions (`re:` terms), compiled and run within bounds.

A regular expression is code: `(a|aa)+$` takes exponential time on a run of a's, and
`(a{1000}){1000}` expands to a million nodes when compiled. So a user regex is

- refused when it is longer than MAX_LENGTH, nests groups deeper than MAX_NESTING, or its counted
  repetitions multiply to more than MAX_EXPANSION (each a RuleError the config reports), and
- run with the `regex` package and a per-call budget of SEARCH_TIMEOUT seconds of CPU time; a
  search over budget raises TimeoutError, which the taggers turn into "this paper is not tagged
  by this topic" with a warning (see rules/engine.py), never a frozen build.

The syntax is Python's `re` (a pattern must compile there too, which also gives its clear
messages); the `regex` package runs it in its re-compatible mode (V0), for the time budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import regex

MAX_LENGTH = 1000  # characters of one `re:` term
MAX_NESTING = 20  # groups inside groups
MAX_EXPANSION = 10_000  # product of nested counted repetitions, such as (x{100}){100}
SEARCH_TIMEOUT = 0.1  # CPU seconds one search of one field of one paper may take


class UserRegexError(ValueError):
    """A regular expression that is invalid or too costly to compile; the message says why."""


def compile_user_regex(source: str) -> regex.Pattern[str]:
    """Compile the owner's regex case-insensitively, after checking it is bounded."""
    if len(source) > MAX_LENGTH:
        raise UserRegexError(f"is {len(source)} characters long; at most {MAX_LENGTH} are allowed")
    _check_size(source)
    try:
        # The syntax is Python's own (README links its documentation), and so are the messages.
        re.compile(source, re.IGNORECASE)
        return regex.compile(source, regex.IGNORECASE | regex.V0)
    except re.error as error:
        at = f" at position {error.pos}" if error.pos is not None else ""
        raise UserRegexError(f"{error.msg}{at}") from None
    except regex.error as error:  # what `re` accepts but `regex` does not; its message names the position too
        raise UserRegexError(str(error)) from None
    except (OverflowError, RecursionError, ValueError) as error:  # e.g. a repeat count too big for the engine
        raise UserRegexError(f"cannot be compiled ({error})") from None


def bounded_search(pattern: regex.Pattern[str]) -> Callable[[str], regex.Match[str] | None]:
    """`pattern.search` with the time budget; raises TimeoutError when the budget is spent."""
    return partial(pattern.search, timeout=SEARCH_TIMEOUT)


def _check_size(source: str) -> None:
    """Refuse deep nesting and counted repetitions that would expand enormously when compiled.

    A rough walk over the pattern, not a parser: each group's weight is the sum of its items'
    weights, and a `{m,n}` after an item multiplies that item's weight by the larger bound.
    Escapes and character classes are skipped so their braces and parentheses do not count.
    """
    stack: list[list[int]] = [[]]  # per open group, the weights of its items so far
    index, length = 0, len(source)
    while index < length:
        char = source[index]
        if char == "\\":
            stack[-1].append(1)
            index += 2
            continue
        if char == "[":
            index = _class_end(source, index)
            stack[-1].append(1)
            continue
        if char == "(":
            if len(stack) > MAX_NESTING:
                raise UserRegexError(f"nests groups more than {MAX_NESTING} deep; simplify it")
            stack.append([])
        elif char == ")" and len(stack) > 1:
            weight = max(1, sum(stack.pop()))
            stack[-1].append(weight)
        elif char == "{":
            bound = _repeat_bound(source, index)
            if bound is not None and stack[-1]:
                stack[-1][-1] *= max(1, bound)
                if stack[-1][-1] > MAX_EXPANSION:
                    raise UserRegexError(
                        f"repeats too much: its counted repetitions ({{m,n}}) multiply to more than {MAX_EXPANSION:,}; use + "
                        "or * instead"
                    )
        else:
            stack[-1].append(1)
        index += 1


def _class_end(source: str, start: int) -> int:
    """The index after the character class opening at `start` (`[]a]` and `[^]a]` included)."""
    index = start + 1
    if index < len(source) and source[index] == "^":
        index += 1
    if index < len(source) and source[index] == "]":
        index += 1
    while index < len(source) and source[index] != "]":
        index += 2 if source[index] == "\\" else 1
    return index + 1


def _repeat_bound(source: str, start: int) -> int | None:
    """The larger bound of a `{m}`, `{m,}` or `{m,n}` quantifier at `start`, else None."""
    end = source.find("}", start)
    if end == -1:
        return None
    low, comma, high = source[start + 1 : end].partition(",")
    numbers = [part.strip() for part in (low, high) if part.strip()]
    if not numbers or not all(part.isascii() and part.isdigit() for part in numbers):
        return None
    # Digits only, and at most a few of them: the bound is checked before int() meets a huge one.
    if any(len(part) > 9 for part in numbers):
        return MAX_EXPANSION + 1
    return max(int(part) for part in numbers)
