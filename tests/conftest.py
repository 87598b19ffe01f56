"""Shared test helpers: a site folder with its own config, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and every machine (derandomize; no example
# database carried between runs), so CI cannot fail on a draw no local run saw. Run
# `HYPOTHESIS_PROFILE=explore python3 -m pytest` to fuzz with fresh random draws instead.
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
HF_REAL_DATA = SHARED_DATA / "hf-daily-papers"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

DEFAULT_TOPICS = """
[topics.diffusion]
title = "Diffusion models"
description = "Diffusion *everywhere*."
any = ["diffusion"]
none = ["survey"]

[topics.agents]
title = "Agents"
description = "LLM agents."
any = ["agent"]
"""


def published_files(output: Path) -> dict[str, bytes]:
    """The files of a built site that must equal a clean build's: not the search index's chunks
    (it brings its own up to date) nor sitegen's own state files."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in output.rglob("*")
        if path.is_file() and not path.relative_to(output).as_posix().startswith(("search/index", ".sitegen-"))
    }


def write_config(site: Path, hf_base_url: str, *, topics: str = DEFAULT_TOPICS, extra: str = "") -> Path:
    """A config in `site/` whose theme is the repository's own templates and static files."""
    site.mkdir(parents=True, exist_ok=True)
    config = site / "sitegen.toml"
    config.write_text(
        f"""
[site]
title = "Test feeds"
description = "Papers for tests."

[build]
templates = "{(REPO_ROOT / 'templates').as_posix()}"
static = "{(REPO_ROOT / 'static').as_posix()}"
page_size = 5

[fetch]
timeout = 5
retries = 2
backoff = 0

[sources.huggingface]
base_url = "{hf_base_url}"
refetch_days = 3
{extra}
{topics}
""",
        encoding="utf-8",
    )
    return config


def run_sitegen(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_REPOSITORY"}
    environment["PYTHONPATH"] = str(REPO_ROOT)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def sitegen_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_sitegen


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    """An environment for git and sitegen processes with a private HOME (no user or system git config)."""
    from gitsite import clean_env

    home = tmp_path / "home"
    home.mkdir()
    return clean_env(home)
