"""What a fetch did, per source and in total: the CLI's summary, warnings and exit message.

Days are counted by what happened to them, so the summary is true when things go wrong:
- fetched: an answer came and was judged (ok, empty, suspect, or unchanged since last time);
- without listing: no request was needed (an arXiv weekend or holiday);
- failed: asked, and no usable answer after the retries;
- skipped: not asked, because the source was given up for this run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DayProblem:
    source: str
    day: dt.date
    message: str
    tried: bool = True  # False: skipped after the source was given up


@dataclass
class SourceReport:
    name: str
    days: int = 0  # days planned
    fetched: int = 0
    without_listing: int = 0
    skipped: int = 0
    new_papers: int = 0
    updated_papers: int = 0
    requests: int = 0
    failed: list[DayProblem] = field(default_factory=list)  # days left in state "failed", tried or skipped
    suspect: list[DayProblem] = field(default_factory=list)
    skipped_items: list[DayProblem] = field(default_factory=list)  # days stored without some malformed items
    gave_up: str | None = None
    unreachable: bool = False  # given up because the host cannot be reached at all

    @property
    def failed_days(self) -> int:
        return sum(1 for p in self.failed if p.tried)

    def counts(self) -> str:
        """"3 day(s) fetched, 1 failed, 10 skipped in 4 request(s)": zero counts left out."""
        parts = [f"{self.fetched} day(s) fetched"]
        parts += [
            f"{n} {label}"
            for n, label in ((self.without_listing, "without listing"), (self.failed_days, "failed"), (self.skipped, "skipped"))
            if n
        ]
        return ", ".join(parts) + f" in {self.requests} request(s)"

    def failure_line(self) -> str:
        if self.unreachable and self.gave_up:
            # One short line: the host and the cause say it all, the per-day errors would repeat it.
            return f"{self.name}: {self.gave_up} ({self.failed_days + self.skipped} day(s) not fetched; the next run tries again)"
        days = ", ".join(p.day.isoformat() for p in self.failed)
        line = f"{self.name} failed on {len(self.failed)} day(s) ({days}); first error: {self.failed[0].message}"
        return line + (f" [{self.gave_up}]" if self.gave_up and self.gave_up != self.failed[0].message else "")


@dataclass
class FetchReport:
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def days(self) -> int:
        """Days that got an answer, all sources together."""
        return sum(s.fetched for s in self.sources)

    @property
    def new_papers(self) -> int:
        return sum(s.new_papers for s in self.sources)

    @property
    def updated_papers(self) -> int:
        return sum(s.updated_papers for s in self.sources)

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.sources)

    @property
    def failures(self) -> list[DayProblem]:
        return [p for s in self.sources for p in s.failed]

    def summary(self) -> str:
        parts = "; ".join(f"{s.name}: {s.counts()}" for s in self.sources)
        return (
            f"fetched {self.days} day(s): {self.new_papers} new paper(s), {self.updated_papers} updated ({parts or 'no source'})"
        )

    def failure_lines(self) -> list[str]:
        """One line per source with failed days: the CLI's exit message."""
        return [s.failure_line() for s in self.sources if s.failed]

    def warning_lines(self) -> list[str]:
        lines = []
        for s in self.sources:
            lines += [f"{p.source}: {p.day} suspect: {p.message}" for p in s.suspect]
            lines += [f"{p.source}: {p.day}: {p.message}" for p in s.skipped_items]
        return lines
