"""Peak memory of indexing one search chunk in this process, above what the loaded store holds.

    nice -n 10 python3 benchmarks/search_chunk_memory.py /tmp/b/site-100000/data [--papers 65536]

The build indexes its largest chunks (65,536 papers at 100,000) in its own process, beside the
archive (search/index.py), so this is what that stage adds to the build's peak. The resident set
is sampled every 20 ms while `chunk_files` runs on the oldest `--papers` papers (as the build's
first chunk); the digest of every file it made lets two versions be compared byte for byte.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.forkpool import release_free_memory  # noqa: E402
from sitegen.search.chunk import chunk_files  # noqa: E402
from sitegen.store.store import Store  # noqa: E402


def resident_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--papers", type=int, default=65536)
    args = parser.parse_args()
    gc.disable()  # as the build does (gc_paused)
    papers = sorted(Store(args.store).papers().values(), key=lambda p: (p.first_day, p.arxiv_id))[: args.papers]
    release_free_memory()
    base = peak = resident_mb()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):  # until chunk_files returns
            peak = max(peak, resident_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu = time.process_time()
    files = chunk_files(papers)
    cpu = time.process_time() - cpu
    done.set()
    sampler.join()
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path])
    print(
        f"{len(papers)} papers: the store {base} MB, peak {peak} MB (+{peak - base} MB); {cpu:.1f} s CPU; "
        f"{len(files)} files, {sum(map(len, files.values())) / 1e6:.1f} MB, sha256 {digest.hexdigest()[:16]}; "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
