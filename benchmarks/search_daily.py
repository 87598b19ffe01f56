"""The daily cost of the search stages: related papers, the search index and its head, as
`sitegen build` runs them, for one new day of papers added to a large archive.

    python3 benchmarks/make_archive.py 100000 --out /tmp/s100k/data      # once; kept
    nice -n 10 python3 benchmarks/search_daily.py /tmp/s100k/data [--days 8] [--work /tmp/search-daily]

Copies the store to the work folder, builds the related papers and the index from scratch (with
their kept state, as a first `sitegen build` does), then adds `--days` days of 50 papers
(make_archive.py --add-day) one at a time, and times both stages on each (wall and CPU seconds,
with the machine's load average: on a shared machine wall time follows the load). A day whose
papers complete a chunk of the index (every 64 papers) or merge chunks (every 256, 1,024, ...)
costs more than one that only rewrites the newest chunk: the table shows every day, then the
median. Then checks that the index, head and related lists equal a clean build's.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_archive import add_day  # noqa: E402

from sitegen.search.index import write_search_index  # noqa: E402
from sitegen.search.keys import PaperKeys  # noqa: E402
from sitegen.search.related_state import update_related  # noqa: E402
from sitegen.store.models import Paper  # noqa: E402
from sitegen.store.store import Store  # noqa: E402


def load(store: Path) -> tuple[list[Paper], dict[str, bytes]]:
    loaded = Store(store)
    papers = sorted(loaded.papers().values(), key=lambda p: (p.first_day, p.arxiv_id))
    return papers, loaded.paper_versions()


def stages(work: Path, papers: list[Paper], versions: dict[str, bytes]) -> dict[str, float]:
    """Both search stages as build.py runs them; seconds (wall, CPU) of each."""
    times: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    keys = PaperKeys.of(papers, versions)
    times["keys_wall"], times["keys_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    found = update_related(work / "state" / "related", papers, keys=keys)
    times["related_wall"], times["related_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    times["related_computed"] = found.computed
    wall, cpu = time.perf_counter(), time.process_time()
    report = write_search_index(work / "index", papers, state=work / "state" / "index.msgpack", keys=keys)
    times["index_wall"], times["index_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    times["chunks_built"] = report.built
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--work", type=Path, default=Path("/tmp/search-daily"))
    parser.add_argument("--keep", action="store_true", help="reuse the work folder's clean build (same store)")
    args = parser.parse_args()
    gc.disable()  # as the build does (gc_paused)
    work = args.work
    if not (args.keep and (work / "clean").is_dir()):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(args.store, work / "clean" / "data")
        papers, versions = load(work / "clean" / "data")
        started = time.perf_counter()
        first = stages(work / "clean", papers, versions)
        print(
            f"clean build of {len(papers)} papers: {time.perf_counter() - started:.1f} s wall "
            f"(related {first['related_wall']:.1f} s, index {first['index_wall']:.1f} s)",
            flush=True,
        )
    shutil.rmtree(work / "daily", ignore_errors=True)
    shutil.copytree(work / "clean", work / "daily")
    rows = []
    print("day | papers | chunks built | keys | related | index + head | total (wall) | total (CPU) | load")
    for day in range(args.days):
        add_day(work / "daily" / "data", 50, seed=100 + day)
        papers, versions = load(work / "daily" / "data")
        times = stages(work / "daily", papers, versions)
        total = times["keys_wall"] + times["related_wall"] + times["index_wall"]
        total_cpu = times["keys_cpu"] + times["related_cpu"] + times["index_cpu"]
        rows.append((total, total_cpu, times))
        print(
            f"{day + 1} | {len(papers)} | {times['chunks_built']:.0f} | {times['keys_wall']:.3f} | {times['related_wall']:.3f} | "
            f"{times['index_wall']:.3f} | {total:.3f} s | {total_cpu:.3f} s | {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(
        f"median over {len(rows)} days: {statistics.median(r[0] for r in rows):.3f} s wall, "
        f"{statistics.median(r[1] for r in rows):.3f} s CPU; max {max(r[0] for r in rows):.3f} s wall"
    )
    # The daily result equals a clean build's.
    papers, versions = load(work / "daily" / "data")
    shutil.rmtree(work / "check", ignore_errors=True)
    clean = work / "check"
    keys = PaperKeys.of(papers, versions)
    lists = update_related(clean / "state" / "related", papers, keys=keys).lists
    write_search_index(clean / "index", papers, state=clean / "state" / "index.msgpack", keys=keys)
    daily = update_related(work / "daily" / "state" / "related", papers, keys=keys).lists
    files = sorted(p.relative_to(clean / "index") for p in (clean / "index").rglob("*") if p.is_file())
    same_index = files == sorted(
        p.relative_to(work / "daily" / "index") for p in (work / "daily" / "index").rglob("*") if p.is_file()
    )
    same_index = same_index and all(
        (clean / "index" / f).read_bytes() == (work / "daily" / "index" / f).read_bytes() for f in files
    )
    same_related = all(lists[i] == daily[i] for i in keys.ids)
    print(f"equal to a clean build: index and head {same_index}, related papers {same_related}")


if __name__ == "__main__":
    main()
