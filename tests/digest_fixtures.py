"""A small archive for the e-mail digest tests: two listing weeks with the hard cases.

Week 22 of 2026 is Monday 25 May to Sunday 31 May; week 23 starts Monday 1 June. Every day has
a diffusion paper and an agents paper (upvotes differ per day so "most upvoted first" is
visible); Friday 29 May adds a hostile title, a TeX title, 40 authors and an arXiv-only paper
without upvotes; Thursday 28 May holds only a paper in no topic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import REPO_ROOT

from sitegen.config.load import Config, load_config
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

SITE = "https://owner.github.io/papers/"
WEEK_22 = [dt.date(2026, 5, d) for d in (25, 26, 27, 29)]  # Thursday 28 May: nothing in a topic
OFF_TOPIC_DAY = dt.date(2026, 5, 28)
WEEK_23 = [dt.date(2026, 6, 1), dt.date(2026, 6, 2)]
FRIDAY = dt.date(2026, 5, 29)
HOSTILE = '<img src=x onerror=alert(1)> Agents & "quotes" <script>alert(2)</script>'
HOSTILE_ID = "2605.90003"
TEX_ID = "2605.90004"
MANY_AUTHORS_ID = "2605.90005"
ARXIV_ONLY_ID = "2605.90006"


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    """An explicit `now`: the given day at `hour`:00 UTC."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def paper(arxiv_id: str, day: dt.date, title: str, upvotes: int | None, **extra: object) -> Paper:
    fields: dict[str, object] = {
        "abstract": f"{title}. We study it carefully and report results on several benchmarks. " * 4,
        "authors": ("Ada Lovelace", "Alan Turing", "Zoë Ångström"),
        "listing_days": (day,),
        "upvotes": upvotes,
        "sources": ("huggingface",) if upvotes is not None else ("arxiv",),
    }
    fields.update(extra)
    return Paper(arxiv_id=arxiv_id, title=title, **fields)  # type: ignore[arg-type]


def day_papers(day: dt.date) -> list[Paper]:
    n = day.toordinal() % 1000
    papers = [
        paper(f"{day:%y%m}.{n:03d}01", day, f"Diffusion models for day {day.isoformat()}", 10 + day.day % 7,
              organization=Organization("acme", "Acme Research Lab"), ai_summary="A diffusion model that is **fast**."),
        paper(f"{day:%y%m}.{n:03d}02", day, f"Tool-using agents for day {day.isoformat()}", 5 + day.day % 5),
    ]
    if day == FRIDAY:
        papers += [
            paper(HOSTILE_ID, day, HOSTILE, 99),
            paper(TEX_ID, day, r"$\alpha$-Diffusion in $\mathcal{O}(n^2)$ time", 3),
            paper(MANY_AUTHORS_ID, day, "Agents at scale", 7, authors=tuple(f"Author Number{i}" for i in range(1, 41))),
            paper(ARXIV_ONLY_ID, day, "Diffusion without a vote", None, categories=("cs.LG",)),
        ]
    return papers


def stored_papers(day: dt.date) -> list[Paper]:
    """What `fill` stores for `day`."""
    return day_papers(day) if day != OFF_TOPIC_DAY else [paper("2605.90099", day, "A survey of soil chemistry", 50)]


def fill(store_root: Path, days: list[dt.date]) -> Store:
    store = Store(store_root)
    for day in days:
        listed = stored_papers(day)
        store.add_listing(DayListing(source="huggingface", day=day, papers=tuple(listed)))
    return store


def write_site(
    folder: Path, email: str = "", days: list[dt.date] | None = None, sender: str = "Digest feeds <feeds@example.org>"
) -> Config:
    """A site folder: the store filled with `days` (default: all of week 22 and 23), and a config."""
    folder.mkdir(parents=True, exist_ok=True)
    fill(folder / "data", days if days is not None else [*WEEK_22, OFF_TOPIC_DAY, *WEEK_23])
    (folder / "sitegen.toml").write_text(
        f"""
[site]
title = "Digest feeds"
base_url = "{SITE}"

[build]
templates = "{(REPO_ROOT / "templates").as_posix()}"
static = "{(REPO_ROOT / "static").as_posix()}"

[sources.huggingface]
base_url = "http://127.0.0.1:9"

[topics.diffusion]
title = "Diffusion & friends"
any = ["diffusion"]

[topics.agents]
title = "Agents"
any = ["agent*"]

[email]
from = "{sender}"
{email}
""",
        encoding="utf-8",
    )
    return load_config(folder / "sitegen.toml", environ={})
