"""The performance benchmark: our full and incremental builds against Hugo, in the same run.

    python3 benchmarks/run.py                  # N = 10,000 and 100,000 (several minutes)
    python3 benchmarks/run.py --sizes 10000    # a quicker run
    python3 benchmarks/run.py --work /tmp/bench --skip-hugo

For each N it makes a synthetic store (benchmarks/make_archive.py, shaped like the real archive)
with a config of 30 topics (the 14 of sitegen.toml and the 16 of benchmarks/tagging.py), then
measures, each build in a fresh process as a user runs it:
- full build from an empty output folder: wall time, HTML pages per second, files written, peak
  memory (the largest resident set of the build and its workers);
- incremental build after adding one day of 50 papers (the daily run): wall time, files written;
- in-process stages on the same store: loading the store, tagging, feed generation, search index;
- Hugo (when installed) building a minimal site of the same number of HTML pages, twice, the
  second timed; the ratio is our full-build time over Hugo's. Same machine, same run, so the
  ratio is meaningful even when the machine is busy.
Prints one table, with the command line behind each figure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
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
from make_archive import add_day, make_archive  # noqa: E402
from tagging import EXTRA_TOPICS  # noqa: E402

from sitegen.config.load import load_config  # noqa: E402
from sitegen.gcpause import gc_paused  # noqa: E402
from sitegen.publish.site_size import measure_site  # noqa: E402
from sitegen.rules.tagging import Tagger  # noqa: E402
from sitegen.search.index import write_search_index  # noqa: E402
from sitegen.site.feeds import FeedRenderer  # noqa: E402
from sitegen.site.site import build_model  # noqa: E402
from sitegen.site.templating import make_environment  # noqa: E402
from sitegen.store import Store  # noqa: E402


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
templates = "{(ROOT / 'templates').as_posix()}"
static = "{(ROOT / 'static').as_posix()}"

{topics}

{chr(10).join(extra)}
""",
        encoding="utf-8",
    )
    assert len(load_config(config, environ={}).topics) == 30
    return config


def timed_build(config: Path) -> tuple[float, int, str]:
    """Run `sitegen build` in a fresh process: (seconds, peak RSS in MB, its summary line)."""
    command = [sys.executable, "-m", "sitegen", "--config", str(config), "build"]
    # A wrapper process so that RUSAGE_CHILDREN covers only this build and its forked workers.
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.perf_counter() - start\n"
        "sys.stderr.write(done.stderr)\n"
        "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
    )
    result = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, cwd=ROOT, check=True)
    seconds, max_rss_kb, code = result.stdout.split()
    if code != "0":
        raise SystemExit(f"build failed:\n{result.stderr}")
    summary = next(line for line in result.stderr.splitlines() if line.startswith("built "))
    return float(seconds), int(max_rss_kb) // 1024, summary


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
    model = build_model(config, papers)
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
    rows.append(
        Row(
            f"{label}: our full build / Hugo", f"{ours / seconds:.2f}", "ratio of the two wall times above (<= 1.0 is the target)"
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench")
    parser.add_argument("--skip-hugo", action="store_true")
    args = parser.parse_args()
    rows: list[Row] = []
    for count in args.sizes:
        label = f"N={count:,}"
        print(f"[{label}] making the synthetic store...", file=sys.stderr)
        config = write_site(args.work / f"site-{count}", count)
        output = config.parent / "output"
        cmd = f"python3 -m sitegen --config {config} build"
        print(f"[{label}] full build...", file=sys.stderr)
        seconds, peak, summary = timed_build(config)
        pages = html_pages(output)
        rows.append(
            Row(
                f"{label}: full build",
                f"{seconds:.2f} s, {pages:,} HTML pages, {pages / seconds:,.0f} pages/s, {written(summary):,} files, peak "
                f"{peak} MB",
                cmd,
            )
        )
        size_figures(output, count, rows, label)
        seconds, peak, summary = timed_build(config)
        rows.append(
            Row(f"{label}: rebuild, nothing changed", f"{seconds:.2f} s, {written(summary)} files written, peak {peak} MB", cmd)
        )
        day = add_day(config.parent / "data", 50, seed=1)
        seconds, peak, summary = timed_build(config)
        rows.append(
            Row(
                f"{label}: incremental, +1 day of 50 papers ({day})",
                f"{seconds:.2f} s, {written(summary)} files written, peak {peak} MB",
                f"make_archive.py 50 --add-day; {cmd}",
            )
        )
        stage_figures(config, rows, label)
        if not args.skip_hugo and hugo_reference.hugo_available():
            print(f"[{label}] Hugo...", file=sys.stderr)
            full = next(r for r in rows if r.what == f"{label}: full build")
            hugo_figures(output, pages, args.work, float(full.figure.split(" s")[0]), rows, label)
        elif not args.skip_hugo:
            rows.append(Row(f"{label}: Hugo", "not installed (apt-get install hugo)", ""))
    print("| measurement | figure | command |\n|---|---|---|")
    for row in rows:
        print(f"| {row.what} | {row.figure} | `{row.command}` |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
