"""The size budget (`[build] max_site_mb`): `build` prints the site's size and warns near the
budget naming the largest sections; over it, `publish` refuses and the Pages branch is unchanged.

Real builds of a small archive in a real git repository (tests/gitsite.py); the budget is set
from the measured size of that build, so the tests hold whatever the templates weigh.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from gitsite import (
    add_papers,
    git,
    make_bare_remote,
    make_site_repo,
    sitegen,
)

from sitegen.config.load import load_config
from sitegen.errors import ConfigError
from sitegen.output.build_cache import CACHE_NAME
from sitegen.publish.site_size import UNPUBLISHED, measure_site
from sitegen.publish.size_budget import advice_for


def set_budget(repo: Path, megabytes: float) -> None:
    config = repo / "sitegen.toml"
    text = re.sub(r"\nmax_site_mb = .*", "", config.read_text(encoding="utf-8"))
    config.write_text(text.replace("[build]\n", f"[build]\nmax_site_mb = {megabytes!r}\n", 1), encoding="utf-8")


def run_ok(repo: Path, env: dict[str, str], *args: str) -> str:
    result = sitegen(repo, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stderr


def sections_by_walking(output: Path) -> list[tuple[str, int]]:
    """The site's bytes by first folder, counted here independently of site_size.py."""
    sizes: Counter[str] = Counter()
    for path in output.rglob("*"):
        if path.is_file() and path.relative_to(output).parts[0] not in UNPUBLISHED:
            parts = path.relative_to(output).parts
            sizes[parts[0] if len(parts) > 1 else "other"] += path.stat().st_size
    return sorted(sizes.items(), key=lambda item: (-item[1], item[0]))


def test_build_prints_the_size_and_warns_near_the_budget_naming_the_largest_sections(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_site_repo(tmp_path, env)
    stderr = run_ok(repo, env, "build")
    output = repo / "output"
    total = sum(size for _, size in sections_by_walking(output))
    files = sum(1 for p in output.rglob("*") if p.is_file() and p.relative_to(output).parts[0] not in UNPUBLISHED)
    assert f"site size: {total / 1000:.1f} KB in {files:,} file(s), 0% of [build] max_site_mb = 1000" in stderr
    assert "warning" not in stderr

    # 90% of the budget: the build completes, with one warning block naming the three largest.
    set_budget(repo, total / 0.9 / 1e6)
    stderr = run_ok(repo, env, "build")
    assert "90% of [build] max_site_mb" in stderr
    assert stderr.count("warning: the site is near its size budget") == 1
    block = stderr[stderr.index("warning: the site is near") :]
    named = re.findall(r"^    (\S+) [\d.]+ [KM]B in [\d,]+ file\(s\): ", block, re.MULTILINE)
    expected = [name if name == "other" else f"{name}/" for name, _ in sections_by_walking(output)[:3]]
    assert named == [("top-level files" if n == "other" else n) for n in expected]
    # Each named section says what makes it smaller.
    for name, _ in sections_by_walking(output)[:3]:
        assert advice_for(name) in block
    assert "[build] page_size" in block
    # Still under 100%: publish goes ahead.
    run_ok(repo, env, "publish", "--no-push")
    files = set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages", env=env).splitlines())
    # The builder's memory stays home.
    assert "index.html" in files and not {".sitegen-size", ".sitegen-cache", ".sitegen-listing", ".sitegen-feeds"} & files


def test_over_the_budget_the_build_completes_but_publish_refuses_and_the_branch_is_unchanged(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_site_repo(tmp_path, env)
    bare = make_bare_remote(tmp_path, env)
    git(repo, "remote", "add", "origin", str(bare), env=env)
    run_ok(repo, env, "build")
    run_ok(repo, env, "publish")
    published = git(bare, "rev-parse", "gh-pages", env=env)
    local = git(repo, "rev-parse", "gh-pages", env=env)

    # A new day, and a budget the site is over: the build still writes the whole site...
    add_papers(repo, dt.date(2025, 3, 5), ["2503.00004", "2503.00005"])
    size = measure_site(repo / "output").bytes
    set_budget(repo, size / 1.5 / 1e6)
    stderr = run_ok(repo, env, "build")
    assert (repo / "output" / "papers" / "2503.00005" / "index.html").is_file()
    assert "warning: the site is over its size budget" in stderr
    # ...but publish refuses, saying what is big and what to do, and pushes and commits nothing.
    result = sitegen(repo, "publish", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "not published: the site is over its size budget" in result.stderr
    assert "papers/" in result.stderr and "largest sections and what makes each smaller" in result.stderr
    assert "raise [build] max_site_mb only if your host allows" in result.stderr
    assert git(bare, "rev-parse", "gh-pages", env=env) == published
    assert git(repo, "rev-parse", "gh-pages", env=env) == local

    # Back under the budget (as after following the advice), the same site publishes.
    set_budget(repo, 1000.0)
    run_ok(repo, env, "build")
    run_ok(repo, env, "publish")
    assert git(bare, "rev-parse", "gh-pages", env=env) != published
    assert "papers/2503.00005/index.html" in git(bare, "ls-tree", "-r", "--name-only", "gh-pages", env=env)


def test_the_size_a_build_prints_is_the_size_of_the_folder_build_after_build(tmp_path: Path, env: dict[str, str]) -> None:
    """The build sizes files from its ledger (no walk); it must agree with a walk every time."""
    from sitegen.build import build
    from sitegen.publish.site_size import LEDGER_NAME

    repo = make_site_repo(tmp_path, env)
    output = repo / "output"

    def built() -> list[tuple[str, int, int]]:
        report = build(load_config(repo / "sitegen.toml", environ={}))
        assert report.size is not None
        return [(s.name, s.bytes, s.files) for s in report.size.size.sections]

    def walked() -> list[tuple[str, int, int]]:
        return [(s.name, s.bytes, s.files) for s in measure_site(output).sections]

    assert built() == walked()
    # A new day: new pages, rewritten listings and feeds, a rewritten search chunk.
    add_papers(repo, dt.date(2025, 3, 5), ["2503.00004", "2503.00005"])
    assert built() == walked()
    # A ledger with nonsense in it, then none, each before another day: only costs a full look.
    (output / LEDGER_NAME).write_bytes(b'{"sizes": {"x": "big"}, "chunks": {"c": [1]}}')
    add_papers(repo, dt.date(2025, 3, 6), ["2503.00006"])
    assert built() == walked()
    (output / LEDGER_NAME).unlink()
    add_papers(repo, dt.date(2025, 3, 9), ["2503.00007"])
    assert built() == walked()
    # Nothing new: the build repeats the last figures without reading the site.
    assert built() == walked()
    assert (output / LEDGER_NAME).is_file()


def test_measure_site_counts_what_publish_publishes_by_section(tmp_path: Path) -> None:
    output = tmp_path / "output"
    for name, size in (
        ("papers/a/index.html", 300),
        ("papers/b/index.html", 200),
        ("topics/x/page/1/index.html", 400),
        ("index.html", 50),
        ("search/index/c.json", 10),
    ):
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(b"x" * size)
    # The build cache is never published; a symlink is not followed (no file outside is counted).
    (output / CACHE_NAME).write_bytes(b"c" * 10_000)
    (output / f"{CACHE_NAME}.tmp").write_bytes(b"c" * 10_000)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big").write_bytes(b"o" * 50_000)
    os.symlink(outside, output / "papers" / "link")
    size = measure_site(output)
    assert [(s.name, s.bytes, s.files) for s in size.sections] == [
        ("papers", 500, 2),
        ("topics", 400, 1),
        ("other", 50, 1),
        ("search", 10, 1),
    ]
    assert (size.bytes, size.files) == (960, 5)
    assert measure_site(tmp_path / "missing").files == 0


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "build.max_site_mb: must be at least 0.001, got 0"),
        ("-5", "build.max_site_mb: must be at least 0.001, got -5"),
        ('"1 GB"', "build.max_site_mb: must be a number, got a string"),
        ("nan", "build.max_site_mb: must be a finite number, got nan"),
        ("inf", "build.max_site_mb: must be a finite number, got inf"),
    ],
)
def test_max_site_mb_is_validated(tmp_path: Path, value: str, problem: str) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text(f'[site]\ntitle = "T"\n[build]\nmax_site_mb = {value}\n[topics.x]\ntitle = "X"\nany = ["a"]\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert raised.value.problems == [problem]


def test_max_site_mb_defaults_to_github_pages_limit_and_takes_a_fraction(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text('[site]\ntitle = "T"\n[topics.x]\ntitle = "X"\nany = ["a"]\n')
    assert load_config(path, environ={}).build.max_site_mb == 1000.0
    path.write_text('[site]\ntitle = "T"\n[build]\nmax_site_mb = 0.25\n[topics.x]\ntitle = "X"\nany = ["a"]\n')
    assert load_config(path, environ={}).build.max_site_mb == 0.25
