"""A small archive written by the tests themselves, for the site tests: enough papers and days
for pagination, filters and search, with the hard cases (long author lists, non-Latin names,
TeX, markup in a title, a relisted paper, papers without optional fields).

`make_site(folder, base_url)` writes a store and a config under `folder` and builds the site with
the real CLI; it returns the output folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import REPO_ROOT, run_sitegen

from sitegen.store.ledger import DayHealth, LastError
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store

DAYS = [dt.date(2026, 5, d) for d in (18, 19, 20, 21, 22, 25, 26, 27, 28, 29)]
PAGE_SIZE = 4
SUBJECTS = [
    ("Diffusion", "diffusion models for image generation"),
    ("Agents", "tool-using language agents"),
    ("Reasoning", "chain-of-thought reasoning in language models"),
    ("Robots", "robot manipulation from demonstrations"),
]
# Unique words that the browser test searches for, and the paper whose abstract holds each.
SEARCH_WORD = "zebrafish"
SEARCH_PAPER = "2605.00013"
LONG_AUTHORS_PAPER = "2605.00007"
TEX_PAPER = "2605.00003"
MARKUP_PAPER = "2605.00011"
RELISTED_PAPER = "2605.00002"

CONFIG = """
[site]
title = "Fixture papers"
description = "Papers for the site tests."
{base_url}

[build]
templates = "{templates}"
static = "{static}"
page_size = {page_size}

[topics.diffusion]
title = "Diffusion"
description = "Diffusion *models* and [generation](https://example.org/gen)."
any = ["diffusion"]

[topics.agents]
title = "Agents"
description = "Language agents."
any = ["agent"]

[topics.reasoning]
title = "Reasoning"
description = "Reasoning."
any = ["reasoning"]
"""


def _paper(n: int, day: dt.date) -> Paper:
    name, subject = SUBJECTS[n % len(SUBJECTS)]
    title = f"{name} study {n}: scaling {subject}"
    abstract = f"We study {subject}. Our method improves results on benchmark {n}.\n\nA second paragraph about {subject}."
    authors: tuple[str, ...] = (f"Ada Lovelace {n}", "Alan Turing", "张伟", "Zoë Ångström")
    extra: dict[str, object] = {}
    if n == 3:
        title = r"$\alpha$-Divergence Diffusion in $\mathcal{O}(n^2)$ Time"
        extra["categories"] = ("cs.LG", "stat.ML")
    if n == 9:
        # For the BibTeX entry: spaces to collapse (a no-break one too), a first author whose last
        # name is partly ASCII (the citation key takes its first ASCII run), an unbalanced brace, a
        # semicolon inside a name (the citation_author tag separates names with "; ").
        authors = ("  Émile   du\u00a0Châtelet ", "Ada Lovelace 9", "Ñandú; Jr.", "Bob {Unbalanced")
    if n == 7:
        authors = tuple(f"Author Number{i}" for i in range(1, 41))
    if n == 11:
        title = "<script>alert(1)</script> Agents & <b>bold</b> claims"
    if n == 13:
        abstract = f"We track {SEARCH_WORD} larvae with a diffusion model. Reasoning helps too."
    if n % 3 == 0:
        extra.update(
            organization=Organization("acme", "Acme Research Lab"),
            github_repo=f"https://github.com/acme/project{n}",
            github_stars=100 + n,
            project_page=f"https://acme.example/p{n}",
            ai_summary=f"A short machine summary of paper {n}.",
            ai_keywords=("diffusion", "scaling"),
        )
    if n == 5:
        extra["project_page"] = "javascript:alert(1)"
    return Paper(
        arxiv_id=f"2605.{n:05d}",
        title=title,
        abstract=abstract,
        authors=authors,
        listing_days=(day,),
        published=dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - dt.timedelta(days=2),
        upvotes=(n * 7) % 23,
        num_comments=n % 4,
        sources=("huggingface",),
        **extra,  # type: ignore[arg-type]
    )


def fill_store(store_path: Path) -> dict[str, Paper]:
    """Three to five papers a day; paper 2 is listed again on the last day."""
    store = Store(store_path)
    n = 0
    for index, day in enumerate(DAYS):
        papers = []
        for _ in range(3 + index % 3):
            n += 1
            papers.append(_paper(n, day))
        if day == DAYS[-1]:
            papers.append(_paper(2, day))
        store.add_listing(DayListing(source="huggingface", day=day, papers=tuple(papers)))
    # Source health for the status page: ok days, a weekend, and one failed day.
    health = {day: DayHealth("ok", count=3 + index % 3 + (day == DAYS[-1])) for index, day in enumerate(DAYS)}
    health.update(
        {dt.date(2026, 5, 23): DayHealth("empty", note="weekend"), dt.date(2026, 5, 24): DayHealth("empty", note="weekend")}
    )
    failed_at = "2026-05-30T06:00:00+00:00"
    health[dt.date(2026, 5, 30)] = DayHealth("failed", error="HTTP 503 after 3 attempts", at=failed_at)
    store.record_health("huggingface", health, LastError(dt.date(2026, 5, 30), "HTTP 503 after 3 attempts", failed_at))
    return store.papers()


def write_config(folder: Path, base_url: str | None, page_size: int = PAGE_SIZE) -> Path:
    config = folder / "sitegen.toml"
    config.write_text(
        CONFIG.format(
            base_url=f'base_url = "{base_url}"' if base_url else "",
            templates=(REPO_ROOT / "templates").as_posix(),
            static=(REPO_ROOT / "static").as_posix(),
            page_size=page_size,
        ),
        encoding="utf-8",
    )
    return config


def make_site(folder: Path, base_url: str | None, about: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fill_store(folder / "data")
    config = write_config(folder, base_url)
    if about is not None:
        (folder / "about.md").write_text(about, encoding="utf-8")
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    return folder / "output"
