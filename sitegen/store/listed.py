"""Papers by their listing fields only, the rest read from their day file when first asked.

A daily build needs every paper's day, upvotes, organization and sources (to sort, group and
key the site) and the titles on topic, period and organization pages, but the full text only
of the few papers whose pages and feeds it renders.
Decoding 100,000 papers from JSON takes seconds, so the build keeps, per day file and by its
digest, these listing records (output/store_cache.py) and makes each paper of an unchanged day
file a `ListedPaper`: a `Paper` whose other fields are read from its day file the first time any
of them is asked for (the whole file then, strictly, as the store always decodes). A day file
that changed since its records were kept is decoded as always.

The records come from the output folder, which may be a restored CI cache: they are decoded
strictly (canonical ids, text without control characters, the day file's constraints), so
nothing in them can run or break a page; a day file read for the rest must have the digest the
records were kept under, or the build stops and says so. Records that are well formed but false
(planted in a restored cache) would show until their day file changes, as the build cache's
keys would keep a planted page: the Action keys its cache so that a pull request cannot write it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import msgspec

from sitegen.errors import StoreError
from sitegen.store.day_file import (
    ID_PATTERN,
    LINE_PATTERN,
    Count,
    DayFileRejected,
    OrganizationRecord,
    PlainOrganizationRecord,
    decode_paper,
    undecoded_papers,
)
from sitegen.store.models import Organization, Paper

Line = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN)]


class StrictListedRecord(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True):
    """What a build needs of every paper, whether it renders it or not, with every text checked
    by a pattern: the exact schema (output/store_cache.py decodes with it when the quick check
    of `ListedRecord`'s text finds anything)."""

    arxiv_id: Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
    title: Annotated[str, msgspec.Meta(pattern=LINE_PATTERN, min_length=1)]  # rows on topic, period and org pages
    listing_days: Annotated[tuple[dt.date, ...], msgspec.Meta(min_length=1, max_length=100_000)]
    upvotes: Count | None
    organization: OrganizationRecord | None  # type: ignore[valid-type]
    sources: Annotated[tuple[Line, ...], msgspec.Meta(max_length=10_000)]


class ListedRecord(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True):
    """StrictListedRecord with plain strings: three times faster to decode (100,000 records), its
    text then checked in one scan (output/store_cache.py `plain_records`)."""

    arxiv_id: str
    title: Annotated[str, msgspec.Meta(min_length=1)]
    listing_days: Annotated[tuple[dt.date, ...], msgspec.Meta(min_length=1, max_length=100_000)]
    upvotes: Count | None
    organization: PlainOrganizationRecord | None  # type: ignore[valid-type]
    sources: Annotated[tuple[str, ...], msgspec.Meta(max_length=10_000)]


# A day file's digest and its papers' records, in the file's order.
ListedFile = tuple[bytes, list[ListedRecord]]
# The fields a ListedPaper holds from its record; any other is read from the day file.
LISTED_FIELDS = ("arxiv_id", "title", "listing_days", "upvotes", "organization", "sources")


def listed_record(paper: Paper) -> ListedRecord:
    organization = paper.organization
    return ListedRecord(
        paper.arxiv_id,
        paper.title,
        paper.listing_days,
        paper.upvotes,
        PlainOrganizationRecord(organization.name, organization.fullname, organization.avatar) if organization else None,
        paper.sources,
    )


class DayFileReader:
    """One day file's papers, decoded when first asked for; its content must have `digest`.

    A daily build asks for a few papers of each file it reads (a feed item's abstract): the file
    is split into its papers' records once and only those asked for are decoded, each exactly
    (store/day_file.py `decode_paper`). Past MAX_SINGLE papers of one file, or on anything the
    split or a record's decoding refuses, the whole file is decoded as the store always does
    (which names the problem)."""

    MAX_SINGLE = 16

    def __init__(self, path: Path, digest: bytes, decode: Callable[[Path, bytes], list[Paper]]) -> None:
        self.path = path
        self.digest = digest
        self._decode = decode
        self._content = b""
        self._records: dict[str, msgspec.Raw] | None = None
        self._papers: dict[str, Paper] | None = None
        self._single = 0  # papers decoded one by one

    def paper(self, arxiv_id: str) -> Paper:
        if self._papers is None and self._records is None:
            self._content = self._read()
            try:
                self._records = undecoded_papers(self._content)
            except DayFileRejected:
                self._decode_all()
        if self._papers is None and self._single < self.MAX_SINGLE:
            assert self._records is not None
            record = self._records.get(arxiv_id)
            if record is not None:
                self._single += 1
                try:
                    return decode_paper(arxiv_id, record)
                except DayFileRejected:
                    pass
        if self._papers is None:
            self._decode_all()
        assert self._papers is not None
        paper = self._papers.get(arxiv_id)
        if paper is None:  # the digest matched, so the records disagree with the file they were kept for
            raise StoreError(f"{self.path}: holds no paper {arxiv_id}; delete the output folder's state and build again")
        return paper

    def _read(self) -> bytes:
        try:
            content = self.path.read_bytes()
        except OSError as error:
            raise StoreError(f"{self.path}: cannot read store file ({error.strerror})") from None
        if hashlib.sha256(content).digest()[:16] != self.digest:
            raise StoreError(
                f"{self.path}: the store file changed while the site was being built (another sitegen "
                "fetch running?); run the build again"
            )
        return content

    def _decode_all(self) -> None:
        self._papers = {paper.arxiv_id: paper for paper in self._decode(self.path, self._content)}
        self._records, self._content = None, b""


class ListedPaper(Paper):
    """A Paper made from its ListedRecord; the other fields are filled from the day file when
    first asked for (an unset slot raises AttributeError, which lands in __getattr__)."""

    __slots__ = ("_reader",)

    def __eq__(self, other: object) -> bool:
        # Paper's own __eq__ holds only for the same class; a listed paper equals the Paper it stands for.
        if not isinstance(other, Paper):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in Paper.__dataclass_fields__)

    __hash__ = Paper.__hash__

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_reader":
            raise AttributeError(name)
        full = object.__getattribute__(self, "_reader").paper(self.arxiv_id)
        for field in _OTHER_FIELDS:
            object.__setattr__(self, field, getattr(full, field))
        return object.__getattribute__(self, name)


_OTHER_FIELDS = tuple(name for name in Paper.__dataclass_fields__ if name not in LISTED_FIELDS)
_set = object.__setattr__


def listed_paper(record: ListedRecord, reader: DayFileReader) -> Paper:
    paper = object.__new__(ListedPaper)
    _set(paper, "arxiv_id", record.arxiv_id)
    _set(paper, "title", record.title)
    _set(paper, "listing_days", record.listing_days)
    _set(paper, "upvotes", record.upvotes)
    organization = record.organization
    if organization is not None:
        organization = Organization(organization.name, organization.fullname, organization.avatar)
    _set(paper, "organization", organization)
    _set(paper, "sources", record.sources)
    _set(paper, "_reader", reader)
    return paper
