"""The store is decoded strictly: a hostile or broken day file is an error naming the file, the
paper and the field, with what to do; it never becomes a path, a traceback or a lost file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import write_config
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.errors import StoreError
from sitegen.store.codec import paper_to_json
from sitegen.store.day_file import DayFile, DayFileRejected, decode_day_file
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store
from sitegen.text.clean import clean_line, clean_paragraphs

DAY = dt.date(2025, 4, 1)
GOOD = Paper(
    arxiv_id="2504.00001",
    title="A good paper",
    abstract="First paragraph.\n\nSecond paragraph with $\\nabla$ and \\textbf{TeX}.",
    authors=("Ada Lovelace", "Alan Turing"),
    listing_days=(DAY,),
    published=dt.datetime(2025, 3, 30, 4, 22, tzinfo=dt.UTC),
    upvotes=5,
    organization=Organization("lab", "The Lab"),
    ai_summary="A summary.",
    sources=("huggingface",),
)


def _write_day_file(store: Path, papers: dict[str, Any], schema: object = 1) -> Path:
    path = store / "papers/2025/2025-04-01.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema": schema, "day": DAY.isoformat(), "papers": papers}, indent=1), encoding="utf-8")
    return path


def _record(**changes: object) -> dict[str, Any]:
    record = paper_to_json(GOOD)
    record.update(changes)
    return {key: value for key, value in record.items() if value is not ...}


HOSTILE = [
    # (papers object, what the message must name besides the file)
    ({"2504.00001": _record(title=None)}, ["paper 2504.00001", "title", "null"]),
    ({"2504.00001": _record(upvotes="5")}, ["paper 2504.00001", "upvotes", "str"]),
    ({"2504.00001": _record(upvotes=-1)}, ["paper 2504.00001", "upvotes", ">= 0"]),
    ({"2504.00001": _record(title="Bell\u0007title")}, ["paper 2504.00001", "title", "U+0007"]),
    ({"2504.00001": _record(title="Two\nlines")}, ["paper 2504.00001", "title", "U+000A"]),
    ({"2504.00001": _record(abstract="Fine.\n\nThen \x1b[31m red")}, ["paper 2504.00001", "abstract", "U+001B"]),
    ({"2504.00001": _record(authors=["Ada", "C1\u0085control"])}, ["paper 2504.00001", "authors[1]", "U+0085"]),
    ({"2504.00001": _record(tittle="typo")}, ["paper 2504.00001", "tittle"]),
    ({"2504.00001": _record(listing_days=[])}, ["paper 2504.00001", "listing_days"]),
    ({"2504.00001": _record(published="2025-03-30T04:22:00")}, ["paper 2504.00001", "published", "timezone"]),
    ({"2504.00001": _record(title=...)}, ["paper 2504.00001", "title"]),
    ({"x/../../../../victim": _record()}, ["'x/../../../../victim'", "not a canonical arXiv id"]),
    ({"HEP-TH/9901001": _record()}, ["'HEP-TH/9901001'", "not a canonical arXiv id"]),
    ({"２５０４.０００１": _record()}, ["not a canonical arXiv id"]),
    ({"2504.00001v2": _record()}, ["'2504.00001v2'", "not a canonical arXiv id"]),
]


@pytest.mark.parametrize(("papers", "named"), HOSTILE, ids=[str(n) for n in range(len(HOSTILE))])
def test_hostile_record_is_an_error_naming_file_paper_and_field(tmp_path: Path, papers: dict[str, Any], named: list[str]) -> None:
    good_neighbour = {"2504.00002": _record()}
    path = _write_day_file(tmp_path, {**good_neighbour, **papers})
    before = path.read_bytes()
    with pytest.raises(StoreError) as raised:
        Store(tmp_path).add_listing(DayListing("huggingface", DAY, (dataclasses.replace(GOOD, arxiv_id="2504.00003"),)))
    message = str(raised.value)
    assert str(path) in message and "git checkout -- " in message, message
    for part in named:
        assert part in message, message
    assert path.read_bytes() == before  # nothing rewritten, nothing lost


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b'{"schema": 2, "papers": {}}', "schema 2, but this sitegen reads schema 1"),
        (b'{"schema": "1", "papers": {}}', 'schema "1", but this sitegen reads schema 1'),
        (b'{"schema": 1, "papers": [], "day": "2025-04-01"}', 'field "papers" is not an object'),
        (b'{"schema": 1, "papers": {}, "extra": 1}', "unknown top-level field 'extra'"),
        (b'{"schema": 1, "papers": {}, "day": "April"}', 'field "day" is not a date'),
        (b"[" * 200_000, "not a sitegen store file of schema 1"),
        (b'{"schema": 1, "papers": {"2504.00001": ' + b"[" * 200_000, "git checkout -- "),
        (b"\xff\xfe", "not valid JSON"),
    ],
    ids=["schema-2", "schema-string", "papers-array", "extra-field", "bad-day", "deep-array", "deep-record", "not-utf8"],
)
def test_unknown_schema_or_shape_is_an_error_with_what_to_do(tmp_path: Path, content: bytes, named: str) -> None:
    path = tmp_path / "papers/2025/2025-04-01.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(StoreError) as raised:
        Store(tmp_path).papers()
    assert str(path) in str(raised.value) and named in str(raised.value), str(raised.value)


def test_build_from_a_traversal_key_fails_cleanly_and_writes_nothing_outside(tmp_path: Path, sitegen_cli: Any) -> None:
    """The issue's case: a day-file key `x/../../../../victim` must never produce a path."""
    site = tmp_path / "deep" / "er" / "site"
    config = write_config(site, "http://127.0.0.1:9")
    path = _write_day_file(site / "data", {"2504.00001": _record(), "x/../../../../victim": _record(title="Victim")})
    result = sitegen_cli(config, "build")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr and str(path) in result.stderr and "'x/../../../../victim'" in result.stderr
    assert "git checkout -- " in result.stderr
    everything = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert not any("victim" in name for name in everything), everything
    assert not (site / "output").exists() or not any((site / "output").rglob("*"))


def test_wrongly_typed_field_fails_the_cli_without_a_traceback(tmp_path: Path, sitegen_cli: Any) -> None:
    site = tmp_path / "site"
    config = write_config(site, "http://127.0.0.1:9")
    path = _write_day_file(site / "data", {"2504.00001": _record(title=None)})
    result = sitegen_cli(config, "build")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{path}: paper 2504.00001: malformed paper record: field title Expected `str`, got `null`" in result.stderr


# -- properties -----------------------------------------------------------------------------

PIECES = [
    "\x00",
    "\x07",
    "\n",
    "\n\n",
    "\t",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\u00a0",
    "\u2028",
    "\ufffe",
    "\ud800",
    "\\",
    "\\n",
    "\\u0007",
    '"',
    "é",
    "😀",
    "$\\nabla$",
    "\\textbf{x}",
    "a",
    " ",
]
hostile_text = st.one_of(st.text(max_size=30), st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
TEXT_FIELDS = ["title", "abstract", "ai_summary", "submitter", "journal_ref", "github_repo"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(field="title", text="\\\\n")
@example(field="abstract", text="a\\\\\nb")
@given(field=st.sampled_from(TEXT_FIELDS + ["authors", "ai_keywords"]), text=hostile_text)
def test_fast_path_agrees_with_the_exact_strict_decoder(field: str, text: str) -> None:
    """The hot path's byte-level checks may only ever send a file to the exact decoder, never
    accept what the exact decoder refuses (or refuse what it accepts)."""
    record = _record(**{field: [text] if field in ("authors", "ai_keywords") else text})
    try:
        content = json.dumps({"schema": 1, "papers": {"2504.00001": record}}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except UnicodeEncodeError:
        return
    try:
        strict: object = msgspec.json.decode(content, type=DayFile).papers
    except (msgspec.ValidationError, msgspec.DecodeError):
        strict = None
    try:
        fast: object = decode_day_file(content)
    except DayFileRejected:
        fast = None
    assert (strict is None) == (fast is None), (field, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=hostile_text,
    abstract=hostile_text,
    author=hostile_text,
    raw_id=st.sampled_from(["2504.00001v3", "HEP-TH/9901001", " 2504.00002 "]),
)
def test_whatever_a_source_sends_is_cleaned_into_a_file_that_loads_back(
    tmp_path_factory: pytest.TempPathFactory, title: str, abstract: str, author: str, raw_id: str
) -> None:
    """Ingest cleaning (text.clean_*, the id normaliser) and the strict decoder agree: the store
    never writes a file it would refuse to load."""
    from sitegen.store.models import normalize_arxiv_id

    store = tmp_path_factory.mktemp("store")
    paper = dataclasses.replace(
        GOOD,
        arxiv_id=normalize_arxiv_id(raw_id),
        title=clean_line(title) or "untitled",
        abstract=clean_paragraphs(abstract),
        authors=tuple(a for a in (clean_line(author), "B") if a),
    )
    Store(store).add_listing(DayListing("huggingface", DAY, (paper,)))
    assert Store(store).papers() == {paper.arxiv_id: paper}


@settings(max_examples=200, deadline=None)
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_any_bytes_are_papers_or_a_store_error(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    store = tmp_path_factory.mktemp("store")
    _write_day_file(store, {}).write_bytes(content)
    try:
        Store(store).papers()
    except StoreError as error:
        assert "2025-04-01.json" in str(error)
