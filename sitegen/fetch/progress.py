"""How `sitegen fetch` and `run` show a source's progress (see fetching.FetchProgress).

On a terminal: click's progress bar (days done of planned, the current day and the requests so
far), ended the moment the source finishes or is given up. Elsewhere (Actions logs, pipes): no
bar, one line per source when it ends, with its time. Both end with that line.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any, TextIO

import click

from sitegen.fetch.report import SourceReport

BAR_THRESHOLD = 3  # a bar for more days than this; shorter fetches only get their closing line


class CliProgress:
    def __init__(self, stream: TextIO | None = None, terminal: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.label = ""
        self.started = 0.0
        self.bar: Any = None  # click's ProgressBar while one is shown

    def start(self, label: str, days: int) -> None:
        self.label = label
        self.started = time.monotonic()
        if self.terminal and days > BAR_THRESHOLD:
            self.bar = click.progressbar(
                length=days,
                label=f"Fetching {label}",
                file=self.stream,
                item_show_func=lambda text: text,
                show_eta=True,
            )
            self.bar.__enter__()

    def advance(self, day: dt.date, requests: int) -> None:
        if self.bar is not None:
            self.bar.update(1, f"{day.isoformat()}, {requests} request(s)")

    def stop(self, report: SourceReport) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        seconds = time.monotonic() - self.started
        line = f"{report.name}: {report.counts()} ({seconds:.1f} s)"
        if report.gave_up:
            line += " - given up for this run"
        click.echo(line, file=self.stream)
