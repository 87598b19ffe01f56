"""How a build shows its progress: one line per stage with its time, and a bar while pages render.

A full build of a large archive takes many seconds; saying nothing for that long looks like a
hang. On a terminal the page rendering gets click's progress bar (pages written of planned);
in Actions logs and pipes there is no bar, only each stage's closing line, so a log stays short.
The library's `build()` is silent unless the CLI hands it a progress.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

BAR_THRESHOLD = 200  # pages; a smaller build is over before a bar would help


class BuildProgress:
    """The silent progress: what `build()` uses when nobody is watching (tests, the library)."""

    @contextmanager
    def stage(self, name: str) -> Iterator[Callable[[str], None]]:
        """A stage of the build; the yielded function adds a detail to its closing line."""
        yield lambda detail: None

    @contextmanager
    def pages(self, total: int) -> Iterator[Callable[[int], None]]:
        """Rendering `total` pages; the yielded function is called with each batch's size."""
        yield lambda count: None


class CliBuildProgress(BuildProgress):
    def __init__(self, stream: TextIO | None = None, terminal: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal

    @contextmanager
    def stage(self, name: str) -> Iterator[Callable[[str], None]]:
        details: list[str] = []
        started = time.monotonic()
        yield details.append
        said = f"{name}: {', '.join(details)}" if details else name
        click.echo(f"build: {said} ({time.monotonic() - started:.1f} s)", file=self.stream)

    @contextmanager
    def pages(self, total: int) -> Iterator[Callable[[int], None]]:
        if not self.terminal or total < BAR_THRESHOLD:
            yield lambda count: None
            return
        bar: Any = click.progressbar(length=total, label="Rendering pages", file=self.stream, show_pos=True, show_eta=True)
        with bar:
            yield bar.update
