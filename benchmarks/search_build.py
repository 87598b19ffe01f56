"""Time the search index and related papers over a store, from scratch, as `sitegen build` makes them.

    nice -n 10 python3 benchmarks/search_build.py /tmp/s100k/data [--index /tmp/search-index]
    (make the store: python3 benchmarks/make_archive.py 100000 --out /tmp/s100k/data)

Prints wall and CPU seconds (the index's chunks are built in worker processes, whose CPU is
counted too), the machine's load average, and peak memory: on a shared machine wall time
follows the load, CPU seconds much less.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.search.index import write_search_index  # noqa: E402
from sitegen.search.related import related_papers, word_counts  # noqa: E402
from sitegen.store.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--index", type=Path, help="where to write the index (default: a temporary folder)")
    args = parser.parse_args()
    gc.disable()  # as the build does (gc_paused)
    started = time.perf_counter()
    store = Store(args.store)
    papers = sorted(store.papers().values(), key=lambda p: (p.first_day, p.arxiv_id))
    versions = store.paper_versions()
    load = os.getloadavg()[0]
    print(f"store: {len(papers)} papers in {time.perf_counter() - started:.1f} s; load average {load:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as temp:
        folder = args.index or Path(temp) / "index"
        if args.index and folder.exists():
            shutil.rmtree(folder)
        started, cpu = time.perf_counter(), time.process_time()
        report = write_search_index(folder, papers, versions)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        index_cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
        print(f"{report.summary()}: {time.perf_counter() - started:.1f} s wall, {index_cpu:.1f} s CPU", flush=True)
        size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
        print(f"index size: {size / 1e6:.1f} MB, {size / max(len(papers), 1) / 1000:.2f} KB per paper", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu = time.perf_counter(), time.process_time()
    related = related_papers(papers, None, word_counts(papers))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu + workers_cpu
    print(f"related papers of {len(related)} papers: {wall:.1f} s wall, {cpu:.1f} s CPU")
    peak, workers = (resource.getrusage(who).ru_maxrss // 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"load average {os.getloadavg()[0]:.1f}; peak memory {peak} MB, index workers {workers} MB")


if __name__ == "__main__":
    main()
