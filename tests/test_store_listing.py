"""Day files unchanged since the last build are not decoded: their papers come from listing
records kept in the output folder (sitegen/store/listed.py, sitegen/output/store_cache.py), with
the rest read from the day file when first asked. The records are untrusted (the output folder
may be a restored CI cache): damaged, planted or of another format, they are ignored with a
warning, and the site is the one a clean build makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import msgspec
import pytest
from conftest import published_files, write_config

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.errors import StoreError
from sitegen.output.inputs import store_stamps
from sitegen.output.store_cache import STORE_CACHE_NAME, plain_records, read_store_cache
from sitegen.store.day_file import PlainOrganizationRecord, decode_day_file
from sitegen.store.listed import DayFileReader, ListedPaper, ListedRecord, StrictListedRecord
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

FIRST_DAY = dt.date(2026, 3, 2)


def _paper(number: int, day: int) -> Paper:
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=f"Study {number} of diffusion models",
        abstract=f"We study diffusion models, paper {number}.\n\nA second paragraph.",
        authors=(f"Author {number}", "Ada Lovelace"),
        listing_days=(FIRST_DAY + dt.timedelta(days=day),),
        upvotes=number % 4 or None,
        sources=("huggingface",),
        organization=Organization("Beta Lab", "Beta Laboratory") if number % 3 == 0 else None,
        ai_keywords=("diffusion",),
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = write_config(tmp_path / "site", "http://127.0.0.1:9")
    store = Store(config.parent / "data")
    for day in range(5):
        papers = (_paper(2 * day, day), _paper(2 * day + 1, day))
        store.add_listing(DayListing("huggingface", FIRST_DAY + dt.timedelta(days=day), papers))
    return config


def _add_day(site: Path) -> None:
    Store(site.parent / "data").add_listing(DayListing("huggingface", FIRST_DAY + dt.timedelta(days=9), (_paper(50, 9),)))


def _equals_a_clean_build(site: Path, tmp_path: Path) -> None:
    fresh = build(load_config(site, environ={}), tmp_path / "fresh")
    assert published_files(fresh.output) == published_files(load_config(site, environ={}).build.output)


def _listed(site: Path) -> tuple[Store, dict[str, Paper]]:
    """The store loaded as a build loads it, from the records the last build kept."""
    config = load_config(site, environ={})
    kept = read_store_cache(config.build.output)
    assert kept.warning is None and kept.files
    store = Store(config.store.path)
    digests = {path: stamp[2] for path, stamp in store_stamps(config.store.path, {}).items()}
    store.load_listed(digests, kept.files)
    return store, store.papers()


def test_papers_from_kept_records_equal_the_decoded_ones(site: Path) -> None:
    build(load_config(site, environ={}))
    _, listed = _listed(site)
    decoded = Store(site.parent / "data").papers()
    assert all(isinstance(paper, ListedPaper) for paper in listed.values())
    assert list(listed) == list(decoded)  # the same order
    assert all(listed[i] == decoded[i] and decoded[i] == listed[i] for i in decoded)  # every field, read on demand
    assert listed["2603.00003"].abstract == decoded["2603.00003"].abstract


def test_a_day_file_changed_after_it_was_stamped_stops_the_build_clearly(site: Path) -> None:
    build(load_config(site, environ={}))
    store, listed = _listed(site)
    day_file = store.day_file(FIRST_DAY)
    day_file.write_bytes(day_file.read_bytes().replace(b"paper 0.", b"paper zero."))
    with pytest.raises(StoreError, match=r"2026-03-02\.json: the store file changed while the site was being built"):
        _ = listed["2603.00000"].abstract


def test_a_daily_build_decodes_only_the_new_day_file_and_equals_a_clean_build(site: Path, tmp_path: Path) -> None:
    build(load_config(site, environ={}))
    store = Store(site.parent / "data")
    target = store.papers()["2603.00004"]  # an old day changes too
    store.add_listing(DayListing("huggingface", target.first_day, (dataclasses.replace(target, upvotes=40),)))
    _add_day(site)
    report = build(load_config(site, environ={}))
    assert not report.warnings
    kept = read_store_cache(load_config(site, environ={}).build.output).files
    assert [record.upvotes for record in kept["papers/2026/2026-03-04.json"][1]] == [40, 1]
    assert "papers/2026/2026-03-11.json" in kept
    _equals_a_clean_build(site, tmp_path)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda content: content[: len(content) // 2], id="cut short"),
        pytest.param(lambda content: b"\x80\x04\x95" + content, id="not msgpack"),
        pytest.param(lambda content: content.replace(b"Study 3 of", b"Study\x1b[2J of"), id="a control character"),
        pytest.param(lambda content: content.replace(b"2603.00001", b"../../../x"), id="not an arXiv id"),
        # Of the same length, so the MessagePack stays well formed and only the text is wrong.
        pytest.param(lambda content: content.replace(b"Study 3 of", b"Study\xc2\x85 of"), id="a C1 control character"),
        pytest.param(lambda content: content.replace(b"Study 3 of", b"Study\x1b[2Jo"), id="an escape sequence"),
        pytest.param(lambda content: content.replace(b"2603.00001", b"2603.0000\n"), id="a newline in an id"),
        pytest.param(lambda content: content.replace(b"huggingface", b"hugging\x00face"[:11]), id="a NUL in a source"),
    ],
)
def test_damaged_or_planted_records_are_ignored_with_a_warning(site: Path, tmp_path: Path, damage: object) -> None:
    build(load_config(site, environ={}))
    path = load_config(site, environ={}).build.output / STORE_CACHE_NAME
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    _add_day(site)
    report = build(load_config(site, environ={}))
    assert any("ignoring the kept listing records" in line and "nothing is lost" in line for line in report.warnings)
    _equals_a_clean_build(site, tmp_path)
    assert read_store_cache(load_config(site, environ={}).build.output).warning is None  # replaced


def test_records_of_another_format_are_named_as_such(site: Path) -> None:
    build(load_config(site, environ={}))
    path = load_config(site, environ={}).build.output / STORE_CACHE_NAME
    path.write_bytes(msgspec.msgpack.encode({"format": 99, "files": {"x": 1}}))
    assert "it has format 99, this sitegen writes 1" in (read_store_cache(path.parent).warning or "")


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        ("Diffusion models, plain ASCII", True),
        ("Études of diffusion\u00a0models, 中文 and emoji \U0001f600", True),
        ("Diffusion\x1b[2J models", False),
        ("Études of diffusion\x1b[2J models", False),  # the same, in a text that is not ASCII
        ("Études\u0085 of diffusion", False),
        ("Diffusion\x7f models", False),
        ("Études of\ud800 diffusion", False),
        ("Études\tof diffusion", False),
    ],
)
def test_the_quick_check_of_kept_records_agrees_with_the_exact_patterns(title: str, plain: bool) -> None:
    """plain_records decides whether the exact (slower) decode runs: it must find every text the
    patterns refuse, in ASCII and in any other text."""
    record = ListedRecord("2603.00001", title, (FIRST_DAY,), None, None, ("huggingface",))
    assert plain_records({"papers/2026/2026-03-02.json": (b"0" * 16, [record])}) is plain
    organization = PlainOrganizationRecord("Lab", title, None)
    in_organization = ListedRecord("2603.00001", "Title", (FIRST_DAY,), None, organization, ("huggingface",))
    assert plain_records({"papers/2026/2026-03-02.json": (b"0" * 16, [in_organization])}) is plain
    if "\ud800" not in title:  # (MessagePack cannot hold a lone surrogate)
        strict = msgspec.msgpack.Decoder(StrictListedRecord)
        content = msgspec.msgpack.encode(record)
        if plain:
            strict.decode(content)
        else:
            with pytest.raises(msgspec.ValidationError):
                strict.decode(content)


def _reader(site: Path, content: bytes) -> DayFileReader:
    """A reader of the first day's file holding `content`, as if its records were kept for it."""
    store = Store(site.parent / "data")
    path = store.day_file(FIRST_DAY)
    path.write_bytes(content)
    return DayFileReader(path, hashlib.sha256(content).digest()[:16], store._read_day_file)


def test_papers_read_one_by_one_equal_the_whole_file_decoded(site: Path) -> None:
    """A build that needs a few papers of a day file decodes only those (exactly); past
    MAX_SINGLE of one file, the whole file: either way each paper is the one decode_day_file gives."""
    store = Store(site.parent / "data")
    papers = [_paper(number, 0) for number in range(100, 100 + 2 * DayFileReader.MAX_SINGLE)]
    store.add_listing(DayListing("huggingface", FIRST_DAY, tuple(papers)))
    content = store.day_file(FIRST_DAY).read_bytes()
    decoded = {paper.arxiv_id: paper for paper in decode_day_file(content)}
    reader = _reader(site, content)
    assert [reader.paper(arxiv_id) for arxiv_id in decoded] == list(decoded.values())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(b"paper 1.", b"paper\\u0007", id="a control character in the paper asked for"),
        pytest.param(b'"schema": 1', b'"schema": 7', id="another schema"),
        pytest.param(b'"2603.00001": {', b'"2603.00001": {"extra": 1, ', id="an unknown field"),
    ],
)
def test_a_paper_read_alone_from_a_file_the_store_refuses_stops_the_build_clearly(site: Path, old: bytes, new: bytes) -> None:
    """Reading one paper is as strict as decoding the file: what the store refuses stops the
    build with the file's name, as it always did."""
    content = Store(site.parent / "data").day_file(FIRST_DAY).read_bytes()
    assert old in content
    reader = _reader(site, content.replace(old, new))
    with pytest.raises(StoreError, match=r"2026-03-02\.json"):
        reader.paper("2603.00001")
