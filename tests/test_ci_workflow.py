"""`.github/workflows/ci.yml`, job `topics`, run locally from the YAML on a pull request's merge commit.

On a pull request that edits sitegen.toml, the job writes `sitegen check --against <base config>
--markdown` to the job summary; on one that doesn't, it does nothing.
"""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from gitsite import REPO_ROOT, add_papers, clean_env, git, make_site_repo
from workflow_runner import JobRun, load_job, run_job

CI = REPO_ROOT / ".github" / "workflows" / "ci.yml"
INSTALL = "python3 -m pip install -e ."


def has_check_command() -> bool:
    result = subprocess.run([sys.executable, "-m", "sitegen", "check", "--help"], capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"})
    return result.returncode == 0 and "--against" in result.stdout and "--markdown" in result.stdout


def pull_request(tmp_path: Path, env: dict[str, str], edit_config: bool) -> tuple[Path, str]:
    """A repository whose `main` has an archive, and the merge commit of a pull request into it."""
    repo = make_site_repo(tmp_path, env)
    add_papers(repo, dt.date(2025, 3, 5), ["2503.00004"])
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "More papers", env=env)
    git(repo, "switch", "-q", "-c", "pr", env=env)
    if edit_config:
        with (repo / "sitegen.toml").open("a", encoding="utf-8") as handle:
            handle.write('\n[topics.papers]\ntitle = "Every paper"\nany = ["paper"]\n')
    else:
        (repo / "NOTES.md").write_text("a pull request that does not touch the config\n")
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "Pull request", env=env)
    git(repo, "switch", "-q", "main", env=env)
    # What GitHub checks out for pull_request: refs/pull/N/merge, whose first parent is the base.
    git(repo, "merge", "-q", "--no-ff", "--no-edit", "pr", env=env)
    return repo, git(repo, "rev-parse", "HEAD", env=env)


def run_topics_job(tmp_path: Path, env: dict[str, str], repo: Path, merge: str) -> tuple[JobRun, str]:
    workspace = tmp_path / "work" / "repo"
    workspace.parent.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    summary = tmp_path / "summary.md"
    summary.write_text("")

    def checkout(with_: Mapping[str, Any], step_env: dict[str, str]) -> None:
        assert with_.get("persist-credentials") is False
        depth = with_.get("fetch-depth", 1)
        subprocess.run(["git", "clone", "-q", f"--depth={depth}", repo.as_uri(), str(workspace)], env=step_env, check=True,
                       capture_output=True, text=True)
        subprocess.run(["git", "checkout", "-q", merge], cwd=workspace, env=step_env, check=True, capture_output=True)

    def install(step_env: dict[str, str]) -> str:
        # See test_update_workflow.py: a `sitegen` launcher for the code under test instead of pip.
        launcher = bin_dir / "sitegen"
        launcher.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO_ROOT}" exec "{sys.executable}" -m sitegen "$@"\n')
        launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
        return "installed"

    run = run_job(
        load_job(CI, "topics"),
        workspace=workspace,
        env={**env, "PATH": f"{bin_dir}:{env['PATH']}", "CI": "true", "GITHUB_ACTIONS": "true",
             "GITHUB_EVENT_NAME": "pull_request", "GITHUB_STEP_SUMMARY": str(summary)},
        inputs={},
        token="unused",
        uses={"actions/checkout": checkout, "actions/setup-python": lambda with_, step_env: None},
        run_overrides={INSTALL: install},
    )
    return run, summary.read_text(encoding="utf-8")


def test_a_pull_request_that_leaves_the_config_alone_compares_nothing(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    repo, merge = pull_request(tmp_path, env, edit_config=False)
    run, summary = run_topics_job(tmp_path, env, repo, merge)
    assert not run.failed, run.log()
    assert "sitegen.toml is unchanged" in run.step("Did this pull request change sitegen.toml?").output
    assert run.step("Compare the topics with the base branch's").status == "skipped"
    assert summary == ""


@pytest.mark.skipif(not has_check_command(), reason="`sitegen check --against --markdown` is not implemented yet (issue 3)")
def test_a_config_edit_is_summarised_for_the_job(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    repo, merge = pull_request(tmp_path, env, edit_config=True)
    run, summary = run_topics_job(tmp_path, env, repo, merge)
    assert not run.failed, run.log()
    assert run.step("Compare the topics with the base branch's").status == "success"
    # The new topic and the papers it gains are in the summary, as Markdown.
    assert summary.strip()
    assert "papers" in summary or "Every paper" in summary
