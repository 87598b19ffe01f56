"""Decoding day files strictly into typed records with msgspec: the store's hot path and its gate.

A day file is data that names files (its keys become `papers/<id>/` folders) and text that
reaches every page and feed, so it is decoded against a strict schema in one msgspec pass:
- the key of each paper must be a canonical arXiv id (see store/ids.py);
- every field has its exact JSON type (`"5"` is not a count, `null` is not a title), counts are
  non-negative, timestamps carry a time zone, a paper is listed on at least one day;
- no text holds a control character (abstracts and summaries may hold the newlines between
  paragraphs), so nothing the store hands on can break a feed or a line of output;
- an unknown field is refused rather than dropped, since the next save would lose it.
A file that fails is explained by day_file_errors.py (only then, off the hot path): the file, the paper, the field, what to do.

The typed record is derived from `Paper` (whose field names are the store's keys, see
`codec.paper_to_json`), so the two cannot drift apart; only the constraints are added here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from typing import Annotated, Any, TypeVar

import msgspec

from sitegen.store.ids import CANONICAL_ID_PATTERN
from sitegen.store.models import Organization, Paper

SCHEMA_VERSION = 1
# Text a paper may hold: no C0/C1 control character, no lone surrogate.
_FORBIDDEN_IN_LINE = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_FORBIDDEN_IN_PARAGRAPHS = "\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff"  # as above, less "\n"
FORBIDDEN_IN_LINE = _FORBIDDEN_IN_LINE
LINE_PATTERN = f"\\A[^{_FORBIDDEN_IN_LINE}]*\\Z"
PARAGRAPHS_PATTERN = f"\\A[^{_FORBIDDEN_IN_PARAGRAPHS}]*\\Z"
ID_PATTERN = f"\\A{CANONICAL_ID_PATTERN}\\Z"
# Fields whose text is paragraphs (cleaned by text.clean_paragraphs on ingest); the rest are lines.
PARAGRAPH_FIELDS = frozenset({"abstract", "ai_summary"})

Line = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN)]
Paragraphs = Annotated[str, msgspec.Meta(pattern=PARAGRAPHS_PATTERN)]
Count = Annotated[int, msgspec.Meta(ge=0)]
Moment = Annotated[dt.datetime, msgspec.Meta(tz=True)]
ArxivIdKey = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]


def _record_types(line: object, paragraphs: object) -> tuple[type[msgspec.Struct], type[msgspec.Struct]]:
    """(paper record, organization record) with `line` and `paragraphs` as the types of text."""
    non_empty_line = Annotated[line, msgspec.Meta(min_length=1)]  # type: ignore[valid-type]
    organization = msgspec.defstruct(
        "OrganizationRecord",
        [("name", non_empty_line), ("fullname", line | None, None), ("avatar", line | None, None)],  # type: ignore[operator]
        frozen=True,
        forbid_unknown_fields=True,
    )
    # Beyond "the Paper field's type, strictly": a title is never empty, a paper is listed on at
    # least one day (its first is "its" day), a version starts at 1.
    overrides: dict[str, object] = {
        "title": non_empty_line,
        "listing_days": Annotated[tuple[dt.date, ...], msgspec.Meta(min_length=1)],
        "organization": organization | None,
        "version": Annotated[int, msgspec.Meta(ge=1)] | None,
    }
    hints = typing.get_type_hints(Paper)
    fields: list[tuple[str, object] | tuple[str, object, object]] = []
    for field in dataclasses.fields(Paper):
        if field.name == "arxiv_id":
            continue  # the key of the file's `papers` object
        text = paragraphs if field.name in PARAGRAPH_FIELDS else line
        kind = overrides.get(field.name) or _strict(hints[field.name], text)
        fields.append((field.name, kind) if field.default is dataclasses.MISSING else (field.name, kind, field.default))
    return msgspec.defstruct("PaperRecord", fields, frozen=True, forbid_unknown_fields=True), organization


def _strict(hint: Any, text: object) -> Any:
    """`hint` with str, int and datetime replaced by their constrained forms, in unions and tuples."""
    if hint is str:
        return text
    if hint is int:
        return Count
    if hint is dt.datetime:
        return Moment
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        arguments = [_strict(argument, text) for argument in typing.get_args(hint)]
        union = arguments[0]
        for argument in arguments[1:]:
            union = union | argument
        return union
    if origin is tuple:
        item, ellipsis = typing.get_args(hint)
        return tuple[_strict(item, text), ellipsis]  # type: ignore[misc]
    return hint


# The exact schema, every text checked by a pattern in msgspec; three times slower than plain
# strings, so the hot path decodes with plain strings and checks the file's bytes instead (below).
PaperRecord, OrganizationRecord = _record_types(Line, Paragraphs)
# The same shapes with plain strings (their text checked in bulk by whoever decodes with them).
_FastRecord, PlainOrganizationRecord = _record_types(str, str)
_ORGANIZATION = [field.name for field in dataclasses.fields(Paper)].index("organization") - 1


class DayFile(msgspec.Struct, forbid_unknown_fields=True):
    schema: int
    papers: dict[ArxivIdKey, PaperRecord]  # type: ignore[valid-type]
    day: dt.date | None = None


class _FastDayFile(msgspec.Struct, forbid_unknown_fields=True):
    schema: int
    papers: dict[str, _FastRecord]  # type: ignore[valid-type]
    day: dt.date | None = None


_STRICT_DECODER = msgspec.json.Decoder(DayFile)
# What msgspec raises on a file that is not a day file (RecursionError: nesting past its depth).
_DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
_FAST_DECODER = msgspec.json.Decoder(_FastDayFile)
_IDS = re.compile(f"{CANONICAL_ID_PATTERN}(?:\\n{CANONICAL_ID_PATTERN})*")
# How a control character can appear in JSON text: as an escape (\b, \u0007...; read left to
# right so an escaped backslash is one token), raw as DEL, or raw as a C1 control (UTF-8 C2 80-9F).
# The only escapes plain text needs are \\, \", \/ and \n (between paragraphs).
_ESCAPE = re.compile(rb"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)
_PLAIN_ESCAPES = frozenset({b"\\\\", b'\\"', b"\\/", b"\\n"})
_RAW_C1 = re.compile(b"\xc2[\x80-\x9f]")


class DayFileRejected(Exception):
    """The file is not exactly a valid day file; day_file_errors.explain says where and why."""


def decode_day_file(content: bytes) -> list[Paper]:
    """The papers of a day file, or DayFileRejected.

    Hot path: a plain-string decode, the keys checked as one string, the bytes checked for
    control characters, and newlines counted (only paragraphs may hold them). A file that looks
    suspicious to these quick checks is decoded again with every text checked by msgspec,
    which is exact: so a false alarm costs time, never a wrong answer.
    """
    document = _decoded(_FAST_DECODER, content)
    records = document.papers
    if not (_IDS.fullmatch("\n".join(records)) or not records) or not _plain_text(content, records):
        records = _decode_strictly(content)
    return [_paper(arxiv_id, record) for arxiv_id, record in records.items()]


def _paper(arxiv_id: str, record: Any) -> Paper:
    values = list(msgspec.structs.astuple(record))
    organization = values[_ORGANIZATION]
    if organization is not None:
        values[_ORGANIZATION] = Organization(organization.name, organization.fullname, organization.avatar)
    return Paper(arxiv_id, *values)


class _UndecodedDayFile(msgspec.Struct, forbid_unknown_fields=True):
    schema: int
    papers: dict[str, msgspec.Raw]
    day: dt.date | None = None


_UNDECODED_DECODER = msgspec.json.Decoder(_UndecodedDayFile)
_RECORD_DECODER = msgspec.json.Decoder(PaperRecord)


def undecoded_papers(content: bytes) -> dict[str, msgspec.Raw]:
    """A day file's papers by id, each record's JSON not decoded yet (`decode_paper`), or
    DayFileRejected. For a build that needs a few papers of a file it otherwise knows from its
    listing records (store/listed.py): splitting a file this way is a tenth of decoding it."""
    return _decoded(_UNDECODED_DECODER, content).papers


def decode_paper(arxiv_id: str, record: msgspec.Raw) -> Paper:
    """One paper of `undecoded_papers`, decoded with every text checked by its pattern (the exact
    schema, as decode_day_file's answer for it), or DayFileRejected. `arxiv_id` must be canonical."""
    try:
        return _paper(arxiv_id, _RECORD_DECODER.decode(record))
    except _DECODE_ERRORS as error:
        raise DayFileRejected(str(error)) from None


_Document = TypeVar("_Document", _FastDayFile, _UndecodedDayFile)


def _decoded(decoder: msgspec.json.Decoder[_Document], content: bytes) -> _Document:
    """The file's top level by `decoder`, of this schema version, or DayFileRejected."""
    try:
        document = decoder.decode(content)
    except _DECODE_ERRORS as error:
        raise DayFileRejected(str(error)) from None
    if document.schema != SCHEMA_VERSION:
        raise DayFileRejected(f"schema {document.schema}")
    return document


def _plain_text(content: bytes, records: dict[str, Any]) -> bool:
    """True when the file surely holds no control character, and newlines only in paragraphs."""
    # Separate scans: each has a literal first byte, which the regex engine finds fast.
    escapes = _ESCAPE.findall(content)
    if not _PLAIN_ESCAPES.issuperset(escapes) or b"\x7f" in content or (b"\xc2" in content and _RAW_C1.search(content)):
        return False
    newlines = sum(record.abstract.count("\n") + (record.ai_summary or "").count("\n") for record in records.values())
    return escapes.count(b"\\n") == newlines


def _decode_strictly(content: bytes) -> dict[str, Any]:
    try:
        return _STRICT_DECODER.decode(content).papers
    except _DECODE_ERRORS as error:
        raise DayFileRejected(str(error)) from None
