"""A build says what it is doing: one line per stage in logs, a progress bar on a terminal."""

from __future__ import annotations

import datetime as dt
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, run_sitegen, write_config

from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

STAGES = ["inputs", "store", "topics", "search index", "related papers", "plan", "write"]


def fill(store_path: Path, count: int) -> None:
    day = dt.date(2026, 3, 2)
    papers = tuple(
        Paper(arxiv_id=f"2603.{n:05d}", title=f"Diffusion study {n}", abstract="We study diffusion.", authors=("A. Author",),
              listing_days=(day,), upvotes=n % 9, sources=("huggingface",))
        for n in range(1, count + 1)
    )
    Store(store_path).add_listing(DayListing("huggingface", day, papers))


def test_a_build_in_a_log_prints_one_line_per_stage_and_no_bar(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    fill(tmp_path / "data", 30)
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    stages = [line for line in result.stderr.splitlines() if line.startswith("build: ")]
    assert [re.match(r"build: ([a-z ]+?)(?::|\s\()", line).group(1) for line in stages] == STAGES
    assert re.fullmatch(r"build: store: 30 paper\(s\) \(\d+\.\d s\)", stages[1])
    planned = int(re.search(r"write: (\d+) rendered of (\d+) planned", stages[STAGES.index("write")]).group(2))
    assert planned > 30 and "Rendering pages" not in result.stderr
    again = run_sitegen(config, "build")  # nothing changed: said from the digests, nothing loaded
    lines = [line for line in again.stderr.splitlines() if line.startswith("build: ")]
    assert len(lines) == 1 and lines[0].startswith("build: inputs: unchanged since the last build, nothing to do (")
    assert "built 30 paper(s) over 1 day(s)" in again.stderr and "0 file(s) written" in again.stderr


def test_on_a_terminal_rendering_shows_a_progress_bar(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    fill(tmp_path / "data", 300)
    controller, terminal = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "COLUMNS": "120"}
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "--config", str(config), "build"],
                               stdin=terminal, stdout=terminal, stderr=terminal, env=environment)
    os.close(terminal)
    screen = b""
    while True:  # until the build exits and the terminal closes (bounded by the build itself)
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(controller)
    assert process.wait(timeout=300) == 0, screen.decode(errors="replace")
    text = screen.decode(errors="replace")
    planned = int(re.search(r"write: (\d+) rendered of \1 planned", text).group(1))
    assert "Rendering pages" in text and f"{planned}/{planned}" in text
