"""Frozen rankings of completed weeks, so the "best of the week" feeds never change afterwards.

Upvotes keep changing after a week ends (refetches, a paper listed again), so ranking a past week
from today's counts would swap items in and out of a feed that readers already read. The first
build that sees a week completed records its ranking (every paper first listed in the week, most
upvoted first) in `data/weeks/YYYY-Www.json`; the weekly feeds are made from these records only.
A recorded week is never rewritten; delete its file to rank it again from the current counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from sitegen.errors import StoreError
from sitegen.store.files import dump_json, read_json, write_if_changed

SCHEMA_VERSION = 1
FOLDER = "weeks"
_WEEK_KEY = re.compile(r"^\d{4}-W\d{2}$")


def week_file(store_root: Path, key: str) -> Path:
    return store_root / FOLDER / f"{key}.json"


def read_week_rankings(store_root: Path) -> dict[str, tuple[str, ...]]:
    """Every recorded week: its key ("2026-W21") -> arXiv ids, best first."""
    folder = store_root / FOLDER
    if not folder.is_dir():
        return {}
    rankings: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.glob("*.json")):
        document = read_json(path)
        key = path.stem
        ranked = document.get("ranked") if isinstance(document, dict) else None
        if (
            not isinstance(document, dict)
            or not _WEEK_KEY.match(key)
            or document.get("schema") != SCHEMA_VERSION
            or document.get("week") != key
            or not isinstance(ranked, list)
            or not all(isinstance(arxiv_id, str) for arxiv_id in ranked)
        ):
            raise StoreError(
                f"{path}: not a week ranking of schema {SCHEMA_VERSION} (expected "
                '{"schema": 1, "week": "<the file name>", "ranked": [arXiv ids]}). '
                "Restore it from git, or delete it to rank that week again from the current upvotes."
            )
        rankings[key] = tuple(ranked)
    return rankings


def record_week_rankings(
    store_root: Path, weeks: Iterable[tuple[str, Sequence[str]]], known: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Record each completed week not recorded yet; return every recorded week (old and new)."""
    rankings = dict(known)
    for key, ranked in weeks:
        if key in rankings:
            continue
        if not _WEEK_KEY.match(key):
            raise StoreError(f"{key!r} is not an ISO week key; this is a bug in sitegen")
        write_if_changed(week_file(store_root, key), dump_json({"schema": SCHEMA_VERSION, "week": key, "ranked": list(ranked)}))
        rankings[key] = tuple(ranked)
    return rankings
