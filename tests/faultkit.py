"""Shared pieces of the fetch tests: a test clock, configs pointed at the stand-in, sample papers."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from fault_server import ApiEntry

from sitegen.config.load import Config, load_config

REPO = Path(__file__).resolve().parents[1]


def cli_command(root: Path, *args: str) -> list[str]:
    """`sitegen --config <root>/sitegen.toml ARGS` as a user runs it, from this checkout."""
    return [sys.executable, "-m", "sitegen", "--config", str(root / "sitegen.toml"), *args]


def cli_env(**extra: str) -> dict[str, str]:
    """This environment with this checkout importable (the CLI runs in a subprocess)."""
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}
SHARED = REPO.parent / "shared" / "data"
UTC = dt.UTC


class FakeClock:
    """Sleeping only advances the clock: waits are asserted, never spent."""

    def __init__(self, start: dt.datetime) -> None:
        self.start = start
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += max(0.0, seconds)


def write_config(
    root: Path,
    base_url: str,
    *,
    huggingface: bool = True,
    arxiv: bool = True,
    categories: tuple[str, ...] = ("cs.LG", "cs.CL"),
    fetch: dict[str, Any] | None = None,
    arxiv_extra: str = "",
    interval: float = 3,
    theme: bool = False,
) -> Path:
    """A sitegen.toml for the stand-in, with small backoffs so faults cost little. The read timeout
    is generous: a loaded machine may take seconds to answer, and a read timed out by load would
    be retried and break a test's exact request count. A test of a stall sets its own (STALL)."""
    settings = {
        "timeout": 10,
        "retries": 3,
        "backoff": 0.01,
        "max_backoff": 0.05,
        "max_wait": 30,
        "heal_days": 14,
        "give_up_after": 3,
    }
    settings.update(fetch or {})
    lines = ['[site]\ntitle = "Test feeds"\n', "[fetch]"] + [f"{k} = {v}" for k, v in settings.items()]
    if huggingface:
        lines.append(f'\n[sources.huggingface]\nbase_url = "{base_url}"\nrefetch_days = 2')
    if arxiv:
        cats = ", ".join(f'"{c}"' for c in categories)
        lines.append(
            f'\n[sources.arxiv]\ncategories = [{cats}]\nbase_url = "{base_url}"\napi_base_url = "{base_url}"\n'
            f'contact = "feeds@example.org"\nrequest_interval = {interval}\n{arxiv_extra}'
        )
    lines.append('\n[topics.diffusion]\ntitle = "Diffusion"\nany = ["diffusion"]\n')
    path = root / "sitegen.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if theme:
        for folder in ("templates", "static"):
            if not (root / folder).exists():
                shutil.copytree(REPO / folder, root / folder)
    return path


def config(root: Path, base_url: str, **kwargs: Any) -> Config:
    return load_config(write_config(root, base_url, **kwargs))


def hf_item(arxiv_id: str, title: str, upvotes: int = 1, authors: tuple[str, ...] = ("Ada Lovelace",)) -> dict[str, Any]:
    return {
        "paper": {
            "id": arxiv_id,
            "title": title,
            "summary": f"An abstract about diffusion for {title}.",
            "authors": [{"name": name, "hidden": False} for name in authors] + [{"name": "Hidden Person", "hidden": True}],
            "upvotes": upvotes,
            "githubRepo": "https://github.com/example/code",
        },
        "numComments": 0,
        "organization": {"name": "example-org", "fullname": "Example Org"},
    }


def entry(
    arxiv_id: str, published: dt.datetime, categories: tuple[str, ...] = ("cs.LG",), version: int = 1, **kwargs: Any
) -> ApiEntry:
    return ApiEntry(
        arxiv_id=arxiv_id,
        title=kwargs.pop("title", f"Paper {arxiv_id} on $\\mathcal{{O}}(n)$ diffusion"),
        summary=kwargs.pop("summary", f"First paragraph of {arxiv_id} & friends <3.\n\nSecond paragraph."),
        authors=kwargs.pop("authors", ("Ada Lovelace", "Hidden Person", "Alan Turing")),
        categories=categories,
        published=published,
        version=version,
        **kwargs,
    )


def data_files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under data/ with its bytes and mtime, to prove a run rewrote nothing."""
    folder = root / "data"
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


# A stall far longer than the read timeout the stall tests set: a client that waited for the
# answer instead of timing out would get it at the first request (one request fewer) and take
# minutes, so the request count proves the timeout without reading a clock.
STALL_SECONDS = 120
STALL_TIMEOUT = {"timeout": 2}
