"""The CPU time of each step a daily build takes before its plan, for two checkouts in turn.

    python3 benchmarks/daily_stages.py WORK_A CODE_A WORK_B CODE_B [--rounds 5]

WORK_A and WORK_B are built sites (`sitegen.toml`, `data/`, a built `output/`) whose store has a
new day the output does not have yet (`make_archive.py 50 --add-day`): the same store, each
built by its checkout (their caches may have different formats). Each round runs every step of
`build.py` up to the plan, in a fresh process per checkout, A then B: imports, the inputs, the
output state (both caches decoded), the store, the tags, the site model, weeks, months and
organizations, the papers' keys and the new day's related papers (into a copy of the kept state:
nothing in WORK is written). Printed: each step's median CPU seconds over the rounds, and B / A.
CPU time, not wall: the machine is shared, and a step's CPU time moves less with its load.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_STEPS = """
import json, os, pathlib, shutil, sys, time
sys.path.insert(0, {code!r})
times = {{}}
mark = [time.process_time()]
def step(name):
    now = time.process_time()
    times[name] = now - mark[0]
    mark[0] = now
from sitegen.config.load import load_config
from sitegen.output.build_cache import Inputs, peek_inputs
from sitegen.output.inputs import store_stamps
from sitegen.output.writer import SiteWriter
step("imports (first)")
from sitegen.gcpause import gc_paused
with gc_paused():
    config = load_config(pathlib.Path({work!r}) / "sitegen.toml", environ=dict(os.environ))
    output = config.build.output
    last = peek_inputs(output) or Inputs()
    stamps = store_stamps(config.store.path, last.store_files)
    step("config, inputs")
    writer = SiteWriter(output, keep=("search/index",))
    assert writer.cache is not None and not writer.report.warnings, writer.report.warnings
    step("output state (caches)")
    from sitegen.rules.tag_all import tag_archive
    from sitegen.search.keys import PaperKeys
    from sitegen.search.related_state import update_related
    from sitegen.site.orgs import build_orgs
    from sitegen.site.periods import MONTH, WEEK, build_periods, by_first_day
    from sitegen.site.site import build_model
    from sitegen.store.store import Store
    step("imports (pipeline)")
    store = Store(config.store.path)
    store.load_listed({{path: stamp[2] for path, stamp in stamps.items()}}, writer.listing)
    papers, versions = store.papers(), store.paper_versions()
    step("store")
    tags, tagging = tag_archive(config.topics, papers, writer.cache.tags_for(writer.cache.theme, versions))
    step("tags")
    model = build_model(config, papers, tags, tagging)
    step("site model")
    first_days = by_first_day(model.newest_first)
    build_periods(WEEK, first_days, model.days[-1])
    build_periods(MONTH, first_days, model.days[-1])
    build_orgs(model.newest_first, config.orgs)
    oldest_first = model.newest_first[::-1]
    keys = PaperKeys.of(oldest_first, versions)
    step("periods, orgs, keys")
    state = pathlib.Path({scratch!r}) / "related"
    shutil.rmtree(state, ignore_errors=True)
    shutil.copytree(output / ".sitegen-search" / "related", state)
    mark[0] = time.process_time()
    found = update_related(state, oldest_first, keys=keys)
    assert found.computed < len(oldest_first), "the related papers' state was not kept"
    step("related papers (new day)")
times["total"] = sum(times.values())
print(json.dumps(times))
"""


def run(work: Path, code: Path, scratch: str) -> dict[str, float]:
    script = _STEPS.format(code=str(code), work=str(work), scratch=scratch)
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=work)
    times: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return times


def main(argv: list[str]) -> None:
    work_a, code_a, work_b, code_b = (Path(arg).resolve() for arg in argv[:4])
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 5
    found: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(rounds):
            found["A"].append(run(work_a, code_a, scratch))
            found["B"].append(run(work_b, code_b, scratch))
    loads.append(os.getloadavg()[0])
    print(f"A: {code_a} on {work_a}\nB: {code_b} on {work_b}")
    print(f"{rounds} rounds, load {loads[0]:.2f} -> {loads[1]:.2f}; median CPU seconds")
    print(f"{'step':28} {'A':>7} {'B':>7} {'B / A':>7}")
    for name in found["A"][0]:
        a = statistics.median(times[name] for times in found["A"])
        b = statistics.median(times[name] for times in found["B"])
        print(f"{name:28} {a:7.3f} {b:7.3f} {b / a if a else float('nan'):7.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
