"""`sitegen keepalive`: a commit is due when the repository was idle for 50 days."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from gitsite import clean_env, git, make_site_repo, sitegen


def idle_repo(tmp_path: Path, days_idle: int) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    repo = make_site_repo(tmp_path, env)
    stamp = f"{int(time.time()) - days_idle * 86400} +0000"
    (repo / "README.md").write_text("my fork\n")
    git(repo, "add", "README.md", env=env)
    git(repo, "commit", "-q", "-m", "Edit", env={**env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    return repo, env


@pytest.mark.parametrize("days_idle", [50, 59])
def test_idle_repository_gets_a_keepalive_file_to_commit(tmp_path: Path, days_idle: int) -> None:
    repo, env = idle_repo(tmp_path, days_idle)
    result = sitegen(repo, "keepalive", env=env)
    assert result.returncode == 0, result.stderr
    assert f"no commit for {days_idle} day(s)" in result.stderr
    path = repo / "data" / "keepalive.json"
    document = json.loads(path.read_text())
    assert document["written"] == time.strftime("%Y-%m-%d", time.gmtime())
    # It is a change git sees, so the workflow's "Commit data" step commits it.
    assert git(repo, "status", "--porcelain", "data/", env=env) == "?? data/keepalive.json"
    # The store still loads: the keep-alive file is not a day file.
    assert sitegen(repo, "build", env=env).returncode == 0


def test_active_repository_needs_no_keepalive(tmp_path: Path) -> None:
    repo, env = idle_repo(tmp_path, 10)
    result = sitegen(repo, "keepalive", env=env)
    assert result.returncode == 0, result.stderr
    assert "last commit 10 day(s) ago" in result.stderr and "no keep-alive needed" in result.stderr
    assert not (repo / "data" / "keepalive.json").exists()
    assert git(repo, "status", "--porcelain", env=env) == ""
    # The threshold is an option.
    assert sitegen(repo, "keepalive", "--after-days", "7", env=env).returncode == 0
    assert (repo / "data" / "keepalive.json").exists()


def test_keepalive_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home, GIT_CEILING_DIRECTORIES=str(tmp_path))
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "sitegen.toml").write_text('[site]\ntitle = "x"\n')
    result = sitegen(folder, "keepalive", env=env)
    assert result.returncode == 1
    assert "is not inside a git repository" in result.stderr and "Traceback" not in result.stderr
