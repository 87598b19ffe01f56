"""The store: merging, first listing day, byte-stable files, corrupt files never overwritten."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from sitegen.errors import StoreError
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

DAY1 = dt.date(2025, 4, 1)
DAY2 = dt.date(2025, 4, 2)


def _paper(**changes: object) -> Paper:
    base = Paper(
        arxiv_id="2504.00001",
        title="A paper",
        abstract="An abstract.",
        authors=("A. Author",),
        listing_days=(DAY1,),
        upvotes=3,
        github_repo="https://github.com/x/y",
        ai_keywords=("k",),
        sources=("huggingface",),
    )
    return dataclasses.replace(base, **changes)


def test_round_trip_and_stable_bytes(tmp_path: Path) -> None:
    store = Store(tmp_path)
    changes = store.add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    assert changes.new_papers == 1 and changes.files_written == [tmp_path / "papers/2025/2025-04-01.json"]
    assert Store(tmp_path).papers() == {"2504.00001": _paper()}
    before = (tmp_path / "papers/2025/2025-04-01.json").read_bytes()
    again = Store(tmp_path).add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    assert again.files_written == [] and again.updated_papers == 0
    assert (tmp_path / "papers/2025/2025-04-01.json").read_bytes() == before


def test_changed_upvote_count_is_a_one_line_diff(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    before = (tmp_path / "papers/2025/2025-04-01.json").read_text().splitlines()
    store.add_listing(DayListing("huggingface", DAY1, (_paper(upvotes=9),)))
    after = (tmp_path / "papers/2025/2025-04-01.json").read_text().splitlines()
    assert len(before) == len(after)
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [('   "upvotes": 3', '   "upvotes": 9')]


def test_later_answer_lacking_a_field_keeps_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    store.add_listing(DayListing("huggingface", DAY1, (_paper(github_repo=None, ai_keywords=(), upvotes=5),)))
    paper = Store(tmp_path).papers()["2504.00001"]
    assert paper.github_repo == "https://github.com/x/y" and paper.ai_keywords == ("k",) and paper.upvotes == 5


def test_listed_again_later_keeps_first_day_and_records_the_later(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    store.add_listing(DayListing("huggingface", DAY2, (_paper(listing_days=(DAY2,)),)))
    paper = Store(tmp_path).papers()["2504.00001"]
    assert paper.listing_days == (DAY1, DAY2) and paper.first_day == DAY1
    assert not (tmp_path / "papers/2025/2025-04-02.json").exists()  # one record, in its first day's file


def test_backfilled_earlier_day_moves_the_record(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_listing(DayListing("huggingface", DAY2, (_paper(listing_days=(DAY2,)),)))
    store.add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    assert not (tmp_path / "papers/2025/2025-04-02.json").exists()
    assert Store(tmp_path).papers()["2504.00001"].listing_days == (DAY1, DAY2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{ truncated", "store file is not valid JSON"),
        (b'{"schema": 99, "papers": {}}', "schema 99, but this sitegen reads schema 1"),
        (b'{"papers": {}}', "not a sitegen store file of schema 1"),
        (b'{"schema": 1, "papers": {"2504.00001": {"title": "no abstract"}}}', "malformed paper record"),
    ],
)
def test_corrupt_file_stops_with_its_path_and_is_not_overwritten(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "papers/2025/2025-04-01.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = Store(tmp_path)
    with pytest.raises(StoreError) as raised:
        store.add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    assert str(path) in str(raised.value) and message in str(raised.value)
    assert path.read_bytes() == content


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    Store(tmp_path).add_listing(DayListing("huggingface", DAY1, (_paper(),)))
    assert sorted(p.name for p in (tmp_path / "papers/2025").iterdir()) == ["2025-04-01.json"]


def test_older_listing_only_fills_gaps(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_listing(DayListing("huggingface", DAY2, (_paper(listing_days=(DAY2,), upvotes=40, project_page=None),)))
    # Re-fetching the older day must not roll the count back to its older snapshot.
    store.add_listing(DayListing("huggingface", DAY1, (_paper(upvotes=12, project_page="https://p.org/"),)))
    paper = Store(tmp_path).papers()["2504.00001"]
    assert paper.upvotes == 40 and paper.project_page == "https://p.org/"
    assert paper.listing_days == (DAY1, DAY2)


def test_strict_decoder_round_trips_every_field(tmp_path: Path) -> None:
    """The msgspec hot path must build exactly the Paper that was written, every field set."""
    from sitegen.store.codec import paper_to_json
    from sitegen.store.day_file import decode_day_file
    from sitegen.store.files import dump_json
    from sitegen.store.models import Organization

    full = _paper(
        published=dt.datetime(2025, 3, 30, 4, 22, 9, tzinfo=dt.UTC),
        num_comments=2,
        organization=Organization("lab", "The Lab", "https://x/a.png"),
        github_stars=5,
        project_page="https://p.org/",
        ai_summary="Summary.",
        thumbnail="https://t/x.png",
        submitter="S",
        categories=("cs.LG", "cs.CL"),
        arxiv_comments="10 pages",
        journal_ref="J 1",
        version=3,
        sources=("arxiv", "huggingface"),
        listing_days=(DAY1, DAY2),
    )
    assert all(getattr(full, f.name) not in (None, ()) for f in dataclasses.fields(Paper))
    content = dump_json({"schema": 1, "day": "2025-04-01", "papers": {full.arxiv_id: paper_to_json(full)}})
    assert decode_day_file(content) == [full]


def test_a_store_path_names_the_day_its_file_holds_and_nothing_else(tmp_path: Path) -> None:
    # The daily build keeps every page made only of papers before the first changed day file.
    store = Store(tmp_path)
    day = dt.date(2027, 1, 3)
    assert Store.day_of_file(store.day_file(day).relative_to(tmp_path).as_posix()) == day
    for other in ("sources/huggingface.json", "papers/2027/notes.txt", "papers/2026/2027-01-03.json", "papers/2027-01-03.json"):
        assert Store.day_of_file(other) is None
