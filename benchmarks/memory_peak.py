"""Peak memory of a command and every process it forks, sampled from /proc while it runs.

    python3 benchmarks/memory_peak.py -- python3 -m sitegen --config /tmp/b/site-100000/sitegen.toml build
    python3 benchmarks/memory_peak.py --timeline -- python3 -m sitegen ... build   # also a line per stage

Why sample: `getrusage(RUSAGE_CHILDREN).ru_maxrss` gives the largest resident set of any one
process, which counts pages a forked worker shares with its parent as the worker's, and never
adds the parent's and the workers' own memory together. What the machine must have free is the
tree's memory at one moment: the sum of each process's proportional set size (PSS: a page shared
by n processes counts 1/n in each), read from `/proc/<pid>/smaps_rollup` every `--every` seconds.
A spike shorter than the interval can be missed, so the figure is a lower bound of the true peak
(by at most what one interval allocates). Also reported: the largest single RSS (what
`ru_maxrss` reports) and, per stage of the build (its `build: <stage>` lines on stderr, read as
they come), the tree's peak PSS and the number of processes then.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _children() -> dict[int, list[int]]:
    """Every process's children, from each /proc/<pid>/stat's parent field."""
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name (field 2) is in parentheses and may hold spaces: split after it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_of(root: int) -> list[int]:
    tree = _children()
    found, todo = [], [root]
    while todo:  # bounded: each pid once (a pid is a child of one parent)
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, ()))
    return found


def rollup_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; (0, 0) when it has exited."""
    rss = pss = 0
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0, 0
    for line in text.splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


@dataclass
class Sample:
    seconds: float
    processes: int
    pss_kb: int  # the tree's memory: sum of PSS
    largest_rss_kb: int
    each: tuple[tuple[int, int, int], ...] = ()  # (pid, RSS, PSS) of every process, in kB


@dataclass
class Measured:
    seconds: float
    returncode: int
    stderr: str
    cpu: float = 0.0  # user + system seconds of the command and every process it waited for
    samples: list[Sample] = field(default_factory=list)
    stages: list[tuple[float, str]] = field(default_factory=list)  # (time the line came, the line)

    @property
    def peak_pss_mb(self) -> int:
        return max((s.pss_kb for s in self.samples), default=0) // 1024

    @property
    def peak_rss_mb(self) -> int:
        return max((s.largest_rss_kb for s in self.samples), default=0) // 1024

    def at_peak(self) -> str:
        """The processes of the sample with the largest tree PSS: RSS and PSS of each, in MB."""
        if not self.samples:
            return ""
        peak = max(self.samples, key=lambda s: s.pss_kb)
        parts = [f"pid {pid}: RSS {rss // 1024}, PSS {pss // 1024}" for pid, rss, pss in peak.each]
        return f"at {peak.seconds:.1f} s: " + "; ".join(parts)

    def by_stage(self) -> list[tuple[str, int, int, int]]:
        """(stage line, peak tree PSS in MB during it, most processes, largest single RSS in MB);
        a stage runs from the previous stage line to its own."""
        rows = []
        start = 0.0
        for end, line in [*self.stages, (float("inf"), "(after the last stage)")]:
            inside = [s for s in self.samples if start <= s.seconds <= end]
            if inside:
                rows.append(
                    (
                        line,
                        max(s.pss_kb for s in inside) // 1024,
                        max(s.processes for s in inside),
                        max(s.largest_rss_kb for s in inside) // 1024,
                    )
                )
            start = end
        return rows


def measure(command: list[str], every: float = 0.2, cwd: Path | None = None) -> Measured:
    """Run `command`, sampling its process tree every `every` seconds until it exits."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=cwd)
    measured = Measured(0.0, 0, "")
    lines: list[str] = []

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:  # ends when the build closes stderr
            lines.append(line)
            if line.startswith("build: "):
                measured.stages.append((time.perf_counter() - started, line.rstrip()))

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    while True:
        # wait4 rather than poll: its resource usage covers the command and the workers it waited for.
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        rollups = [(pid, *rollup_kb(pid)) for pid in tree_of(process.pid)]
        rollups = [entry for entry in rollups if entry[1]]
        measured.samples.append(
            Sample(
                time.perf_counter() - started,
                len(rollups),
                sum(pss for _, _, pss in rollups),
                max((rss for _, rss, _ in rollups), default=0),
                tuple(rollups),
            )
        )
        time.sleep(every)
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    measured.seconds = time.perf_counter() - started
    measured.returncode = process.returncode
    measured.cpu = usage.ru_utime + usage.ru_stime
    measured.stderr = "".join(lines)
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("--timeline", action="store_true", help="print the peak of each stage")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    if not PROC.joinpath(str(os.getpid()), "smaps_rollup").exists():
        parser.error("needs Linux's /proc/<pid>/smaps_rollup")
    measured = measure(command, args.every)
    if measured.returncode:
        sys.stderr.write(measured.stderr)
    print(
        f"{measured.seconds:.1f} s, exit {measured.returncode}; peak of the tree (sum of PSS) {measured.peak_pss_mb} MB; "
        f"largest single RSS {measured.peak_rss_mb} MB; {measured.cpu:.1f} s CPU; {len(measured.samples)} samples"
    )
    print(f"  the processes at the peak, MB ({measured.at_peak()})")
    if args.timeline:
        for line, pss, processes, rss in measured.by_stage():
            print(f"  {pss:6d} MB tree PSS, {processes} process(es), largest RSS {rss:6d} MB: {line}")
    return measured.returncode


if __name__ == "__main__":
    raise SystemExit(main())
