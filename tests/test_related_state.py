"""Related papers kept between builds (search/related_state.py): a new day computes only its own
papers' lists, old lists stay as they were, and every result equals a clean computation; a
refreshed upvote count changes nothing; a damaged state is rebuilt with a warning."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from real_archive import REAL_DATA, REPO, fill_store

from sitegen.search import related_state
from sitegen.search.related import related_papers
from sitegen.search.related_state import STATE_FILE, update_related
from sitegen.store.models import Paper
from sitegen.store.store import Store


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Paper], dict[str, bytes]]:
    """About 500 real papers over the last 30 saved days, oldest first; without ../shared, 500
    papers over 30 days made the way the benchmarks make them (real word frequencies)."""
    store = tmp_path_factory.mktemp("related-store") / "data"
    if REAL_DATA.is_dir():
        fill_store(store, limit_days=30)
    else:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from make_archive import make_archive

        make_archive(store, 500, 30, seed=1)
    loaded = Store(store)
    papers = sorted(loaded.papers().values(), key=lambda p: (p.first_day, p.arxiv_id))
    return papers, loaded.paper_versions()


def _upto(papers: list[Paper], day: dt.date) -> list[Paper]:
    return [p for p in papers if p.first_day <= day]


def _lists(found: related_state.RelatedResult) -> dict[str, object]:
    return {arxiv_id: found.lists[arxiv_id] for arxiv_id in found.lists}


def _clean(papers: list[Paper]) -> dict[str, object]:
    """The lists related.py computes for the whole archive at once, as pages are given them."""
    return {i: tuple((r.arxiv_id, list(r.shares)) for r in lists) for i, lists in related_papers(papers).items()}


def _built(tmp_path: Path, archive: tuple[list[Paper], dict[str, bytes]]) -> tuple[list[Paper], dict[str, bytes], Path]:
    """The archive's papers and versions, and a state folder holding their lists."""
    papers, versions = archive
    state = tmp_path / "related"
    update_related(state, papers, versions)
    return papers, versions, state


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    # Segments of 64 papers: the archive spans several sealed ones and seals more as days come.
    monkeypatch.setattr(related_state, "SEAL", 64)


def test_new_days_compute_only_their_papers_and_equal_a_clean_computation(
    tmp_path: Path, archive: tuple[list[Paper], dict[str, bytes]]
) -> None:
    papers, versions = archive
    days = sorted({p.first_day for p in papers})
    state = tmp_path / "related"
    first = update_related(state, _upto(papers, days[-6]), versions)
    assert first.computed == len(_upto(papers, days[-6])) and not first.warnings
    before = _lists(first)
    for day in days[-5:]:
        grown = update_related(state, _upto(papers, day), versions)
        assert grown.computed == sum(p.first_day == day for p in papers)  # the new day's papers only
        assert {i: grown.lists[i] for i in before} == before  # old lists as they were
        before = _lists(grown)
    assert len(list(state.glob("seg-*.bin"))) >= len(papers) // 64 - 1  # sealed segments on disk
    clean = _clean(papers)
    assert before == clean
    assert sum(1 for lists in clean.values() if lists) > len(papers) // 2  # most papers have some


def test_a_refreshed_upvote_count_recomputes_nothing_and_a_new_abstract_recomputes_from_its_day(
    tmp_path: Path, archive: tuple[list[Paper], dict[str, bytes]]
) -> None:
    papers, versions, state = _built(tmp_path, archive)
    # A fetch rewrote the store file of an older day (new upvotes): new versions, same text.
    day = papers[-100].first_day
    refreshed = {i: (b"x" * 16 if p.first_day == day else versions[i]) for i, p in ((p.arxiv_id, p) for p in papers)}
    again = update_related(state, papers, refreshed)
    assert again.computed == 0 and _lists(again) == _clean(papers)
    # A revised abstract of a paper in the open segment: its day and those after are computed again.
    number = len(papers) - 20
    edited = list(papers)
    edited[number] = dataclasses.replace(papers[number], abstract="Zebrafish larvae swim in aquariums; we count their fins.")
    changed = update_related(state, edited, {**refreshed, papers[number].arxiv_id: b"y" * 16})
    first_of_day = min(n for n, p in enumerate(papers) if p.first_day == papers[number].first_day)
    assert changed.computed == len(papers) - first_of_day and not changed.warnings
    assert _lists(changed) == _clean(edited)


def test_a_change_before_the_open_segment_or_a_removed_day_gives_a_clean_computation(
    tmp_path: Path, archive: tuple[list[Paper], dict[str, bytes]]
) -> None:
    papers, versions, state = _built(tmp_path, archive)
    edited = [dataclasses.replace(papers[5], title="A different title about zebrafish"), *papers[:5], *papers[6:]]
    edited.sort(key=lambda p: (p.first_day, p.arxiv_id))
    found = update_related(state, edited, {**versions, papers[5].arxiv_id: b"z" * 16})
    assert found.computed == len(papers) and _lists(found) == _clean(edited)
    # The newest day goes away (a store restored from an older copy).
    shorter = [p for p in edited if p.first_day < edited[-1].first_day]
    found = update_related(state, shorter, versions)
    assert _lists(found) == _clean(shorter) and not found.warnings


@pytest.mark.parametrize("damage", ["state", "segment", "missing segment"])
def test_a_damaged_state_is_rebuilt_with_a_warning(
    tmp_path: Path, archive: tuple[list[Paper], dict[str, bytes]], damage: str
) -> None:
    papers, versions = archive
    state = tmp_path / "related"
    update_related(state, papers[:-30], versions)
    segment = sorted(state.glob("seg-*.bin"))[0]
    if damage == "state":
        (state / STATE_FILE).write_bytes(b"\x93not the state")
    elif damage == "segment":
        segment.write_bytes(segment.read_bytes()[:-100])
    else:
        segment.unlink()
    found = update_related(state, papers, versions)
    assert len(found.warnings) == 1 and "computed again" in found.warnings[0] and str(state) in found.warnings[0]
    assert found.computed == len(papers) and _lists(found) == _clean(papers)
    # ...and the state written then serves the next build.
    assert not update_related(state, papers, versions).warnings


def test_the_state_holds_plain_data_only(tmp_path: Path, archive: tuple[list[Paper], dict[str, bytes]]) -> None:
    papers, versions, state = _built(tmp_path, archive)
    # A pickle where the state should be is refused as unreadable, never loaded.
    shutil.copy(state / STATE_FILE, tmp_path / "kept")
    (state / STATE_FILE).write_bytes(b"\x80\x04\x95" + b"\x00" * 20 + b".")
    found = update_related(state, papers, versions)
    assert found.warnings and _lists(found) == _clean(papers)
