"""TeX left over after conversion, over every real title and abstract, before and after a change.

    python3 benchmarks/tex_corpus.py [--data ../shared/data/hf-daily-papers]
                                     [--before b7d3c77] [--pylatexenc] [--show 20]

Each day file is parsed with the Hugging Face parser (so the choice of title counts too), one
record per paper (its last listing), and its title and abstract are converted with
`sitegen.text.tex.readable_tex`, as the pages and feeds do. The script counts how many still contain
a backslash, a `$`, or either. Money ("$1 Million") rightly keeps its `$`, so the `$` column
never reaches zero; the backslash column is the one that counts TeX a reader still sees.

- "after" is this checkout;
- "before" is the sitegen package of git revision --before (default: the main of 2026-11-30,
  before the converter was widened), extracted with `git archive` to a temporary folder and
  measured there in a subprocess;
- "as sent" counts the texts without any conversion;
- --pylatexenc adds pylatexenc's LatexNodes2Text (if installed) on the same texts, with its
  failures counted (a failure is shown as sent).

Then speed, as ratios against a reference measured in the same run: the CPU time to convert the
whole corpus, and to convert hostile inputs (deep braces, `\\frac{` repeated, backslash soup,
a text at the length cap), each compared with the time to `str.lower()` the same text 100 times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BEFORE = "b7d3c77"


def corpus_texts(data: Path) -> list[tuple[str, str]]:
    """(kind, text) for every paper's title and abstract, as the store would hold them."""
    import datetime as dt

    try:
        from sitegen.fetch.sources.huggingface_parse import parse_api_json
    except ImportError:  # a --before revision from before the package layout of 2026-11-30
        from sitegen.sources.huggingface_parse import parse_api_json  # type: ignore[no-redef]

    papers = {}
    for path in sorted(data.glob("*.json")):
        for paper in parse_api_json(path.read_bytes(), dt.date.fromisoformat(path.stem), str(path)):
            papers[paper.arxiv_id] = paper
    return [(kind, text) for paper in papers.values() for kind, text in (("title", paper.title), ("abstract", paper.abstract))]


def leftover_counts(texts: list[tuple[str, str]], convert: Callable[[str], str]) -> dict[str, dict[str, int]]:
    counts = {kind: {"texts": 0, "backslash": 0, "dollar": 0, "either": 0} for kind in ("title", "abstract")}
    for kind, text in texts:
        shown = convert(text)
        row = counts[kind]
        row["texts"] += 1
        row["backslash"] += "\\" in shown
        row["dollar"] += "$" in shown
        row["either"] += "\\" in shown or "$" in shown
    return counts


def _measure_here(data: Path) -> dict[str, object]:
    try:
        from sitegen.text.tex import readable_tex
    except ImportError:  # a --before revision from before the package layout of 2026-11-30
        from sitegen.tex import readable_tex  # type: ignore[no-redef]

    texts = corpus_texts(data)
    started = time.process_time()
    counts = leftover_counts(texts, readable_tex)
    return {"counts": counts, "cpu": time.process_time() - started, "raw": leftover_counts(texts, lambda t: t)}


def _measure_revision(revision: str, data: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "sitegen"], check=True, capture_output=True).stdout
        archive_path = Path(folder) / "sitegen.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(folder, filter="data")
        env = {**os.environ, "PYTHONPATH": folder}
        script = f"import sys; sys.path.insert(0, {folder!r}); sys.argv = ['x']; " + (
            "import json, pathlib, runpy; m = runpy.run_path(" + repr(__file__) + ", run_name='tex_corpus'); "
            f"print(json.dumps(m['_measure_here'](pathlib.Path({str(data)!r}))))"
        )
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=folder, check=True, capture_output=True, text=True)
        return json.loads(done.stdout)


def _pylatexenc(texts: list[tuple[str, str]]) -> tuple[dict[str, dict[str, int]], float, int] | None:
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:
        return None
    converter = LatexNodes2Text(math_mode="text")
    failures = 0

    def convert(text: str) -> str:
        nonlocal failures
        try:
            return converter.latex_to_text(text)
        except Exception:  # noqa: BLE001 (measuring how often it fails is the point)
            failures += 1
            return text

    started = time.process_time()
    counts = leftover_counts(texts, convert)
    return counts, time.process_time() - started, failures


def _table(rows: list[tuple[str, dict[str, dict[str, int]]]]) -> str:
    lines = [
        "| converter | titles with \\ | titles with $ | abstracts with \\ | abstracts with $ | either, all texts |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, counts in rows:
        title, abstract = counts["title"], counts["abstract"]
        lines.append(
            f"| {name} | {title['backslash']} | {title['dollar']} | {abstract['backslash']} | {abstract['dollar']} | "
            f"{title['either'] + abstract['either']} of {title['texts'] + abstract['texts']} |"
        )
    return "\n".join(lines)


def _hostile_speed() -> list[str]:
    from sitegen.text.tex import MAX_TEX_LENGTH, readable_tex

    cases = {
        "$ + 500 {": "$" + "{" * 500,
        "$ + 500 { + $": "$" + "{" * 500 + "$",
        "\\frac{ x 2000": "\\frac{" * 2000,
        "{ x 9,999 (unclosed)": "{" * (MAX_TEX_LENGTH - 1),
        "backslash soup at the cap": ("\\a{\\b$^_}{" * MAX_TEX_LENGTH)[:MAX_TEX_LENGTH],
        "$a repeated at the cap": ("$a " * MAX_TEX_LENGTH)[:MAX_TEX_LENGTH],
        "``quotes at the cap": ("``x " * MAX_TEX_LENGTH)[:MAX_TEX_LENGTH],
        "1 MB of backslash soup": "\\x{" * 350_000,
    }
    lines = ["| hostile input | chars | convert / (100 x lower()) |", "|---|--:|--:|"]
    for name, text in cases.items():
        started = time.process_time()
        for _ in range(100):
            text.lower()
        reference = max(time.process_time() - started, 1e-6)
        started = time.process_time()
        readable_tex(text)
        lines.append(f"| {name} | {len(text):,} | {(time.process_time() - started) / reference:.1f}x |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "hf-daily-papers")
    parser.add_argument("--before", default=DEFAULT_BEFORE, help="git revision to compare with")
    parser.add_argument("--pylatexenc", action="store_true", help="also measure pylatexenc's latex2text")
    parser.add_argument("--show", type=int, default=0, help="print this many texts that still hold a backslash")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from sitegen.text.tex import readable_tex

    after = _measure_here(args.data)
    before = _measure_revision(args.before, args.data)
    rows = [("as sent", after["raw"]), (f"before ({args.before})", before["counts"]), ("after (this checkout)", after["counts"])]
    texts = corpus_texts(args.data)
    timing = [f"CPU to convert every text: before {before['cpu']:.2f} s, after {after['cpu']:.2f} s"]
    measured = _pylatexenc(texts) if args.pylatexenc else None
    if args.pylatexenc and measured is None:
        print("pylatexenc is not installed: python3 -m pip install pylatexenc", file=sys.stderr)
    if measured:
        rows.append((f"pylatexenc ({measured[2]} failures)", measured[0]))
        timing.append(f"CPU for pylatexenc: {measured[1]:.2f} s")
    print(f"{len(texts):,} texts ({len(texts) // 2:,} papers) from {args.data}\n")
    print(_table(rows), "", *timing, "", *_hostile_speed(), sep="\n")
    shown = [text for _, text in texts if "\\" in readable_tex(text)][: args.show]
    for text in shown:
        print("\n", readable_tex(text))


if __name__ == "__main__":
    main()
