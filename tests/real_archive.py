"""Fill a store from the real saved Hugging Face answers in ../shared/data/hf-daily-papers.

Used by hand to build the whole real archive and time the search index:

    python3 tests/real_archive.py /tmp/real      # writes /tmp/real/data and /tmp/real/sitegen.toml
    python3 -m sitegen --config /tmp/real/sitegen.toml build
    python3 tests/real_archive.py --time-search /tmp/real/data /tmp/real-index
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.fetch.sources.huggingface_parse import parse_api_json  # noqa: E402
from sitegen.store.models import DayListing  # noqa: E402
from sitegen.store.store import Store  # noqa: E402

REAL_DATA = REPO.parent / "shared" / "data" / "hf-daily-papers"


def fill_store(store_path: Path, source: Path = REAL_DATA, limit_days: int | None = None) -> int:
    """Parse every saved day into a store at `store_path`; return the number of papers."""
    store = Store(store_path)
    files = sorted(source.glob("*.json"))
    if limit_days is not None:
        files = files[-limit_days:]
    for path in files:
        day = dt.date.fromisoformat(path.stem)
        papers = parse_api_json(path.read_bytes(), day, str(path))
        store.add_listing(DayListing(source="huggingface", day=day, papers=tuple(papers)))
    return len(store.papers())


def write_config(folder: Path, base_url: str | None = None, page_size: int | None = None) -> Path:
    """A copy of the repository's sitegen.toml pointing at the repo's theme and `folder/data`."""
    text = (REPO / "sitegen.toml").read_text(encoding="utf-8")
    text = text.replace('templates = "templates"', "").replace('static = "static"', "")
    lines = []
    for line in text.splitlines():
        lines.append(line)
        if line.strip() == "[build]":
            lines.append(f"templates = {str(REPO / 'templates')!r}")
            lines.append(f"static = {str(REPO / 'static')!r}")
        if line.strip() == "[site]" and base_url:
            lines.append(f"base_url = {base_url!r}")
    text = "\n".join(lines) + "\n"
    if page_size is not None:
        text = text.replace("page_size = 50", f"page_size = {page_size}")
    path = folder / "sitegen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def time_search_index(store_path: Path, folder: Path) -> str:
    """Seconds to index the store from scratch, again with nothing changed, and after one new day of 50 papers."""
    import dataclasses
    import shutil
    import time

    from sitegen.search.index import write_search_index

    papers = sorted(Store(store_path).papers().values(), key=lambda p: (p.first_day, p.arxiv_id))
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    report = write_search_index(folder, papers)
    full = time.perf_counter() - start
    start = time.perf_counter()
    write_search_index(folder, papers)
    unchanged = time.perf_counter() - start
    day = dt.date(2099, 1, 1)
    new_day = [dataclasses.replace(p, arxiv_id=f"9912.{n:05d}", listing_days=(day,)) for n, p in enumerate(papers[:50])]
    start = time.perf_counter()
    daily = write_search_index(folder, papers + new_day)
    after_day = time.perf_counter() - start
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return (
        f"{len(papers)} papers, {report.chunks} chunks: full {full:.2f} s, unchanged {unchanged:.2f} s, "
        f"one new day {after_day:.2f} s ({daily.built} chunk rebuilt); {size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    if sys.argv[1] == "--time-search":  # python3 tests/real_archive.py --time-search STORE_DIR INDEX_DIR
        print(time_search_index(Path(sys.argv[2]), Path(sys.argv[3])))
        sys.exit(0)
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    count = fill_store(target / "data")
    write_config(target)
    print(f"{count} papers in {target / 'data'}; config {target / 'sitegen.toml'}")


def multiply_store(source_store: Path, target_store: Path, count: int) -> int:
    """A synthetic store of `count` papers: copies of the real ones with new ids, same days.

    For measuring search indexing and builds at 10k/100k papers (the real archive has ~8k).
    """
    import dataclasses

    from sitegen.store.codec import paper_to_json
    from sitegen.store.files import dump_json

    real = sorted(Store(source_store).papers().values(), key=lambda p: p.arxiv_id)
    by_day: dict[dt.date, dict[str, object]] = {}
    for n in range(count):
        original = real[n % len(real)]
        copy = dataclasses.replace(original, arxiv_id=f"{9000 + n // 99999}.{n % 99999 + 1:05d}")
        by_day.setdefault(copy.first_day, {})[copy.arxiv_id] = paper_to_json(copy)
    for day, records in by_day.items():
        path = target_store / "papers" / f"{day.year:04d}" / f"{day.isoformat()}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump_json({"schema": 1, "day": day.isoformat(), "papers": dict(sorted(records.items()))}))
    return count
