"""sitegen deletes only what it wrote, writes only into a folder of its own, loads no code from
the output folder, and creates files readable by others (issue 11).

Each test is a user's real folder (a git repository with sitegen.toml, a store and their own
files) and the real CLI; after a refusal every pre-existing file is byte-identical and nothing
new appeared anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import stat
import subprocess
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from conftest import REPO_ROOT
from gitsite import add_papers, clean_env, git, sitegen

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.output.build_cache import (
    CACHE_FORMAT,
    CACHE_NAME,
    BuildCache,
    is_safe_relative,
    make_cache,
    read_cache,
    save_cache,
)
from sitegen.rules.tagging import Tagger
from sitegen.store.models import Paper
from sitegen.store.store import Store

DAY = dt.date(2025, 3, 3)


def write_user_config(folder: Path, output: str | None = None) -> Path:
    config = folder / "sitegen.toml"
    build_output = f'output = "{output}"\n' if output is not None else ""
    config.write_text(
        f"""[site]
title = "My feeds"

[build]
{build_output}templates = "{REPO_ROOT / 'templates'}"
static = "{REPO_ROOT / 'static'}"

[topics.diffusion]
title = "Diffusion"
any = ["diffusion"]

[topics.agents]
title = "Agents"
any = ["agent"]
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture()
def user_repo(tmp_path: Path) -> Path:
    """A user's repository: .git, sitegen.toml, a store, and a docs/ folder with their own pages."""
    repo = tmp_path / "repo"
    repo.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    git(repo, "init", "-q", "-b", "main", env=env)
    write_user_config(repo)
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("# My project\n\nHand-written documentation.\n", encoding="utf-8")
    (repo / "docs" / "guide.html").write_text("<h1>Guide</h1>\n", encoding="utf-8")
    (repo / "notes.txt").write_text("my notes\n", encoding="utf-8")
    add_papers(repo, DAY, ["2503.00001", "2503.00002"])
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "my work", env=env)
    return repo


def run_sitegen(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, run from the user's repository (so `--output ../x` means what it says)."""
    home = config.parent.parent / "home"
    home.mkdir(exist_ok=True)
    return sitegen(config.parent, "--config", str(config), *args, env=clean_env(home))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (including .git) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def set_output(config: Path, output: str) -> None:
    write_user_config(config.parent, output)


@pytest.mark.parametrize(
    ("setting", "args", "expected"),
    [
        ('"."', (), "is the folder that holds sitegen.toml"),
        ('".."', (), "contains the folder that holds sitegen.toml"),
        ('"data"', (), "is the store ([store] path)"),
        ('"data/site"', (), "is inside the store"),
        (None, ("--output", "."), "--output: . is the folder that holds sitegen.toml"),
        (None, ("--output", "{parent}"), "contains the folder that holds sitegen.toml"),
        (None, ("--output", "data"), "is the store ([store] path)"),
    ],
)
def test_an_output_that_would_hold_the_users_files_is_a_config_error(
    user_repo: Path, tmp_path: Path, setting: str | None, args: tuple[str, ...], expected: str
) -> None:
    config = user_repo / "sitegen.toml"
    if setting is not None:
        set_output(config, setting.strip('"'))
    args = tuple(arg.format(parent=tmp_path) for arg in args)
    before = snapshot(tmp_path)
    result = run_sitegen(config, "build", *args)
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr, result.stderr
    assert "config problem" in result.stderr and "give the site a folder of its own" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before  # nothing lost, nothing written anywhere


def test_an_output_folder_holding_a_git_repository_is_refused(user_repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-project"
    other.mkdir()
    git(other, "init", "-q", env=clean_env(tmp_path / "home"))
    before = snapshot(tmp_path)
    result = run_sitegen(user_repo / "sitegen.toml", "build", "--output", str(other))
    assert result.returncode == 1
    assert f"--output: {other} holds a .git" in result.stderr and "folder of its own" in result.stderr
    assert snapshot(tmp_path) == before


def test_docs_folder_with_the_users_files_is_refused_and_kept(user_repo: Path, tmp_path: Path) -> None:
    """`output = "docs"`, the folder GitHub Pages users already have: refused, nothing lost."""
    config = user_repo / "sitegen.toml"
    set_output(config, "docs")
    before = snapshot(tmp_path)
    result = run_sitegen(config, "build")
    assert result.returncode == 1
    message = result.stderr
    assert f"{user_repo / 'docs'}: refusing to build into this folder: it is not empty and sitegen did not build it" in message
    assert "Set [build] output in sitegen.toml (or pass --output) to a new or empty folder" in message
    assert snapshot(tmp_path) == before
    # An empty docs/ is fine: the site goes there, and the user's repository around it is untouched.
    (user_repo / "docs" / "index.md").unlink()
    (user_repo / "docs" / "guide.html").unlink()
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    assert (user_repo / "docs" / "papers" / "2503.00001" / "index.html").is_file()
    assert (user_repo / "notes.txt").read_text() == "my notes\n" and (user_repo / "sitegen.toml").exists()


def test_build_output_into_an_other_folder_keeps_its_files(user_repo: Path, tmp_path: Path) -> None:
    """`sitegen build --output ../somewhere` when somewhere holds someone's files."""
    somewhere = tmp_path / "somewhere"
    somewhere.mkdir()
    (somewhere / "index.html").write_text("<p>their site</p>\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_sitegen(user_repo / "sitegen.toml", "build", "--output", "../somewhere")
    assert result.returncode == 1 and "refusing to build into this folder" in result.stderr
    assert snapshot(tmp_path) == before


def test_rebuilds_never_remove_a_file_sitegen_did_not_write(user_repo: Path) -> None:
    config = user_repo / "sitegen.toml"
    output = user_repo / "output"
    assert run_sitegen(config, "build").returncode == 0
    planted = {
        "notes-for-me.txt": b"mine\n",
        "papers/mine/index.html": b"<p>my own page</p>\n",
        "topics/agents/extra.html": b"<p>extra</p>\n",  # inside a folder whose pages will go stale
        "search/index/keep.txt": b"keep\n",
        # Beside every kind of output the plan makes: browse pages, organization feeds, static files.
        "weeks/mine/index.html": b"<p>my week</p>\n",
        "months/notes.txt": b"months\n",
        "orgs/mine.html": b"<p>orgs</p>\n",
        "feeds/orgs/mine.xml": b"<rss/>\n",
        "static/mine.css": b"p {}\n",
        ".sitegen-cache.bak": b"my copy\n",
    }
    for relative, content in planted.items():
        (output / relative).parent.mkdir(parents=True, exist_ok=True)
        (output / relative).write_bytes(content)
    # A build with nothing new (decided from digests, see output/inputs.py) leaves them too.
    assert run_sitegen(config, "build").returncode == 0
    # A rule edit drops the agents topic: its pages and feeds are sitegen's and go away...
    config.write_text(config.read_text().replace('[topics.agents]\ntitle = "Agents"\nany = ["agent"]\n', ""))
    add_papers(user_repo, DAY + dt.timedelta(days=1), ["2503.00003"])
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    assert not (output / "topics" / "agents" / "index.html").exists()
    assert not (output / "feeds" / "agents.rss.xml").exists()
    # ...and the build cache lost: the next build may not treat unknown files as stale either.
    (output / CACHE_NAME).unlink()
    assert run_sitegen(config, "build").returncode == 0
    assert run_sitegen(config, "build").returncode == 0
    for relative, content in planted.items():
        assert (output / relative).read_bytes() == content, relative


def test_a_stale_file_changed_by_hand_is_left_with_a_warning(user_repo: Path) -> None:
    config = user_repo / "sitegen.toml"
    output = user_repo / "output"
    assert run_sitegen(config, "build").returncode == 0
    edited = output / "topics" / "agents" / "index.html"
    edited.write_text("<p>I edited this page</p>\n", encoding="utf-8")
    config.write_text(config.read_text().replace('[topics.agents]\ntitle = "Agents"\nany = ["agent"]\n', ""))
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    assert edited.read_text(encoding="utf-8") == "<p>I edited this page</p>\n"
    assert f"warning: {edited}: left in place: sitegen wrote it, but it was changed since" in result.stderr
    assert not (output / "feeds" / "agents.rss.xml").exists()  # unchanged stale files still go


def pickle_that_creates(marker: Path) -> bytes:
    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (open, (str(marker), "w"))

    return pickle.dumps({"format": 1, "files": {}, "extra": Payload()})


def test_a_pickle_planted_as_the_build_cache_is_never_run(user_repo: Path, tmp_path: Path) -> None:
    # The payload is live: unpickling it creates its marker file.
    proof = tmp_path / "proof"
    pickle.loads(pickle_that_creates(proof))
    assert proof.exists()

    config = user_repo / "sitegen.toml"
    output = user_repo / "output"
    assert run_sitegen(config, "build").returncode == 0
    marker = tmp_path / "pwned"
    (output / CACHE_NAME).write_bytes(pickle_that_creates(marker))
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    ignored = f"warning: {output / CACHE_NAME}: ignoring the build cache: it is not a build cache this sitegen can read"
    assert ignored in result.stderr
    assert "nothing is lost" in result.stderr
    assert "built 2 paper(s)" in result.stderr
    # The build replaced it with a cache it can read: the next build has no warning.
    again = run_sitegen(config, "build")
    assert again.returncode == 0 and "warning" not in again.stderr and not marker.exists()


def test_a_cache_naming_paths_outside_the_output_is_ignored(user_repo: Path, tmp_path: Path) -> None:
    config = user_repo / "sitegen.toml"
    output = user_repo / "output"
    assert run_sitegen(config, "build").returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    cache = read_cache(output).cache
    assert cache is not None
    files = {**cache.files, "../../victim.txt": (None, b"x" * 16), "/etc/hostname": (None, b"y" * 16)}
    save_cache(output, BuildCache(format=cache.format, complete=True, files=files))
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    assert "which is not inside the output folder" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"


@pytest.mark.parametrize(
    "unsafe",
    ["../victim.txt", "/etc/hostname", "papers/../../x", "papers//x", "./x", "papers/.", "x/", "", "a\\b", "a\x00b", "a\nb"]
    + ["..", "."],
)
def test_every_path_a_cache_may_not_name_is_found_among_many(tmp_path: Path, unsafe: str) -> None:
    """The whole list is checked at once (build_cache._first_unsafe), and finds what the check of
    one path finds, wherever the path is in the list."""
    safe = [f"papers/2603.{number:05d}/index.html" for number in range(50)]
    assert all(is_safe_relative(path) for path in safe) and not is_safe_relative(unsafe)
    for position in (0, 25, 50):
        files = dict.fromkeys([*safe[:position], unsafe, *safe[position:]], (None, b"x" * 16))
        save_cache(tmp_path, BuildCache(format=CACHE_FORMAT, complete=True, files=files))
        found = read_cache(tmp_path)
        assert found.cache is None and f"it lists the path {unsafe!r}" in (found.warning or "")
    save_cache(tmp_path, BuildCache(format=CACHE_FORMAT, complete=True, files=dict.fromkeys(safe, (None, b"x" * 16))))
    assert read_cache(tmp_path).cache is not None


def test_cached_tags_round_trip_and_an_incremental_site_equals_a_fresh_one(user_repo: Path, tmp_path: Path) -> None:
    config_path = user_repo / "sitegen.toml"
    incremental = user_repo / "output"
    build(load_config(config_path, environ={}))
    cache = read_cache(incremental).cache
    assert cache is not None and cache.complete
    store = Store(user_repo / "data")
    tagger = Tagger(load_config(config_path, environ={}).topics)
    cached = cache.tags_for(cache.theme, store.paper_versions())
    assert cached == {arxiv_id: tagger.tag(paper) for arxiv_id, paper in store.papers().items()}
    assert any(cached.values())  # the papers are in topics, so the comparison means something

    add_papers(user_repo, DAY + dt.timedelta(days=1), ["2503.00003", "2503.00004"])
    build(load_config(config_path, environ={}))  # old papers' tags come from the cache
    fresh = tmp_path / "fresh"
    build(load_config(config_path, environ={}), fresh)
    # The published site (the build's own state is not: the size ledger of a daily build also
    # remembers the sizes of files it no longer has, publish/size_ledger.py).
    from sitegen.publish.site_size import UNPUBLISHED

    site = {k: v for k, v in snapshot(incremental).items() if k not in UNPUBLISHED}
    assert site == {k: v for k, v in snapshot(fresh).items() if k not in UNPUBLISHED}


def test_the_cache_stores_each_distinct_topic_match_once(user_repo: Path) -> None:
    """100,000 papers share a few hundred distinct matches; the cache must not repeat them."""
    topics = load_config(user_repo / "sitegen.toml", environ={}).topics
    tagger = Tagger(topics)
    papers = [Paper(f"2503.{n:05d}", "A diffusion agent", "Text.", ("A",), (DAY,)) for n in range(50)]
    tags = {p.arxiv_id: (b"v" * 16, tagger.tag(p)) for p in papers}
    cache = make_cache({}, b"theme", tags)
    assert len(cache.matches) == 2
    assert cache.tags_for(b"theme", {p.arxiv_id: b"v" * 16 for p in papers}) == {k: v for k, (_, v) in tags.items()}
    assert cache.tags_for(b"other theme", {p.arxiv_id: b"v" * 16 for p in papers}) == {}  # a rule edit re-tags


def test_cached_tags_are_kept_only_for_papers_whose_store_version_is_unchanged(user_repo: Path) -> None:
    topics = load_config(user_repo / "sitegen.toml", environ={}).topics
    tagger = Tagger(topics)
    papers = [Paper(f"2503.{n:05d}", "A diffusion agent" if n % 2 else "Reasoning", "Text.", ("A",), (DAY,)) for n in range(20)]
    tags = {p.arxiv_id: (bytes([n]) * 16, tagger.tag(p)) for n, p in enumerate(papers)}
    cache = make_cache({}, b"theme", tags)
    versions = {arxiv_id: version for arxiv_id, (version, _) in tags.items()}
    assert cache.paper_versions() == versions
    # One paper's day file changed, one paper went away, one is new: only the unchanged are kept.
    changed = {**versions, "2503.00003": b"x" * 16, "2503.00099": b"y" * 16}
    del changed["2503.00007"]
    kept = cache.tags_for(b"theme", changed)
    assert kept == {k: v for k, (_, v) in tags.items() if k not in ("2503.00003", "2503.00007")}
    assert list(kept) == [k for k in tags if k in kept]  # in the build's order


@pytest.mark.parametrize("column", ["versions", "combination_of"])
def test_a_cache_whose_tag_columns_disagree_is_ignored_with_a_warning(tmp_path: Path, column: str) -> None:
    papers = [Paper(f"2503.{n:05d}", "A diffusion agent", "Text.", ("A",), (DAY,)) for n in range(5)]
    cache = make_cache({}, b"theme", {p.arxiv_id: (b"v" * 16, ()) for p in papers})
    save_cache(tmp_path, msgspec.structs.replace(cache, **{column: getattr(cache, column)[:-1]}))
    found = read_cache(tmp_path)
    assert found.cache is None and "its tags disagree with the papers it lists" in (found.warning or "")
    planted = array("I", [0, 0, 0, 0, 7]).tobytes() if sys.byteorder == "little" else b""
    if planted:  # an index past the combinations it holds
        save_cache(tmp_path, msgspec.structs.replace(cache, combination_of=planted))
        assert "refer to topic matches it does not hold" in (read_cache(tmp_path).warning or "")


@pytest.fixture()
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_store_and_site_files_are_created_with_normal_permissions(user_repo: Path, umask: None) -> None:
    add_papers(user_repo, DAY + dt.timedelta(days=2), ["2503.00005"])  # the store's atomic writer
    result = run_sitegen(user_repo / "sitegen.toml", "build")  # inherits the umask
    assert result.returncode == 0, result.stderr
    created = [p for folder in ("data", "output") for p in (user_repo / folder).rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in created)  # the search index's atomic write
    modes = {p.relative_to(user_repo).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in created}
    assert {path: mode for path, mode in modes.items() if mode != 0o644} == {}


def test_a_first_build_killed_halfway_leaves_a_folder_the_next_build_accepts(user_repo: Path) -> None:
    """The folder is claimed (a placeholder cache) before the first file goes in, so a build killed
    before it writes the manifest does not make its own output look like someone else's folder."""
    from sitegen.output.writer import SiteWriter

    output = user_repo / "output"
    writer = SiteWriter(output)
    writer.claim()
    writer.put("index.html", b"<p>half a site</p>\n")  # ...and the process dies here (no finish)
    assert not (output / "sitegen-manifest.json").exists()
    (output / "mine.txt").write_text("mine\n", encoding="utf-8")
    result = run_sitegen(user_repo / "sitegen.toml", "build")
    assert result.returncode == 0, result.stderr
    assert "half a site" not in (output / "index.html").read_text(encoding="utf-8")
    assert (output / "mine.txt").read_text(encoding="utf-8") == "mine\n"
    assert read_cache(output).cache is not None and read_cache(output).cache.complete
