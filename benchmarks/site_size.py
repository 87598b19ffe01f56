"""Only the site-size figures of benchmarks/run.py: one synthetic archive, one full build.

    nice -n 10 python3 benchmarks/site_size.py --papers 20000
    python3 benchmarks/site_size.py --papers 100000 --work /tmp/sitegen-size

Makes the store and 30-topic config as run.py does (`write_site`, seed 1, the same bytes every
time), builds it once in a fresh `python3 -m sitegen build` process, and prints the site's bytes
and files in all and per paper, and each section's (`size_figures` in run.py). With `--keep`,
an existing store in the work folder is built again instead of being made anew (to compare a
template change on the same archive). It also prints where a paper page's bytes go (the mean of
up to 2,000 pages, every n-th in path order, cut at the markers of `PAPER_PARTS`).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Row, size_figures, timed_build, write_site  # noqa: E402

# Where each part of a paper page starts (old and new markup), in page order; a part runs to the
# next marker found. Bytes before the first marker (doctype, <html>) count as "head".
PAPER_PARTS = (
    ("head", rb"<head>"),
    ("header and navigation", rb"<body>"),
    ("title, authors, organization", rb'<article class="paper">'),
    ("links", rb'<ul class="links">'),
    ("facts", rb'<dl class="facts">'),
    ("abstract", rb'<section class="abstract"'),
    ("AI summary and keywords", rb'<section class="ai"'),
    ("topics with their reasons", rb'<section class="paper-topics"'),
    ("related papers", rb'<section class="related"'),
    ("BibTeX / Cite", rb'<(?:section|details) class="cite"'),
    ("footer", rb"</article>"),
)
SAMPLE = 2_000


def paper_parts(output: Path) -> list[tuple[str, float]]:
    """Mean bytes per part of a paper page, over a deterministic sample of the pages."""
    pages = sorted((output / "papers").glob("*/index.html"))
    sample = pages[:: max(1, len(pages) // SAMPLE)][:SAMPLE]
    totals = dict.fromkeys((name for name, _ in PAPER_PARTS), 0)
    for page in sample:
        html = page.read_bytes()
        starts = sorted((m.start(), name) for name, marker in PAPER_PARTS if (m := re.search(marker, html)))
        starts[0] = (0, starts[0][1])
        for (start, name), (end, _) in zip(starts, [*starts[1:], (len(html), "")], strict=True):
            totals[name] += end - start
    return [(name, total / len(sample)) for name, total in totals.items()] if sample else []


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
    parts = paper_parts(config.parent / "output")
    print(f"\n| part of a paper page (mean) | bytes |\n|---|--:|\n| **whole page** | {sum(b for _, b in parts):,.0f} |")
    for name, size in parts:
        print(f"| {name} | {size:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
