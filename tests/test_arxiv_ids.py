"""arXiv ids: sources normalise what they receive, paths are made only from canonical ids."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.store.ids import InvalidArxivId, canonical_arxiv_id, is_canonical_arxiv_id, normalize_arxiv_id, paper_dir


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("2405.15738", "2405.15738"),
        ("2405.15738v2", "2405.15738"),
        (" 0704.0001v1\n", "0704.0001"),
        ("HEP-TH/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("Math.gt/0309136", "math.GT/0309136"),
        ("cond-mat.MES-HALL/0401234", "cond-mat.mes-hall/0401234"),
    ],
)
def test_sources_normalise_what_they_receive(raw: str, canonical: str) -> None:
    assert normalize_arxiv_id(raw) == canonical
    assert paper_dir(canonical) == f"papers/{canonical}/"


@pytest.mark.parametrize(
    "raw",
    [
        "x/../../../../victim",
        "../2405.15738",
        "2405.15738/..",
        "2605.00020\nv1",
        "2605.00020 v1",
        "２４０５.１５７３８",  # full-width digits
        "2405.1573８",
        "2405.157",
        "2413.15738",  # no month 13
        "hep-th/990100",
        "hep th/9901001",
        "/hep-th/9901001",
        "hep-th//9901001",
        "2405.15738/",
        "",
        "a" * 10_000,
    ],
)
def test_anything_else_is_refused_and_never_becomes_a_path(raw: str) -> None:
    with pytest.raises(InvalidArxivId):
        normalize_arxiv_id(raw)
    with pytest.raises(InvalidArxivId):
        paper_dir(raw)


@pytest.mark.parametrize("raw", ["HEP-TH/9901001", "2405.15738v2", " 2405.15738"])
def test_the_path_function_takes_only_canonical_ids_not_fixable_ones(raw: str) -> None:
    """Fixing is the sources' job; a path is never made from an id that was not fixed first."""
    with pytest.raises(InvalidArxivId):
        paper_dir(raw)
    with pytest.raises(InvalidArxivId):
        canonical_arxiv_id(raw)


ID_PIECES = [
    "2405",
    ".",
    "15738",
    "0704",
    "0001",
    "v2",
    "hep-th",
    "HEP-TH",
    "math",
    ".GT",
    "/",
    "9901001",
    "..",
    " ",
    "\n",
    "１",
    "x",
    "\x00",
    "\\",
]


@settings(deadline=None)
@example("2405.15738v1")
@example("hep-th/../9901001")
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(ID_PIECES), max_size=8).map("".join)))
def test_normaliser_output_is_canonical_idempotent_and_stays_in_its_folder(raw: str) -> None:
    try:
        normalized = normalize_arxiv_id(raw)
    except InvalidArxivId:
        return
    assert is_canonical_arxiv_id(normalized) and normalize_arxiv_id(normalized) == normalized
    assert normalized.isascii() and not any(c.isspace() for c in normalized)
    folder = PurePosixPath("output") / paper_dir(normalized)
    assert ".." not in folder.parts and folder.parts[:2] == ("output", "papers") and len(folder.parts) in (3, 4)
