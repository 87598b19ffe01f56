"""CPU time to render each kind of page and feed of a site, in this process, without writing.

    python3 benchmarks/render_pages.py /tmp/b/site-10000/sitegen.toml            # up to 2,000 of each kind
    python3 benchmarks/render_pages.py CONFIG --limit 500 --related OUTPUT/.sitegen-search/related
    python3 benchmarks/render_pages.py CONFIG --profile papers                   # cProfile of one kind

Loads the store of CONFIG, tags it, builds the model and the plan as `sitegen build` does (the
related papers from scratch, or from a copy of a built site's kept state with `--related`), then
renders the first `--limit` planned items of each kind (papers, days, topic chunk pages, feeds,
...) and prints the CPU time per item (process time: less sensitive than wall time to other
work on a shared machine) and a digest of every byte rendered, so two versions of the code can be
compared for speed and for identical output on the same store.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import build_plan as steps  # noqa: E402
from sitegen.config.load import load_config  # noqa: E402
from sitegen.config.theme import static_files  # noqa: E402
from sitegen.gcpause import gc_paused  # noqa: E402
from sitegen.output.manifest import Manifest  # noqa: E402
from sitegen.output.plan import Planned  # noqa: E402
from sitegen.rules.tag_all import tag_archive  # noqa: E402
from sitegen.search.keys import PaperKeys  # noqa: E402
from sitegen.search.related_state import update_related  # noqa: E402
from sitegen.site.orgs import build_orgs  # noqa: E402
from sitegen.site.periods import MONTH, WEEK, build_periods  # noqa: E402
from sitegen.site.site import build_model  # noqa: E402
from sitegen.store.store import Store  # noqa: E402


def kind_of(item: Planned) -> str:
    path = item.paths[0]
    kind = path.split("/")[0] if "/" in path else path
    return f"{kind} (chunk)" if "/page/" in path else kind


def plan(config_path: Path, related_state: Path | None) -> list[Planned]:
    config = load_config(config_path)
    store = Store(config.store.path)
    store.load_listed({}, {})
    papers, versions = store.papers(), store.paper_versions()
    tags, tagging = tag_archive(config.topics, papers, {})
    model = build_model(config, papers, tags, tagging)
    newest = model.days[-1] if model.days else None
    weeks, months = build_periods(WEEK, model.newest_first, newest), build_periods(MONTH, model.newest_first, newest)
    oldest_first = model.newest_first[::-1]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "related"
        if related_state is not None:
            shutil.copytree(related_state, folder)
        found = update_related(folder, oldest_first, keys=PaperKeys.of(oldest_first, versions))
    manifest = Manifest(papers=len(papers), days=len(model.days), newest_day=newest)
    shown = steps.Shown(
        model, versions, b"theme", weeks, months, build_orgs(model.newest_first, config.orgs), {}, found.lists, (), None,
        None, manifest, list(static_files(config.build.static)),
    )  # fmt: skip
    return steps.plan_site(config, shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", type=Path)
    parser.add_argument("--limit", type=int, default=2000, help="items of each kind rendered (default 2000)")
    parser.add_argument("--related", type=Path, help="a built site's .sitegen-search/related, copied and reused")
    parser.add_argument("--profile", metavar="KIND", help="cProfile rendering this kind instead")
    args = parser.parse_args()
    with gc_paused():
        by_kind: dict[str, list[Planned]] = defaultdict(list)
        for item in plan(args.config, args.related):
            by_kind[kind_of(item)].append(item)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [list(item.render()) for item in by_kind[args.profile][: args.limit]])
            pstats.Stats(profile).sort_stats("tottime").print_stats(40)
            return
        rendered = hashlib.sha256()
        for kind, items in sorted(by_kind.items()):
            chosen = items[: args.limit]
            started = time.process_time()
            for item in chosen:
                for path, content in item.render():
                    rendered.update(path.encode() + b"\0" + content)
            spent = time.process_time() - started
            print(f"{kind:24} {len(chosen):7,} of {len(items):7,}  {spent * 1000 / len(chosen):8.3f} ms CPU each")
        print(f"digest of everything rendered: {rendered.hexdigest()}")


if __name__ == "__main__":
    main()
