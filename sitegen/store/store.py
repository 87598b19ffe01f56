"""The store on disk.

Layout (under `[store] path`, default `data/`):
- `papers/YYYY/YYYY-MM-DD.json`: the papers first listed that day, keyed by version-less arXiv id.
- `sources/<source>.json`: the health ledger (see ledger.py); `sources/http-cache.json`: validators
  (fetch/sources/http_cache.py).

Each write is atomic and happens only when the bytes change, so an idempotent run touches nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import StoreError
from sitegen.gcpause import gc_paused
from sitegen.store.codec import paper_to_json
from sitegen.store.day_file import SCHEMA_VERSION, DayFileRejected, decode_day_file
from sitegen.store.day_file_errors import explain
from sitegen.store.files import dump_json, write_if_changed
from sitegen.store.ledger import DayHealth, LastError, Ledger
from sitegen.store.listed import DayFileReader, ListedFile, listed_paper, listed_record
from sitegen.store.merge import merge_paper
from sitegen.store.models import DayListing, Paper

HTTP_CACHE_FILE = "http-cache.json"  # in sources/, beside the ledgers; not a ledger
PAPERS_FOLDER = "papers"  # the day files: papers/<year>/<day>.json


@dataclass
class StoreChanges:
    new_papers: int = 0
    updated_papers: int = 0
    files_written: list[Path] = field(default_factory=list)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._papers: dict[str, Paper] | None = None
        self._versions: dict[str, bytes] = {}
        self._ledgers: dict[str, Ledger] = {}

    # -- papers ---------------------------------------------------------------------------

    @property
    def papers_dir(self) -> Path:
        return self.root / PAPERS_FOLDER

    def day_file(self, day: dt.date) -> Path:
        return self.papers_dir / f"{day.year:04d}" / f"{day.isoformat()}.json"

    @staticmethod
    def day_of_file(relative: str) -> dt.date | None:
        """The day a store path (relative to the store, "/"-separated) holds papers of, the
        inverse of `day_file`; None for a path that is no day file (a ledger, week rankings)."""
        folder, _, rest = relative.partition("/")
        year, _, name = rest.partition("/")
        if folder != PAPERS_FOLDER or not name.endswith(".json"):
            return None
        try:
            day = dt.date.fromisoformat(name.removesuffix(".json"))
        except ValueError:
            return None
        return day if year == f"{day.year:04d}" else None

    @staticmethod
    def among_day_files(relative: str) -> bool:
        """Whether a store path (relative, "/"-separated) is in the day files' folder, day file or not."""
        return relative.partition("/")[0] == PAPERS_FOLDER

    def papers(self) -> dict[str, Paper]:
        """Every stored paper by arXiv id (loaded once, then kept in memory)."""
        if self._papers is None:
            with gc_paused():
                self._papers = self._load_papers()
        return self._papers

    def paper_versions(self) -> dict[str, bytes]:
        """A digest per paper that changes whenever the store file holding it changes.

        Builds use it to skip pages whose papers did not change (see output/fingerprint.py).
        """
        self.papers()
        return self._versions

    def _load_papers(self) -> dict[str, Paper]:
        papers: dict[str, Paper] = {}
        self._versions = {}
        if not self.papers_dir.exists():
            return papers
        for path in sorted(self.papers_dir.glob("*/*.json")):
            content, version = _read_with_version(path)
            for paper in self._read_day_file(path, content):
                stored = papers.get(paper.arxiv_id)
                # A paper in two files only happens when a run was killed while moving it to an
                # earlier first day; merging both copies loses nothing and the next save tidies up.
                if stored:
                    papers[paper.arxiv_id] = merge_paper(stored, paper)
                    self._versions[paper.arxiv_id] = hashlib.sha256(self._versions[paper.arxiv_id] + version).digest()[:16]
                else:
                    papers[paper.arxiv_id] = paper
                    self._versions[paper.arxiv_id] = version
        return papers

    def load_listed(self, digests: Mapping[str, bytes], kept: Mapping[str, ListedFile]) -> dict[str, ListedFile]:
        """Load the papers as papers() does, making those of a day file whose digest (`digests`,
        by path relative to the store, as the build stamped them) is that of its `kept` listing
        records ListedPapers (store/listed.py) instead of decoding the file. Returns every day
        file's records, for the next build ({} when a paper is in two files: then all is decoded)."""
        papers: dict[str, Paper] = {}
        versions: dict[str, bytes] = {}
        records: dict[str, ListedFile] = {}
        if not self.papers_dir.exists():
            self._papers, self._versions = papers, versions
            return records
        with gc_paused():
            for path in sorted(self.papers_dir.glob("*/*.json")):
                relative = path.relative_to(self.root).as_posix()
                digest, listed = digests.get(relative), kept.get(relative)
                if digest is not None and listed is not None and listed[0] == digest:
                    reader = DayFileReader(path, digest, self._read_day_file)
                    day = [listed_paper(record, reader) for record in listed[1]]
                    records[relative] = listed
                else:
                    content, digest = _read_with_version(path)
                    day = self._read_day_file(path, content)
                    records[relative] = (digest, [listed_record(paper) for paper in day])
                for paper in day:
                    if paper.arxiv_id in papers:
                        # A paper in two files (a run killed while moving it): merged by the full load.
                        self._papers = None
                        self.papers()
                        return {}
                    papers[paper.arxiv_id] = paper
                    versions[paper.arxiv_id] = digest
        self._papers, self._versions = papers, versions
        return records

    def _read_day_file(self, path: Path, content: bytes) -> list[Paper]:
        try:
            return decode_day_file(content)
        except DayFileRejected as rejected:
            # Off the hot path: take the file apart to name the paper and the field.
            raise explain(path, content, str(rejected)) from None

    def listed_count(self, source: str, day: dt.date) -> int:
        """How many stored papers `source` listed on `day` (to tell whether a day file went missing)."""
        return sum(1 for paper in self.papers().values() if day in paper.listing_days and source in paper.sources)

    def holds_source(self, source: str) -> bool:
        """Whether any stored paper came from `source` (none: a first fetch backfills)."""
        return any(source in paper.sources for paper in self.papers().values())

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
        self._write_days(dirty_days, changes)
        return changes

    def revise(self, revisions: Iterable[Paper]) -> StoreChanges:
        """Apply arXiv replacements to papers already stored: a newer version, its comments and
        journal reference. A replacement of a paper we never stored is not a new item: ignored."""
        papers = self.papers()
        changes = StoreChanges()
        dirty_days: set[dt.date] = set()
        for fresh in revisions:
            stored = papers.get(fresh.arxiv_id)
            if stored is None:
                continue
            update: dict[str, Any] = {}  # field name -> new value, of that field's type
            if fresh.version is not None and (stored.version is None or fresh.version > stored.version):
                update["version"] = fresh.version
            for name in ("arxiv_comments", "journal_ref"):
                if getattr(fresh, name) and getattr(fresh, name) != getattr(stored, name):
                    update[name] = getattr(fresh, name)
            if update:
                papers[fresh.arxiv_id] = dataclasses.replace(stored, **update)
                changes.updated_papers += 1
                dirty_days.add(stored.first_day)
        self._write_days(dirty_days, changes)
        return changes

    def _write_days(self, days: set[dt.date], changes: StoreChanges) -> None:
        if not days:
            return
        by_day = self._papers_by_first_day(days)
        # Oldest first: when a paper moves to an earlier first day, its new home is written
        # before it is removed from the old one, so a kill in between loses nothing.
        for day in sorted(days):
            if self._write_day(day, by_day.get(day, [])):
                changes.files_written.append(self.day_file(day))

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
        content = dump_json({"schema": SCHEMA_VERSION, "day": day.isoformat(), "papers": records})
        try:
            decode_day_file(content)  # never write a file the next load would refuse
        except DayFileRejected as rejected:
            why = explain(path, content, str(rejected))
            raise StoreError(f"refusing to write a day file the store could not load again: {why}") from None
        return write_if_changed(path, content)

    # -- health ledger ----------------------------------------------------------------------

    def ledger_file(self, source: str) -> Path:
        return self.root / "sources" / f"{source}.json"

    def ledger_sources(self) -> list[str]:
        """Every source that left a ledger in the store, sorted."""
        folder = self.root / "sources"
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if p.name != HTTP_CACHE_FILE)

    def source_ledger(self, source: str) -> Ledger:
        """The ledger of `source`, read once per Store and kept (each record writes it through)."""
        if source not in self._ledgers:
            self._ledgers[source] = Ledger(self.ledger_file(source), source)
        return self._ledgers[source]

    def ledger(self, source: str) -> dict[dt.date, DayHealth]:
        return dict(self.source_ledger(source).days)

    def record_health(self, source: str, updates: dict[dt.date, DayHealth], last_error: LastError | None = None) -> bool:
        if not updates and last_error is None:
            return False
        return self.source_ledger(source).record(updates, last_error)


def _read_with_version(path: Path) -> tuple[bytes, bytes]:
    """A day file's bytes and its version (the digest that keys its papers' pages and tags)."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise StoreError(f"{path}: cannot read store file ({error.strerror})") from None
    return content, hashlib.sha256(content).digest()[:16]
