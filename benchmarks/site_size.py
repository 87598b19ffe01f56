"""Only the site-size figures of benchmarks/run.py: one synthetic archive, one full build.

    nice -n 10 python3 benchmarks/site_size.py --papers 20000
    python3 benchmarks/site_size.py --papers 100000 --work /tmp/sitegen-size

Makes the store and 30-topic config as run.py does (`write_site`, seed 1, the same bytes every
time), builds it once in a fresh `python3 -m sitegen build` process, and prints the site's bytes
and files in all and per paper, and each section's (`size_figures` in run.py). With `--keep`,
an existing store in the work folder is built again instead of being made anew (to compare a
template change on the same archive).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Row, size_figures, timed_build, write_site  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-size")
    parser.add_argument("--keep", action="store_true", help="build the store already in --work again")
    args = parser.parse_args()
    folder = args.work / f"site-{args.papers}"
    config = folder / "sitegen.toml"
    if not (args.keep and config.is_file()):
        print(f"making the synthetic store of {args.papers:,} papers...", file=sys.stderr)
        config = write_site(folder, args.papers)
    print("building...", file=sys.stderr)
    seconds, peak, _ = timed_build(config)
    label = f"N={args.papers:,}"
    rows = [Row(f"{label}: full build", f"{seconds:.0f} s, peak {peak} MB", f"python3 -m sitegen --config {config} build")]
    size_figures(config.parent / "output", args.papers, rows, label)
    print("| measurement | figure |\n|---|---|")
    for row in rows:
        print(f"| {row.what} | {row.figure} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
