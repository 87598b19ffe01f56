"""Typed access to one table of a parsed TOML document, collecting every problem.

Each section parser asks for the keys it knows (`reader.text("title")`); whatever it did not ask
for is reported as unknown with a did-you-mean hint. So the schema lives in one place, the
parser, and an added key can never be forgotten by the unknown-key check.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from typing import Any, TypeVar

from sitegen.config.values import control_character_problem

T = TypeVar("T")
_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+(?:\[\d+\])?\Z")
_MISSING: Any = object()


class TableReader:
    def __init__(self, table: Any, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        if table is None:
            table = {}
        if not isinstance(table, dict):
            self.problem(path, f"must be a table, got {_type_name(table)}")
            table = {}
        self.table: dict[str, Any] = table
        self.asked: set[str] = set()

    def key_path(self, key: str) -> str:
        key = _printable_key(key)
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key_path: str, message: str) -> None:
        self.problems.append(f"{key_path}: {message}")

    def has(self, key: str) -> bool:
        self.asked.add(key)
        return key in self.table

    def _get(self, key: str, expected: type | tuple[type, ...], default: Any, what: str) -> Any:
        self.asked.add(key)
        if key not in self.table:
            if default is _MISSING:
                self.problem(self.key_path(key), f"is required ({what})")
                return None
            return default
        value = self.table[key]
        # bool is an int in Python; a TOML `true` where a number belongs is a mistake.
        if isinstance(value, bool) and bool not in _as_tuple(expected):
            self.problem(self.key_path(key), f"must be {what}, got a boolean")
            return default if default is not _MISSING else None
        if not isinstance(value, expected):
            self.problem(self.key_path(key), f"must be {what}, got {_type_name(value)}")
            return default if default is not _MISSING else None
        return value

    def text(self, key: str, default: Any = _MISSING, *, nonempty: bool = False, line: bool = False) -> Any:
        """A string. No value may hold a control character; with `line`, not even a line break
        or tab (titles, names, URLs: text that goes into one line of a page, header or file)."""
        value = self._get(key, str, default, "a string")
        if nonempty and isinstance(value, str) and not value.strip():
            self.problem(self.key_path(key), "must not be empty")
        if isinstance(value, str) and value is not default:
            problem = control_character_problem(value, single_line=line)
            if problem:
                self.problem(self.key_path(key), problem)
                return default if default is not _MISSING else None
        return value

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int | None = None, maximum: int | None = None) -> Any:
        value = self._get(key, int, default, "an integer")
        if isinstance(value, int) and minimum is not None and value < minimum:
            self.problem(self.key_path(key), f"must be at least {minimum}, got {value}")
            return default if default is not _MISSING else minimum
        if isinstance(value, int) and maximum is not None and value > maximum:
            self.problem(self.key_path(key), f"must be at most {maximum}, got {value}")
            return default if default is not _MISSING else maximum
        return value

    def number(self, key: str, default: Any = _MISSING, *, minimum: float | None = None) -> Any:
        value = self._get(key, (int, float), default, "a number")
        # TOML has `inf` and `nan`; neither is a timeout, a size or a limit (nan passes every `<`).
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(self.key_path(key), f"must be a finite number, got {value}")
            return default if default is not _MISSING else None
        if isinstance(value, (int, float)) and minimum is not None and value < minimum:
            self.problem(self.key_path(key), f"must be at least {minimum}, got {value}")
            return default if default is not _MISSING else minimum
        return float(value) if value is not None else value

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, bool, default, "true or false")

    def text_list(self, key: str, default: Any = ()) -> tuple[str, ...]:
        value = self._get(key, list, _MISSING if default is _MISSING else list(default), "a list of strings")
        if value is None:
            return ()
        good: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{self.key_path(key)}[{index}]", f"must be a string, got {_type_name(item)}")
            elif not item.strip():
                self.problem(f"{self.key_path(key)}[{index}]", "must not be empty")
            elif problem := control_character_problem(item, single_line=True):
                self.problem(f"{self.key_path(key)}[{index}]", problem)
            else:
                good.append(item)
        return tuple(good)

    def subtable(self, key: str) -> TableReader:
        self.asked.add(key)
        return TableReader(self.table.get(key), self.key_path(key), self.problems)

    def finish(self) -> None:
        """Report every key that no parser asked for."""
        known = sorted(self.asked)
        for key in sorted(self.table):
            if key in self.asked:
                continue
            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f'; did you mean "{hint[0]}"?' if hint else f"; known keys: {', '.join(known)}"
            self.problem(self.key_path(key), f"unknown key{suggestion}")


def _printable_key(key: str) -> str:
    """A key as TOML would quote it when it is not a bare key (`topics."evil\\n"`), so a line break
    or space in a key shows in the message instead of breaking it. `any[0]` stays as it is."""
    if _BARE_KEY.match(key):
        return key
    return json.dumps(key, ensure_ascii=False)


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _type_name(value: Any) -> str:
    return {
        dict: "a table", list: "a list", str: "a string", int: "an integer",
        float: "a number", bool: "a boolean",
    }.get(type(value), type(value).__name__)
