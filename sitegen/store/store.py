"""The store on disk.

Layout (under `[store] path`, default `data/`):
- `papers/YYYY/YYYY-MM-DD.json`: the papers first listed that day, keyed by version-less arXiv id.
- `sources/<source>.json`: the health ledger, one entry per listing day a source was asked for.

Each write is atomic and happens only when the bytes change, so an idempotent run touches nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import StoreError
from sitegen.models import DayListing, Paper
from sitegen.store.codec import paper_from_json, paper_to_json
from sitegen.store.files import dump_json, read_json, write_if_changed
from sitegen.store.merge import merge_paper

SCHEMA_VERSION = 1


@dataclass
class StoreChanges:
    new_papers: int = 0
    updated_papers: int = 0
    files_written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class DayHealth:
    """What the store knows about one source's listing of one day."""

    state: str  # "ok" or "failed"
    count: int | None = None
    error: str | None = None
    at: str | None = None  # when a failure happened (ISO, UTC); absent for ok days so reruns are byte-identical


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._papers: dict[str, Paper] | None = None

    # -- papers ---------------------------------------------------------------------------

    @property
    def papers_dir(self) -> Path:
        return self.root / "papers"

    def day_file(self, day: dt.date) -> Path:
        return self.papers_dir / f"{day.year:04d}" / f"{day.isoformat()}.json"

    def papers(self) -> dict[str, Paper]:
        """Every stored paper by arXiv id (loaded once, then kept in memory)."""
        if self._papers is None:
            self._papers = self._load_papers()
        return self._papers

    def _load_papers(self) -> dict[str, Paper]:
        papers: dict[str, Paper] = {}
        if not self.papers_dir.exists():
            return papers
        for path in sorted(self.papers_dir.glob("*/*.json")):
            for paper in self._read_day_file(path):
                stored = papers.get(paper.arxiv_id)
                # A paper in two files only happens when a run was killed while moving it to an
                # earlier first day; merging both copies loses nothing and the next save tidies up.
                papers[paper.arxiv_id] = merge_paper(stored, paper) if stored else paper
        return papers

    def _read_day_file(self, path: Path) -> list[Paper]:
        document = read_json(path)
        if not isinstance(document, dict) or document.get("schema") != SCHEMA_VERSION or not isinstance(document.get("papers"), dict):
            raise StoreError(
                f"{path}: not a sitegen store file of schema {SCHEMA_VERSION} "
                "(expected an object with \"schema\" and \"papers\"). Restore it from git or remove it by hand."
            )
        try:
            return [paper_from_json(arxiv_id, record) for arxiv_id, record in document["papers"].items()]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise StoreError(f"{path}: malformed paper record ({type(error).__name__}: {error}). Restore it from git.") from None

    def add_listing(self, listing: DayListing) -> StoreChanges:
        """Merge one day's listing into the store and write the day files it changed."""
        papers = self.papers()
        changes = StoreChanges()
        dirty_days: set[dt.date] = set()
        for fresh in listing.papers:
            stored = papers.get(fresh.arxiv_id)
            if stored is None:
                papers[fresh.arxiv_id] = fresh
                changes.new_papers += 1
                dirty_days.add(fresh.first_day)
                continue
            merged = merge_paper(stored, fresh)
            if merged != stored:
                changes.updated_papers += 1
                papers[fresh.arxiv_id] = merged
                dirty_days.update({stored.first_day, merged.first_day})
        if dirty_days:
            by_day = self._papers_by_first_day(dirty_days)
            # Oldest first: when a paper moves to an earlier first day, its new home is written
            # before it is removed from the old one, so a kill in between loses nothing.
            for day in sorted(dirty_days):
                if self._write_day(day, by_day.get(day, [])):
                    changes.files_written.append(self.day_file(day))
        return changes

    def _papers_by_first_day(self, days: set[dt.date]) -> dict[dt.date, list[Paper]]:
        grouped: dict[dt.date, list[Paper]] = {}
        for paper in self.papers().values():
            if paper.first_day in days:
                grouped.setdefault(paper.first_day, []).append(paper)
        return grouped

    def _write_day(self, day: dt.date, papers: Iterable[Paper]) -> bool:
        path = self.day_file(day)
        records = {paper.arxiv_id: paper_to_json(paper) for paper in sorted(papers, key=lambda p: p.arxiv_id)}
        if not records:
            if path.exists():
                path.unlink()
                return True
            return False
        return write_if_changed(path, dump_json({"schema": SCHEMA_VERSION, "day": day.isoformat(), "papers": records}))

    # -- health ledger ----------------------------------------------------------------------

    def ledger_file(self, source: str) -> Path:
        return self.root / "sources" / f"{source}.json"

    def ledger(self, source: str) -> dict[dt.date, DayHealth]:
        path = self.ledger_file(source)
        if not path.exists():
            return {}
        document = read_json(path)
        try:
            if document.get("schema") != SCHEMA_VERSION:
                raise ValueError(f"schema is {document.get('schema')!r}, expected {SCHEMA_VERSION}")
            return {dt.date.fromisoformat(day): DayHealth(**entry) for day, entry in document["days"].items()}
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise StoreError(f"{path}: malformed source ledger ({error}). Restore it from git.") from None

    def record_health(self, source: str, updates: dict[dt.date, DayHealth]) -> bool:
        if not updates:
            return False
        days = self.ledger(source)
        days.update(updates)
        document: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "source": source,
            "days": {
                day.isoformat(): {k: v for k, v in vars(health).items() if v is not None}
                for day, health in sorted(days.items())
            },
        }
        return write_if_changed(self.ledger_file(source), dump_json(document))
