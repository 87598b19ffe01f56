"""Test support: real git repositories holding a sitegen site, and the CLI run as a user runs it.

Every git and sitegen process gets a clean environment (a private HOME, no system git config,
no GITHUB_* variables leaking in from a CI runner), so tests see exactly what they set.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from sitegen.publish.site_size import UNPUBLISHED
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent  # the tree under test
TEST_IDENTITY = {
    "GIT_AUTHOR_NAME": "Fork Owner",
    "GIT_AUTHOR_EMAIL": "owner@example.org",
    "GIT_COMMITTER_NAME": "Fork Owner",
    "GIT_COMMITTER_EMAIL": "owner@example.org",
}


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPATH": str(REPO_ROOT),
        **TEST_IDENTITY,
    }
    env.update(extra)
    return env


def git(cwd: Path, *args: str, env: dict[str, str], check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def sitegen(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def paper(arxiv_id: str, day: dt.date, title: str | None = None) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=title or f"Diffusion paper {arxiv_id}",
        abstract=f"We study diffusion models in paper {arxiv_id}.",
        authors=("Ada Lovelace", "Alan Turing"),
        listing_days=(day,),
        upvotes=3,
        sources=("huggingface",),
    )


def add_papers(repo: Path, day: dt.date, ids: list[str]) -> None:
    Store(repo / "data").add_listing(DayListing("huggingface", day, tuple(paper(i, day) for i in ids)))


def write_config(repo: Path, extra: str = "") -> None:
    (repo / "sitegen.toml").write_text(
        f"""[site]
title = "Test feeds"
description = "Papers for tests."
{extra}
[build]
templates = "{REPO_ROOT / 'templates'}"
static = "{REPO_ROOT / 'static'}"

[topics.diffusion]
title = "Diffusion"
any = ["diffusion"]
""",
        encoding="utf-8",
    )


def make_site_repo(root: Path, env: dict[str, str], site_extra: str = "", tail: str = "") -> Path:
    """A fork-like repository: sitegen.toml and a small archive, committed on `main`."""
    repo = root / "site"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main", env=env)
    write_config(repo, site_extra)
    if tail:
        with (repo / "sitegen.toml").open("a", encoding="utf-8") as handle:
            handle.write(tail)
    (repo / ".gitignore").write_text("/output/\n", encoding="utf-8")
    add_papers(repo, dt.date(2025, 3, 3), ["2503.00001", "2503.00002"])
    add_papers(repo, dt.date(2025, 3, 4), ["2503.00003"])
    git(repo, "add", "-A", env=env)
    git(
        repo,
        "commit",
        "-q",
        "-m",
        "Initial archive",
        env={**env, "GIT_AUTHOR_DATE": "1741000000 +0000", "GIT_COMMITTER_DATE": "1741000000 +0000"},
    )
    return repo


def make_bare_remote(root: Path, env: dict[str, str], name: str = "origin.git") -> Path:
    bare = root / name
    git(root, "init", "-q", "--bare", "-b", "main", str(bare), env=env)
    return bare


def tree_files(repo: Path, ref: str, env: dict[str, str]) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", ref, env=env).splitlines())


def output_files(output: Path) -> set[str]:
    """The site files of a build (the build cache, size ledger and search state are the builder's memory, never published)."""
    return {
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file() and p.relative_to(output).parts[0] not in UNPUBLISHED
    }
