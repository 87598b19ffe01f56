"""Why a day file was rejected: the file, the paper, the field, and what to do, never a traceback.

Runs only after the strict decoder (day_file.py) refused a file. It takes the file apart one level
at a time with msgspec (an object of raw values, then each paper's raw record on its own), so it
can name the paper whose record fails, which the one-pass decoder cannot. Nothing here parses
nested JSON generically without a guard: a hostile file may nest arrays a million deep.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import msgspec

from sitegen.errors import StoreError
from sitegen.store.day_file import PARAGRAPH_FIELDS, SCHEMA_VERSION, PaperRecord
from sitegen.store.ids import is_canonical_arxiv_id

_OBJECT = msgspec.json.Decoder(dict[str, msgspec.Raw])
_RECORD = msgspec.json.Decoder(PaperRecord)
_TOP_LEVEL = ("schema", "day", "papers")
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_PARAGRAPHS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_AT = re.compile(r" - at `\$\.?(?P<where>[^`]*)`$")


def _restore(path: Path) -> str:
    return f"Fix it by hand or restore it from git (git checkout -- {path}); sitegen never rewrites a store file it cannot read."


def explain(path: Path, content: bytes, rejection: str) -> StoreError:
    """The StoreError for a day file that day_file.decode_day_file rejected with `rejection`."""
    try:
        document = _OBJECT.decode(content)
    except (msgspec.ValidationError, RecursionError):  # (ValidationError is a DecodeError: first)
        return StoreError(
            f"{path}: not a sitegen store file of schema {SCHEMA_VERSION} "
            f'(expected an object with "schema" and "papers"). {_restore(path)}'
        )
    except msgspec.DecodeError as error:
        return StoreError(f"{path}: store file is not valid JSON ({error}). {_restore(path)}")
    problem = _envelope_problem(document)
    if problem:
        return StoreError(f"{path}: {problem}")
    papers = _OBJECT.decode(document["papers"])  # checked by _envelope_problem
    for key, raw in papers.items():
        if not is_canonical_arxiv_id(key):
            return StoreError(
                f"{path}: paper key {key!r} is not a canonical arXiv id (like 2405.15738 or hep-th/9901001: "
                "ASCII digits, a lower-case archive, no version, no spaces); it would name a folder of the site. "
                f"{_restore(path)}"
            )
        try:
            _RECORD.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as error:
            return StoreError(f"{path}: paper {key}: malformed paper record: {_describe(str(error), raw)}. {_restore(path)}")
    return StoreError(f"{path}: malformed store file ({rejection}). {_restore(path)}")


def _envelope_problem(document: dict[str, msgspec.Raw]) -> str | None:
    if "schema" not in document or "papers" not in document:
        return (
            f'not a sitegen store file of schema {SCHEMA_VERSION} (expected an object with "schema" and "papers"). '
            "Restore it from git or remove it by hand."
        )
    schema = _decoded(document["schema"], int)
    if schema != SCHEMA_VERSION:
        shown = bytes(document["schema"])[:40].decode("utf-8", "replace")
        return (
            f"a store file of schema {shown}, but this sitegen reads schema {SCHEMA_VERSION} only. If a newer sitegen "
            "wrote it, update sitegen (python3 -m pip install -U -e .); otherwise restore the file from git."
        )
    unknown = sorted(set(document) - set(_TOP_LEVEL))
    if unknown:
        return (
            f"unknown top-level field {unknown[0]!r} (a store file holds only {', '.join(_TOP_LEVEL)}); "
            "remove it or restore the file from git."
        )
    if "day" in document and _decoded(document["day"], dt.date) is None:
        return 'field "day" is not a date (YYYY-MM-DD); fix it or restore the file from git.'
    if _decoded(document["papers"], dict[str, msgspec.Raw]) is None:
        return 'field "papers" is not an object of paper records keyed by arXiv id; restore the file from git.'
    return None


def _decoded(raw: msgspec.Raw, kind: Any) -> Any:
    try:
        return msgspec.json.decode(raw, type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return None


def _describe(message: str, raw: msgspec.Raw) -> str:
    """msgspec's message, said in terms of the field, naming a control character when that is it."""
    match = _AT.search(message)
    what = message[: match.start()] if match else message
    where = match["where"] if match else ""
    field = re.split(r"[.\[]", where, maxsplit=1)[0]
    if "matching regex" in what and field:
        what = _control_character(field, raw) or "holds a control character or an invalid code point"
    elif what.startswith("Expected `str` of length >= 1"):
        what = "is empty"
    return f"field {where} {what}" if where else what


def _control_character(field: str, raw: msgspec.Raw) -> str | None:
    """'holds the control character U+0007 at position 3', for the first offending value."""
    record = _decoded(raw, dict[str, Any])
    value = record.get(field) if isinstance(record, dict) else None
    if isinstance(value, dict):
        value = list(value.values())
    pattern = _CONTROL_IN_PARAGRAPHS if field in PARAGRAPH_FIELDS else _CONTROL_IN_LINE
    for text in value if isinstance(value, list) else [value]:
        found = pattern.search(text) if isinstance(text, str) else None
        if found:
            return (
                f"holds the control character U+{ord(found.group()):04X} at position {found.start()} "
                "(sitegen strips these on fetch)"
            )
    return None
