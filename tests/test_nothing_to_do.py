"""A build whose inputs did not change says so from digests alone, and any changed input builds.

The inputs are the store (day files, ledgers, week rankings), the config as loaded (environment
variables included), the templates, the static files, sitegen's code and the output folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_sitegen, write_config

import sitegen.store.weekly
from sitegen.build import BuildReport, build
from sitegen.config.load import load_config
from sitegen.output.build_cache import read_cache
from sitegen.store.ledger import DayHealth
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

FIRST_DAY = dt.date(2026, 3, 2)  # a Monday: 12 days cover ISO week 2026-W10 and part of W11


def _paper(number: int, day: dt.date, upvotes: int = 1) -> Paper:
    return Paper(
        arxiv_id=f"2603.{number:05d}",
        title=f"Study {number} of diffusion models",
        abstract=f"We study diffusion in depth, paper {number}.",
        authors=(f"Author {number}",),
        listing_days=(day,),
        upvotes=upvotes,
        sources=("huggingface",),
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site whose theme (templates and static files) is a copy the tests may edit."""
    repo = Path(__file__).resolve().parent.parent
    shutil.copytree(repo / "templates", tmp_path / "templates")
    shutil.copytree(repo / "static", tmp_path / "static")
    config = write_config(tmp_path, "http://127.0.0.1:9")
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace((repo / "templates").as_posix(), (tmp_path / "templates").as_posix())
        .replace((repo / "static").as_posix(), (tmp_path / "static").as_posix()),
        encoding="utf-8",
    )
    store = Store(tmp_path / "data")
    for index in range(12):
        day = FIRST_DAY + dt.timedelta(days=index)
        store.add_listing(DayListing("huggingface", day, (_paper(2 * index, day), _paper(2 * index + 1, day))))
    return config


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def settle(config_path: Path, environ: dict[str, str] | None = None) -> BuildReport:
    """A first build, whose inputs the next build compares with."""
    first = build(load_config(config_path, environ=environ or {}))
    assert first.write.written
    cache = read_cache(load_config(config_path, environ={}).build.output).cache
    assert cache is not None and len(cache.inputs.digest) == 16
    return first


def test_an_unchanged_build_writes_nothing_and_never_loads_the_store(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settled = settle(site)
    output = load_config(site, environ={}).build.output
    before = snapshot(output)

    def refuse(store: Store) -> dict[str, Paper]:
        raise AssertionError("a build with unchanged inputs loaded the store")

    monkeypatch.setattr(Store, "papers", refuse)
    again = build(load_config(site, environ={}))
    assert again.write.written == [] and again.write.removed == []
    assert again.write.unchanged == settled.write.total and again.papers == 24 and again.days == 12
    assert again.search is None and again.summary().endswith("0 removed; search index: unchanged, 0 rebuilt")
    assert again.size == settled.size and again.size is not None  # the site's size, as the last build measured it
    assert snapshot(output) == before  # not even the cache is rewritten


# What a build with nothing to do must not import: each costs tens of milliseconds against the
# 0.5 s target (the rendering side, the rule engine, the writer and the store's decoders, the
# mail parser).
HEAVY_MODULES = (
    "jinja2", "lxml", "numpy", "scipy", "feedgen", "markdown", "httpx",
    "sitegen.build_plan", "sitegen.rules.engine", "sitegen.output.writer", "sitegen.store.store",
    "sitegen.store.day_file", "email.headerregistry",
)
_PROBE = """
import json, runpy, sys
sys.argv = ["sitegen", "--config", sys.argv[1], "build"]
try:
    runpy.run_module("sitegen", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps(sorted(sys.modules)))
"""


def test_an_unchanged_build_from_the_cli_imports_nothing_heavy(site: Path) -> None:
    first = run_sitegen(site, "build")
    assert first.returncode == 0, first.stderr
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_REPOSITORY"}
    environment["PYTHONPATH"] = str(REPO_ROOT)
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(site)], capture_output=True, text=True, env=environment, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    assert "nothing to do" in probe.stderr
    loaded = set(json.loads(probe.stdout.splitlines()[-1]))
    assert "sitegen.build" in loaded and "sitegen.config.load" in loaded  # the probe ran the real CLI
    assert sorted(name for name in HEAVY_MODULES if name in loaded) == []


def _edit_day_file(site: Path) -> str:
    # A hand edit of a store file: a paper's title changes (and with it the file's size).
    path = site.parent / "data/papers/2026/2026-03-05.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["papers"]["2603.00006"]["title"] = "A retitled study"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return "papers/2603.00006/index.html"


def _upvote_in_place(site: Path) -> str:
    # The same size: one digit becomes another (a refetch's new upvote count).
    Store(site.parent / "data").add_listing(DayListing("huggingface", FIRST_DAY, (_paper(0, FIRST_DAY, upvotes=7),)))
    return f"days/{FIRST_DAY}/index.html"


def _ledger(site: Path) -> str:
    Store(site.parent / "data").record_health("huggingface", {FIRST_DAY: DayHealth("ok", 2)})
    return "status.json"


def _template(site: Path) -> str:
    base = site.parent / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    return "index.html"


def _static(site: Path) -> str:
    name = next(p for p in sorted((site.parent / "static").iterdir()) if p.suffix == ".css")
    name.write_text(name.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    return f"static/{name.name}"


def _config(site: Path) -> str:
    site.write_text(site.read_text(encoding="utf-8").replace('title = "Test feeds"', 'title = "Renamed feeds"'), encoding="utf-8")
    return "index.html"


@pytest.mark.parametrize("change", [_edit_day_file, _upvote_in_place, _ledger, _template, _static, _config])
def test_any_changed_input_makes_a_real_build(site: Path, change: Callable[[Path], str]) -> None:
    settle(site)
    output = load_config(site, environ={}).build.output
    changed = change(site)
    before = (output / changed).read_bytes()
    rebuilt = build(load_config(site, environ={}))
    assert changed in rebuilt.write.written
    assert (output / changed).read_bytes() != before


def test_an_environment_variable_that_changes_the_config_makes_a_real_build(site: Path) -> None:
    # GITHUB_REPOSITORY gives the site its address when the config names none (a fork on Actions).
    settle(site, {"GITHUB_REPOSITORY": "owner/feeds"})
    output = load_config(site, environ={}).build.output
    assert b"https://owner.github.io/feeds/" in (output / "sitemap.xml").read_bytes()
    rebuilt = build(load_config(site, environ={"GITHUB_REPOSITORY": "other/papers"}))
    assert "sitemap.xml" in rebuilt.write.written
    assert b"https://other.github.io/papers/" in (output / "sitemap.xml").read_bytes()


def test_a_skipped_build_repeats_the_warnings_about_its_inputs(site: Path) -> None:
    path = site.parent / "data/papers/2026/2026-03-04.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["papers"]["2603.00004"]["abstract"] = "Deep: " + "{" * 400 + "x" + "}" * 400
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    settled = settle(site)
    warning = next(line for line in settled.warnings if line.startswith("paper 2603.00004: abstract shown as written"))
    again = build(load_config(site, environ={}))
    assert again.write.written == [] and warning in again.warnings


def test_the_week_ranking_a_build_records_does_not_make_the_next_build_redo_everything(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = settle(site)  # the 12 days end week W10: the build recorded its ranking in the store
    assert (site.parent / "data/weeks/2026-W10.json").is_file()
    monkeypatch.setattr(Store, "papers", lambda store: pytest.fail("a build with unchanged inputs loaded the store"))
    again = build(load_config(site, environ={}))
    assert again.write.written == [] and again.write.unchanged == first.write.total


def test_a_store_file_changed_while_the_build_runs_is_built_next_time(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fetch that writes a day file while the build runs: the build did not see it, so the next
    build must not be skipped (the store file's digest at the start is not the one at the end)."""
    recording = sitegen.store.weekly.record_week_rankings

    def record_while_a_fetch_runs(*args: object, **kwargs: object) -> dict[str, tuple[str, ...]]:
        recorded = recording(*args, **kwargs)  # type: ignore[arg-type]
        _edit_day_file(site)
        return recorded

    monkeypatch.setattr(sitegen.store.weekly, "record_week_rankings", record_while_a_fetch_runs)
    build(load_config(site, environ={}))
    monkeypatch.undo()
    output = load_config(site, environ={}).build.output
    assert b"A retitled study" not in (output / "papers/2603.00006/index.html").read_bytes()
    again = build(load_config(site, environ={}))
    assert "papers/2603.00006/index.html" in again.write.written
    assert b"A retitled study" in (output / "papers/2603.00006/index.html").read_bytes()
