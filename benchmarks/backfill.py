"""Request count and wall time of a 60-day Hugging Face backfill from the stand-in server.

The stand-in (tests/fault_server.py) runs on 127.0.0.1 with a fixed latency per request (50 ms
by default) and serves the real saved days from ../shared/data/hf-daily-papers when present
(else 20 synthetic papers per weekday). The backfill is the real fetch stage (`sitegen fetch
--source huggingface --since D --until E`, in-process), into a fresh store; then the same range
again, which conditional requests make cheap.

    python3 benchmarks/backfill.py [--days 60] [--latency 0.05] [--until 2026-05-29]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fault_server import StandIn, serve  # noqa: E402
from faultkit import hf_item, write_config  # noqa: E402

from sitegen.config.load import load_config  # noqa: E402
from sitegen.fetch.run import date_range, fetch  # noqa: E402
from sitegen.store.store import Store  # noqa: E402

REAL_DAYS = REPO.parent / "shared" / "data" / "hf-daily-papers"


def load_days(days: list[dt.date]) -> tuple[dict[str, list], str]:
    if REAL_DAYS.is_dir():
        answers = {}
        for day in days:
            path = REAL_DAYS / f"{day.isoformat()}.json"
            answers[day.isoformat()] = json.loads(path.read_bytes()) if path.exists() else []
        return answers, f"real days from {REAL_DAYS}"
    synthetic = {
        day.isoformat(): [hf_item(f"{day:%y%m}.{day.day * 100 + i:05d}", f"Paper {i} of {day}") for i in range(20)]
        for day in days
        if day.weekday() < 5
    }
    return synthetic, "synthetic days (../shared/data absent)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the stand-in waits before each answer")
    parser.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2026, 5, 29))
    args = parser.parse_args()
    days = date_range(args.until - dt.timedelta(days=args.days - 1), args.until)
    answers, origin = load_days(days)
    stand_in = StandIn(hf_days=answers, latency=args.latency)
    print(
        f"{len(days)} days {days[0]}..{days[-1]}, {sum(map(len, answers.values()))} listed papers ({origin}); latency "
        f"{args.latency * 1000:.0f} ms/request"
    )
    with serve(stand_in), tempfile.TemporaryDirectory() as folder:
        config = load_config(write_config(Path(folder), stand_in.base_url, arxiv=False, fetch={"timeout": 10, "retries": 2}))
        for label in ("backfill into an empty store", "same range again (conditional requests)"):
            stand_in.requests.clear()
            stand_in.statuses.clear()
            started = time.perf_counter()
            report = fetch(config, Store(config.store.path), days, sources=("huggingface",))
            elapsed = time.perf_counter() - started
            not_modified = stand_in.statuses.count(304)
            print(
                f"{label}: {len(stand_in.requests)} requests ({not_modified} answered 304), {elapsed:.2f} s wall, "
                f"{elapsed / max(1, len(stand_in.requests)) * 1000:.0f} ms/request; {report.new_papers} new, "
                f"{report.updated_papers} updated, {len(report.failures)} failed"
            )


if __name__ == "__main__":
    main()
