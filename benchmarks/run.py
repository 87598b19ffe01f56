"""The performance benchmark: our full, no-change and daily builds against Hugo, in the same run.

    python3 benchmarks/run.py                  # N = 10,000 and 100,000 (long: see benchmarks/README.md)
    python3 benchmarks/run.py --large          # ... and 300,000
    python3 benchmarks/run.py --sizes 10000    # a quicker run
    python3 benchmarks/run.py --work /tmp/bench --skip-hugo --stages

For each N it makes a synthetic store (benchmarks/make_archive.py, shaped like the real archive)
with a config of 30 topics (the 14 of sitegen.toml and the 16 of benchmarks/tagging.py), then
measures (`timing_figures`), each build in a fresh process as a user runs it:
- full build from an empty output folder: wall time, HTML pages per second, files written, peak
  memory (what the build and its forked workers hold at once, sampled: memory_peak.py);
- Hugo (when installed) building a minimal site of the same number of HTML pages, twice, the
  second timed; the ratio is our full-build time over Hugo's. Same machine, same run, so the
  ratio is meaningful even when the machine is busy;
- a build with nothing changed, and a daily build after adding one day of 50 papers;
- loading the store in this process;
each against its target (issue 12), as a ratio: under 1 means the target holds. With `--stages`
it also times tagging, feeds and the search index from scratch in this process.
Prints one table, with the command line behind each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import hugo_reference  # noqa: E402
import memory_peak  # noqa: E402
from make_archive import add_day, make_archive  # noqa: E402
from tagging import EXTRA_TOPICS  # noqa: E402

from sitegen.config.load import load_config  # noqa: E402
from sitegen.gcpause import gc_paused  # noqa: E402
from sitegen.publish.site_size import measure_site  # noqa: E402
from sitegen.rules.tag_all import tag_archive  # noqa: E402
from sitegen.rules.tagging import Tagger  # noqa: E402
from sitegen.search.index import write_search_index  # noqa: E402
from sitegen.site.feeds import FeedRenderer  # noqa: E402
from sitegen.site.site import build_model  # noqa: E402
from sitegen.site.templating import make_environment  # noqa: E402
from sitegen.store.store import Store  # noqa: E402


@dataclass
class Row:
    what: str
    figure: str
    command: str


def write_site(folder: Path, count: int) -> Path:
    """A synthetic store of `count` papers and a config with 30 topics."""
    if folder.exists():
        shutil.rmtree(folder)
    make_archive(folder / "data", count, min(700, count), seed=1)
    shipped = (ROOT / "sitegen.toml").read_text(encoding="utf-8")
    topics = shipped[shipped.index("[topics.") :]
    extra = []
    for slug, rules in EXTRA_TOPICS.items():
        lines = [f"[topics.{slug}]", f'title = "{slug.replace("-", " ").capitalize()}"']
        for key, value in rules.items():
            lines.append(f"{key} = {json.dumps(list(value) if isinstance(value, tuple) else value)}")
        extra.append("\n".join(lines))
    config = folder / "sitegen.toml"
    config.write_text(
        f"""[site]
title = "Benchmark"
description = "A synthetic archive of {count} papers."
base_url = "https://owner.github.io/repo/"

[build]
templates = "{(ROOT / "templates").as_posix()}"
static = "{(ROOT / "static").as_posix()}"

{topics}

{chr(10).join(extra)}
""",
        encoding="utf-8",
    )
    assert len(load_config(config, environ={}).topics) == 30
    return config


@dataclass(frozen=True)
class BuildRun:
    seconds: float  # wall time
    cpu: float  # user + system CPU time of the build and its workers (less sensitive to other load)
    peak_mb: int  # the most memory the build and its workers held at once (sum of PSS, sampled)
    summary: str  # its "built ..." line
    stages: tuple[str, ...] = ()  # its "build: <stage>: ... (n s)" lines, in order
    largest_rss_mb: int = 0  # the largest resident set of any one of them (what ru_maxrss says)


def stage_times(run: BuildRun) -> str:
    """The build's own stage lines, shortened to "stage n s", e.g. "store 1.2 s, plan 0.8 s"."""
    parts = []
    for line in run.stages:
        name = line.removeprefix("build: ").split(":", 1)[0].split(" (", 1)[0]
        parts.append(f"{name} {line.rsplit('(', 1)[1].rstrip(')')}")
    return ", ".join(parts)


def measure_build(config: Path) -> BuildRun:
    """Run `sitegen build` in a fresh process and measure it, its memory sampled with its forked
    workers' (memory_peak.py: the sum of their proportional set sizes, so pages a worker shares
    with the build count once)."""
    command = [sys.executable, "-m", "sitegen", "--config", str(config), "build"]
    run = memory_peak.measure(command, every=0.25, cwd=ROOT)
    if run.returncode:
        raise SystemExit(f"build failed:\n{run.stderr}")
    lines = run.stderr.splitlines()
    summary = next(line for line in lines if line.startswith("built "))
    stages = tuple(line for line in lines if line.startswith("build: "))
    return BuildRun(run.seconds, run.cpu, run.peak_pss_mb, summary, stages, run.peak_rss_mb)


def timed_build(config: Path) -> tuple[float, int, str]:
    """Run `sitegen build` in a fresh process: (seconds, peak RSS in MB, its summary line)."""
    run = measure_build(config)
    return run.seconds, run.peak_mb, run.summary


def written(summary: str) -> int:
    return int(summary.split(": ", 1)[1].split(" file(s) written")[0])


def html_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def stage_figures(config_path: Path, rows: list[Row], label: str) -> None:
    """Store loading, tagging, feeds and search index, timed in this process."""
    config = load_config(config_path, environ={})
    start = time.perf_counter()
    with gc_paused():
        papers = Store(config.store.path).papers()
    load = time.perf_counter() - start
    rows.append(Row(f"{label}: load the store", f"{load:.2f} s ({len(papers):,} papers)", "Store(data).papers()"))
    tagger = Tagger(config.topics)
    start = time.perf_counter()
    with gc_paused():
        for paper in papers.values():
            tagger.tag(paper)
    seconds = time.perf_counter() - start
    rows.append(
        Row(
            f"{label}: tag, 30 topics, one core",
            f"{seconds:.2f} s, {len(papers) / seconds:,.0f} papers/s",
            "Tagger(topics).tag(p) for every paper",
        )
    )
    model = build_model(config, papers, *tag_archive(config.topics, papers))
    env = make_environment(config.build.templates)
    start = time.perf_counter()
    feeds = list(FeedRenderer(env, model).feeds())
    seconds = time.perf_counter() - start
    rows.append(
        Row(
            f"{label}: feeds (31 channels x 3 formats + OPML)",
            f"{seconds:.2f} s, {len(feeds)} files",
            "FeedRenderer(env, model).feeds()",
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        report = write_search_index(Path(folder) / "index", tuple(reversed(model.newest_first)))
        seconds = time.perf_counter() - start
    rows.append(Row(f"{label}: search index from scratch", f"{seconds:.2f} s, {report.chunks} chunks", "write_search_index(...)"))


def size_figures(output: Path, papers: int, rows: list[Row], label: str) -> None:
    """The built site's bytes and files in all and by section, each also per paper (the size
    budget of issue 12: at 100,000 papers at most 600 MB and 150,000 files, 6 KB per paper)."""
    size = measure_site(output)
    rows.append(
        Row(
            f"{label}: site size",
            f"{size.bytes / 1e6:,.1f} MB in {size.files:,} files; {size.bytes / papers / 1000:.2f} KB and "
            f"{size.files / papers:.2f} files per paper",
            f"measure_site({output.name}) (sitegen/publish/site_size.py; the build cache not counted)",
        )
    )
    for section in size.sections:
        rows.append(
            Row(
                f"{label}: {section.name}/" if section.name != "other" else f"{label}: other (top-level files)",
                f"{section.bytes / 1e6:,.1f} MB, {section.files:,} file(s); {section.bytes / papers:,.0f} bytes per paper",
                "",
            )
        )


def hugo_figures(output: Path, pages: int, work: Path, ours: float, rows: list[Row], label: str) -> None:
    store = Store(output.parent / "data").papers()
    sample = list(store.values())
    content = [
        (sample[i % len(sample)].title, ", ".join(sample[i % len(sample)].authors[:10]), sample[i % len(sample)].abstract)
        for i in range(pages)
    ]
    site = work / f"hugo-{label}"
    hugo_reference.make_site(site, content)
    seconds, hugo_pages = hugo_reference.build(site)
    rows.append(
        Row(
            f"{label}: Hugo, same page count",
            f"{seconds:.2f} s, {hugo_pages:,} pages, {hugo_pages / seconds:,.0f} pages/s",
            f"hugo --quiet -s {site} -d {site}/public",
        )
    )
    verdict = "met" if ours <= seconds else "missed"
    rows.append(
        Row(
            f"{label}: our full build / Hugo",
            f"{ours / seconds:.2f} (target at most 1.0: {verdict})",
            "ratio of the two wall times above",
        )
    )


# Targets of issue 12, in seconds and MB; each figure is printed as a ratio to its target.
DAILY_TARGET, NO_CHANGE_TARGET, PEAK_TARGET_MB, LARGE_DAILY_FACTOR = 1.0, 0.5, 1536, 1.5


def against(figure: float, target: float) -> str:
    ratio = figure / target
    return f"{ratio:.2f} of the target: {'met' if ratio < 1 else 'missed'}"


def timing_figures(count: int, args: argparse.Namespace, rows: list[Row]) -> float:
    """The build timings at one archive size (see the module docstring); returns the daily build's
    wall time, for the comparison of sizes."""
    label = f"N={count:,}"
    print(f"[{label}] making the synthetic store...", file=sys.stderr)
    config = write_site(args.work / f"site-{count}", count)
    output = config.parent / "output"
    cmd = f"python3 -m sitegen --config {config} build"
    print(f"[{label}] full build...", file=sys.stderr)
    full = measure_build(config)
    pages = html_pages(output)
    rows.append(
        Row(
            f"{label}: full build",
            f"{full.seconds:.2f} s ({full.cpu:.1f} s CPU), {pages:,} HTML pages, {pages / full.seconds:,.0f} pages/s, "
            f"{written(full.summary):,} files",
            cmd,
        )
    )
    size_figures(output, count, rows, label)
    if not args.skip_hugo and hugo_reference.hugo_available():
        print(f"[{label}] Hugo...", file=sys.stderr)
        hugo_figures(output, pages, args.work, full.seconds, rows, label)
    elif not args.skip_hugo:
        rows.append(Row(f"{label}: Hugo", "not installed (apt-get install hugo)", ""))
    print(f"[{label}] no-change and daily builds...", file=sys.stderr)
    unchanged = measure_build(config)
    rows.append(
        Row(
            f"{label}: no-change build",
            f"{unchanged.seconds:.2f} s ({unchanged.cpu:.2f} s CPU), {written(unchanged.summary)} files written; "
            f"{against(unchanged.seconds, NO_CHANGE_TARGET)} ({NO_CHANGE_TARGET} s)",
            cmd,
        )
    )
    day = add_day(config.parent / "data", 50, seed=1)
    daily = measure_build(config)
    rows.append(
        Row(
            f"{label}: daily build, +1 day of 50 papers ({day})",
            f"{daily.seconds:.2f} s ({daily.cpu:.2f} s CPU), {written(daily.summary)} files written; "
            f"{against(daily.seconds, DAILY_TARGET)} ({DAILY_TARGET} s)",
            f"make_archive.py 50 --add-day; {cmd}",
        )
    )
    # Where the daily build's time goes, as the build reports its stages (wall time each). The
    # related papers and search index stages are the search side's (sitegen/search/); the rest
    # (process start and imports, the build cache, the size ledger) is the difference.
    rows.append(Row(f"{label}: daily build by stage", stage_times(daily), "the build's own `build: <stage>` lines"))
    peak = max(full.peak_mb, unchanged.peak_mb, daily.peak_mb)
    rows.append(
        Row(
            f"{label}: peak memory",
            f"full {full.peak_mb} MB, no-change {unchanged.peak_mb} MB, daily {daily.peak_mb} MB; "
            f"{against(peak, PEAK_TARGET_MB)} (1.5 GB); the largest single process: full {full.largest_rss_mb} MB, "
            f"daily {daily.largest_rss_mb} MB",
            "the build and its workers at once: sum of PSS, sampled every 0.25 s (memory_peak.py)",
        )
    )
    start = time.perf_counter()
    with gc_paused():
        papers = Store(config.parent / "data").papers()
    rows.append(
        Row(
            f"{label}: load the store",
            f"{time.perf_counter() - start:.2f} s ({len(papers):,} papers)",
            "Store(data).papers(), in this process",
        )
    )
    if args.stages:
        stage_figures(config, rows, label)
    return daily.seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--large", action="store_true", help="also 300,000 papers (the store alone is about 700 MB)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--stages", action="store_true", help="also time tagging, feeds and the search index in-process")
    args = parser.parse_args()
    rows: list[Row] = [
        Row(
            "machine load at the start", f"{os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)", "os.getloadavg()"
        )
    ]
    daily: dict[int, float] = {}
    for count in [*args.sizes, *([300_000] if args.large and 300_000 not in args.sizes else [])]:
        daily[count] = timing_figures(count, args, rows)
    if 100_000 in daily and 300_000 in daily:
        growth = daily[300_000] / daily[100_000]
        verdict = "met" if growth <= LARGE_DAILY_FACTOR else "missed"
        rows.append(
            Row(
                "daily build at 300,000 / at 100,000",
                f"{growth:.2f} (target at most {LARGE_DAILY_FACTOR}: {verdict})",
                "ratio of the two daily builds above",
            )
        )
    rows.append(Row("machine load at the end", f"{os.getloadavg()[0]:.1f}", "os.getloadavg()"))
    print("| measurement | figure | command |\n|---|---|---|")
    for row in rows:
        print(f"| {row.what} | {row.figure} | `{row.command}` |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
