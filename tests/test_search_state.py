"""What the search index keeps between builds (search/index_state.py, search/head.py): day after
day the index and its head equal a clean build's byte for byte, a refreshed upvote count rebuilds
nothing, and a damaged state is recomputed with a warning; the head answers the first one or
two letters typed with rows that show at once."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import orjson
import pytest
import site_archive as A
from test_search_ranking import NODE, ask

from sitegen.search import index as search_index
from sitegen.search.index import write_search_index
from sitegen.store.models import Paper


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def papers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Paper]:
    monkeypatch.setattr(search_index, "TAIL", 4)  # chunks of 4, 16, ...: days complete and merge chunks
    return sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))


def _versions(papers: list[Paper], tag: bytes = b"v") -> dict[str, bytes]:
    return {p.arxiv_id: (tag + p.arxiv_id.encode()).ljust(16, b".")[:16] for p in papers}


def test_day_after_day_the_index_and_head_equal_a_clean_build(tmp_path: Path, papers: list[Paper]) -> None:
    days = sorted({p.first_day for p in papers})
    index, state = tmp_path / "index", tmp_path / "state" / "index.msgpack"
    for day in days:
        upto = [p for p in papers if p.first_day <= day]
        report = write_search_index(index, upto, _versions(upto), state)
        assert not report.warnings
        clean = tmp_path / f"clean-{day}"
        write_search_index(clean, upto)  # no state: everything from the chunks' files
        assert _files(index) == _files(clean), day
    assert (tmp_path / "state" / "words").is_dir() and state.is_file()
    # The state stays beside the index, not in it: nothing of it is published.
    assert not any(name.endswith(".msgpack") for name in _files(index))


def test_a_refreshed_upvote_count_rebuilds_no_chunk(tmp_path: Path, papers: list[Paper]) -> None:
    index, state = tmp_path / "index", tmp_path / "state" / "index.msgpack"
    write_search_index(index, papers, _versions(papers), state)
    before = {p.relative_to(index).as_posix(): p.stat().st_mtime_ns for p in index.rglob("*") if p.is_file()}
    # Every store file was fetched again (new versions), with the same text: nothing to do.
    again = write_search_index(index, papers, _versions(papers, b"w"), state)
    assert again.built == 0 and again.removed == 0
    assert {p.relative_to(index).as_posix(): p.stat().st_mtime_ns for p in index.rglob("*") if p.is_file()} == before
    # A changed title is a change: its chunk is rebuilt and named anew.
    edited = [dataclasses.replace(papers[0], title="Zebrafish, counted again"), *papers[1:]]
    assert write_search_index(index, edited, _versions(edited, b"x"), state).built == 1


@pytest.mark.parametrize("damaged", ["index.msgpack", "index-base.msgpack", "words"])
def test_a_damaged_state_is_recomputed_and_gives_the_same_index(tmp_path: Path, papers: list[Paper], damaged: str) -> None:
    index, state = tmp_path / "index", tmp_path / "state" / "index.msgpack"
    write_search_index(index, papers[:-6], _versions(papers[:-6]), state)
    if damaged == "words":
        for path in (tmp_path / "state" / "words").iterdir():
            path.write_bytes(b"\xc1 not MessagePack")
    else:
        (tmp_path / "state" / damaged).write_bytes(b"\xc1 not MessagePack")
    report = write_search_index(index, papers, _versions(papers), state)
    clean = tmp_path / "clean"
    write_search_index(clean, papers)
    assert _files(index) == _files(clean)
    if damaged == "words":
        assert not report.warnings  # a chunk's summary is made again from its files, silently
    else:
        assert len(report.warnings) == 1 and "cannot be read" in report.warnings[0] and "index.msgpack" in report.warnings[0]


@pytest.mark.skipif(NODE is None, reason="node runs static/search-core.js")
def test_one_and_two_letters_are_answered_by_the_head_with_rows_to_show(tmp_path: Path, papers: list[Paper]) -> None:
    index = tmp_path / "index"
    write_search_index(index, papers)
    head = orjson.loads((index / "head.json").read_bytes())
    singles = sorted(prefix for prefix in head["prefixes"] if len(prefix) == 1)
    assert len(singles) > 15 and len(head["prefixes"]) > 50
    answers = ask(index, *({"query": prefix} for prefix in singles))
    for prefix, answer in zip(singles, answers, strict=True):
        assert 1 <= len(answer["ids"]) <= 3 and all(word.startswith(prefix) for word in answer["words"]), prefix
    # Each row has what a result shows: id, title, day, authors and organization.
    by_id = {p.arxiv_id: p for p in papers}
    for arxiv_id, title, day, authors, _org in head["rows"]:
        assert title and day == by_id[arxiv_id].first_day.isoformat()
        assert authors.startswith(by_id[arxiv_id].authors[0]) if by_id[arxiv_id].authors else authors == ""
    # Upper case and a leading space are the same start; a letter no word starts with finds nothing.
    upper = ask(index, {"query": " " + singles[0].upper()}, {"query": singles[0]})
    assert upper[0]["ids"] == upper[1]["ids"]
