"""A small archive for the week, month and organization tests, written by the tests themselves.

Listing days around the turn of 2026 (ISO week 53 runs from Monday 28 December 2026 to Sunday
3 January 2027), a week without papers (2027-W01), and a running last week (2027-W02). Five
organizations: one with many papers and few upvotes, one with few papers and many upvotes (so
sorting the list by either column gives a different order), one with a hostile name, one below
`[orgs] min_papers`, and none at all for some papers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import write_config

from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

HOSTILE_NAME = '<script>alert("org")</script>&\'x'
HOSTILE_FULLNAME = '<img src=x onerror=alert(1)> "Evil" & Co'
HOSTILE_SLUG = "script-alert-org-script-x"
MANY = Organization("Many-Papers", "Many Papers Institute")
BIG = Organization("Big-Votes", "Big Votes Lab")
HOSTILE = Organization(HOSTILE_NAME, HOSTILE_FULLNAME)
SOLO = Organization("Solo-Lab", "Solo Lab")

D = dt.date
# (arXiv id, listing day, upvotes, organization, topic word)
PAPERS = [
    ("2612.00001", D(2026, 12, 21), 4, MANY, "diffusion"),  # W52
    ("2612.00002", D(2026, 12, 21), 40, BIG, "agent"),
    ("2612.00003", D(2026, 12, 23), 9, HOSTILE, "diffusion"),
    ("2612.00004", D(2026, 12, 23), 9, None, "agent"),  # ties with 00003 on the same day: lower id first
    ("2612.00005", D(2026, 12, 28), 1, MANY, "diffusion"),  # W53, December
    ("2612.00006", D(2026, 12, 31), 12, HOSTILE, "agent"),
    ("2701.00001", D(2027, 1, 1), 12, MANY, "diffusion"),  # W53, January: ties with 00006, newer first
    ("2701.00002", D(2027, 1, 2), 60, BIG, "diffusion"),
    ("2701.00003", D(2027, 1, 11), 2, MANY, "agent"),  # W02 (no paper in W01): the running week
    ("2701.00004", D(2027, 1, 11), 30, HOSTILE, "diffusion"),
    ("2701.00005", D(2027, 1, 12), 7, SOLO, "agent"),
    ("2701.00006", D(2027, 1, 12), 50, BIG, "agent"),
    ("2701.00007", D(2027, 1, 12), 3, MANY, "diffusion"),
]


def paper(arxiv_id: str, day: dt.date, upvotes: int, org: Organization | None, word: str) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=f"A {word} study numbered {arxiv_id}",
        abstract=f"We study {word} systems.",
        authors=("Ada Lovelace",),
        listing_days=(day,),
        upvotes=upvotes,
        organization=org,
        sources=("huggingface",),
    )


def fill_store(store_path: Path) -> None:
    store = Store(store_path)
    for day in sorted({row[1] for row in PAPERS}):
        store.add_listing(DayListing("huggingface", day, tuple(paper(*row) for row in PAPERS if row[1] == day)))


def make_browse_site(folder: Path, extra: str = "") -> Path:
    """Store and config under `folder`; returns the config path (build it with the API or the CLI)."""
    fill_store(folder / "data")
    return write_config(folder, "http://127.0.0.1:9", extra=extra)
