"""End to end: `.github/workflows/update.yml` run locally, step by step, from the YAML itself.

A fork of the tree under test is pushed to a bare repository on disk (`origin`); a Hugging Face
stand-in serves papers on 127.0.0.1; each run clones origin shallowly into a fresh workspace
(what actions/checkout does) and executes the job's `run:` steps in order with the runner's
variables set. The fork's one edit is sitegen.toml (its Hugging Face base URL points at the
stand-in). The site's URL is derived from GITHUB_REPOSITORY: no URL is configured anywhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from gitsite import REPO_ROOT, git, tree_files
from hf_server import HFStandIn, serve
from smtp_server import Inbox, smtp_server
from workflow_runner import ActionsCache, JobRun, condition_holds, load_job, run_job, workflow_inputs

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "update.yml"
INSTALL = "python3 -m pip install -e ."  # the README's install command
REPOSITORY = "Fork-Owner/paper-feeds"
SITE = "https://fork-owner.github.io/paper-feeds/"
DAYS = {
    "2025-03-03": [("2503.01001", "Diffusion transformers at scale", 40), ("2503.01002", "Agents that use tools", 12)],
    "2025-03-04": [("2503.01003", "Reasoning with chain-of-thought in small models", 25)],
    "2025-03-05": [],  # an empty day is normal
}


def hf_item(arxiv_id: str, title: str, upvotes: int, day: str) -> dict[str, Any]:
    return {
        "paper": {
            "id": arxiv_id,
            "title": title,
            "summary": f"{title}. We describe the method and evaluate it.",
            "authors": [{"name": "Grace Hopper", "hidden": False}, {"name": "Hidden Person", "hidden": True}],
            "publishedAt": f"{day}T00:00:00.000Z",
            "upvotes": upvotes,
        },
        "numComments": 1,
    }


def fork_config(base_url: str) -> str:
    return f"""# A fork's sitegen.toml: the one file its owner edits.
[site]
title = "Fork feeds"
description = "Papers for the end-to-end test."

[fetch]
timeout = 5
retries = 0
backoff = 0

[sources.huggingface]
base_url = "{base_url}"
refetch_days = 1

[topics.diffusion]
title = "Diffusion"
any = ["diffusion"]

[topics.reasoning]
title = "Reasoning"
any = ["reasoning", "chain-of-thought"]
"""


def project_files() -> list[str]:
    """The tree under test as git would commit it (tracked and new files, not ignored ones)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    return [path for path in listed if path and (REPO_ROOT / path).is_file() and not path.startswith("data/")]


@pytest.fixture()
def fork(tmp_path: Path) -> dict[str, Any]:
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    fork: dict[str, Any] = {"root": tmp_path, "env": env, "bin": bin_dir}
    # One Actions cache for all the runs of a test, as a repository has (see workflow_runner.py).
    fork["cache"] = ActionsCache(tmp_path / "actions-cache", lambda: fork["workspace"])
    return fork


def make_origin(root: Path, env: dict[str, str], config: str) -> Path:
    """Push the tree under test, with the fork's sitegen.toml, as `main` of a bare repository."""
    source = root / "fork-source"
    for relative in project_files():
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / relative, target)
    (source / "data").mkdir(exist_ok=True)
    (source / "data" / ".gitkeep").write_text("")
    (source / "sitegen.toml").write_text(config, encoding="utf-8")
    # The fork was last touched 60 days ago: the first scheduled run must keep the schedule alive.
    old = str(int(time.time()) - 60 * 86400) + " +0000"
    identity = {"GIT_AUTHOR_NAME": "Fork Owner", "GIT_AUTHOR_EMAIL": "owner@example.org", "GIT_COMMITTER_NAME": "Fork Owner",
                "GIT_COMMITTER_EMAIL": "owner@example.org", "GIT_AUTHOR_DATE": old, "GIT_COMMITTER_DATE": old}
    git(source, "init", "-q", "-b", "main", env=env)
    git(source, "add", "-A", env=env)
    git(source, "commit", "-q", "-m", "Fork: my topics", env={**env, **identity})
    origin = root / "origin.git"
    git(root, "clone", "-q", "--bare", str(source), str(origin), env=env)
    return origin


def run_workflow(
    fork: dict[str, Any], origin: Path, number: int, inputs: Mapping[str, str], secrets: Mapping[str, str] | None = None
) -> JobRun:
    root: Path = fork["root"]
    workspace = root / f"run-{number}" / "paper-feeds"
    workspace.parent.mkdir()
    fork["workspace"] = workspace
    summary = root / f"run-{number}" / "summary.md"
    summary.write_text("")

    def checkout(with_: Mapping[str, Any], step_env: dict[str, str]) -> None:
        assert with_.get("persist-credentials") is False
        # actions/checkout: a shallow clone of the triggering branch, no credentials kept.
        subprocess.run(["git", "clone", "-q", "--depth=1", "--branch=main", origin.as_uri(), str(workspace)],
                       env=step_env, check=True, capture_output=True, text=True)

    def setup_python(with_: Mapping[str, Any], step_env: dict[str, str]) -> None:
        assert with_.get("python-version")

    def install(step_env: dict[str, str]) -> str:
        # `pip install -e .` would need the internet for its build backend; what it provides is
        # a `sitegen` command running the checked-out code, which this launcher provides too.
        launcher = fork["bin"] / "sitegen"
        launcher.write_text(f'#!/bin/sh\nPYTHONPATH="{workspace}" exec "{sys.executable}" -m sitegen "$@"\n')
        launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
        return "installed a sitegen launcher for the workspace"

    defaults = {key: str(spec.get("default", "")).lower() if spec.get("type") == "boolean" else str(spec.get("default", ""))
                for key, spec in workflow_inputs(WORKFLOW).items()}
    env = {
        **fork["env"],
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_REPOSITORY_OWNER": REPOSITORY.split("/")[0],
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_EVENT_NAME": "workflow_dispatch",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REF_NAME": "main",
        "GITHUB_REF_TYPE": "branch",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    return run_job(
        load_job(WORKFLOW, "update"),
        workspace=workspace,
        env=env,
        inputs={**defaults, **inputs},
        token="ghs_test_token_not_used_by_a_disk_remote",
        uses={
            "actions/checkout": checkout,
            "actions/setup-python": setup_python,
            "actions/cache/restore": fork["cache"].restore,
            "actions/cache/save": fork["cache"].save,
        },
        run_overrides={INSTALL: install},
        secrets=secrets,
        github={**GITHUB_CONTEXT, "run_id": str(7000 + number)},
    )


# The `github` context of a manual run of the workflow on the fork's default branch.
GITHUB_CONTEXT = {
    "event_name": "workflow_dispatch",
    "ref": "refs/heads/main",
    "ref_name": "main",
    "ref_type": "branch",
    "run_attempt": "1",
    "event.repository.default_branch": "main",
}
BUILT = re.compile(r"built (\d+) paper\(s\) over \d+ day\(s\) into \S+: (\d+) file\(s\) written, (\d+) unchanged")


def build_counts(run: JobRun) -> tuple[int, int, int]:
    """Papers, files written and files unchanged, from the build's summary in the run's log."""
    found = BUILT.search(run.step("Fetch and build").output)
    assert found, run.step("Fetch and build").output
    papers, written, unchanged = (int(group) for group in found.groups())
    return papers, written, unchanged


def branch_tip(origin: Path, branch: str, env: dict[str, str]) -> str | None:
    return git(origin, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", env=env, check=False) or None


def show(origin: Path, ref: str, env: dict[str, str]) -> str:
    return git(origin, "show", ref, env=env)


def test_the_install_step_is_the_readmes() -> None:
    steps = [step.get("run", "").strip() for step in load_job(WORKFLOW, "update")["steps"]]
    assert INSTALL in steps
    assert f"{INSTALL} && sitegen run" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_update_workflow_end_to_end(fork: dict[str, Any]) -> None:
    env = fork["env"]
    stand_in = HFStandIn(days={day: [hf_item(i, t, u, day) for i, t, u in items] for day, items in DAYS.items()})
    backfill = {"since": "2025-03-03", "until": "2025-03-05"}
    with serve(stand_in):
        origin = make_origin(fork["root"], env, fork_config(stand_in.base_url))
        initial = branch_tip(origin, "main", env)

        # Run 1: a backfill. Data committed to main, the site published to gh-pages.
        first = run_workflow(fork, origin, 1, backfill)
        assert not first.failed, first.log()
        # Nothing to restore on the first run: the whole site is built, then saved for the next.
        assert fork["cache"].restored == [None]
        assert "no earlier build to restore" in first.step("Check the restored build").output
        papers, full_build, unchanged = build_counts(first)
        assert (papers, unchanged) == (3, 0)
        assert fork["cache"].keys == ["sitegen-output-7001-1"]
        data_commit = branch_tip(origin, "main", env)
        assert data_commit != initial
        assert git(origin, "rev-parse", f"{data_commit}^", env=env) == initial
        assert git(origin, "log", "-1", "--format=%an|%s", data_commit, env=env) == "github-actions[bot]|Update data"
        changed = set(git(origin, "diff", "--name-only", initial, data_commit, env=env).splitlines())
        days = {"data/papers/2025/2025-03-03.json", "data/papers/2025/2025-03-04.json"}
        assert days | {"data/sources/huggingface.json"} <= changed
        # The fork had been idle for 60 days: the same commit keeps the schedule alive.
        assert "data/keepalive.json" in changed
        # No SMTP secret: no e-mail, and the step says why.
        assert first.step("E-mail the digest").output.strip() == "SITEGEN_SMTP_URL is not set: no e-mail digest"

        pages = branch_tip(origin, "gh-pages", env)
        assert pages is not None
        assert len(git(origin, "rev-list", "gh-pages", env=env).split()) == 1
        files = tree_files(origin, "gh-pages", env)
        assert {".nojekyll", "index.html", "feeds/all.rss.xml", "feeds/diffusion.atom.xml", "feeds/reasoning.rss.xml"} <= files
        assert {f"papers/{i}/index.html" for i in ("2503.01001", "2503.01002", "2503.01003")} <= files
        assert not any(name.startswith(("data/", "sitegen/")) or name == "sitegen.toml" for name in files)
        assert json.loads(show(origin, "gh-pages:sitegen-manifest.json", env))["papers"] == 3
        # Absolute URLs are the fork's own Pages URL, derived from GITHUB_REPOSITORY.
        rss = show(origin, "gh-pages:feeds/all.rss.xml", env)
        assert f"{SITE}feeds/all.rss.xml" in rss and f"<link>{SITE}</link>" in rss
        assert f'href="{SITE}feeds/diffusion.atom.xml"' in show(origin, "gh-pages:feeds/diffusion.atom.xml", env)
        assert f'href="{SITE}feeds/all.rss.xml"' in show(origin, "gh-pages:index.html", env)
        for name in files:
            if name.endswith(".png"):
                continue  # binary (static/favicon.png, the RSS channel image)
            text = show(origin, f"gh-pages:{name}", env)
            assert "127.0.0.1" not in text and "upstream" not in text, name

        # Run 2: same days, nothing new. No commit on either branch.
        second = run_workflow(fork, origin, 2, backfill)
        assert not second.failed, second.log()
        # The first run's build came back: nothing changed, so (almost) nothing is written.
        assert fork["cache"].restored[-1] == "sitegen-output-7001-1"
        assert "restored the last build" in second.step("Check the restored build").output
        assert build_counts(second) == (3, 0, full_build)
        assert "data/ unchanged: nothing to commit" in second.step("Commit data").output
        assert "nothing to publish" in second.step("Publish the site to gh-pages").output
        assert branch_tip(origin, "main", env) == data_commit
        assert branch_tip(origin, "gh-pages", env) == pages

        # Run 3: a paper appears on the last day. A fresh shallow checkout fetches the Pages
        # branch, and publishing replaces it with one new commit holding all four papers.
        stand_in.days["2025-03-05"] = [hf_item("2503.01004", "Diffusion for robot manipulation", 7, "2025-03-05")]
        third = run_workflow(fork, origin, 3, backfill)
        assert not third.failed, third.log()
        # An incremental build on top of the second run's: the new paper's pages, its day, its
        # topic and the site-wide pages are written; every other file is kept as it was.
        assert fork["cache"].restored[-1] == "sitegen-output-7002-1"
        papers, written, unchanged = build_counts(third)
        assert papers == 4 and 0 < written < full_build / 2 < unchanged
        new_data = branch_tip(origin, "main", env)
        assert git(origin, "rev-parse", f"{new_data}^", env=env) == data_commit
        assert "data/papers/2025/2025-03-05.json" in git(origin, "diff", "--name-only", data_commit, new_data, env=env)
        assert branch_tip(origin, "gh-pages", env) != pages
        assert len(git(origin, "rev-list", "gh-pages", env=env).split()) == 1
        assert json.loads(show(origin, "gh-pages:sitegen-manifest.json", env))["papers"] == 4
        data_commit = new_data

        # Run 4: the source is down. The failure is committed to the ledger, the site still
        # publishes every stored paper, and the run ends red.
        stand_in.always["/api/daily_papers"] = 500
        stand_in.always["/papers/date/"] = 500
        failing = run_workflow(fork, origin, 4, backfill)
    assert failing.failed
    assert failing.step("Fetch and build").status == "success"
    assert failing.step("Publish the site to gh-pages").status == "success"
    final = failing.step("Fail when a source failed")
    assert final.status == "failure" and "sitegen run exited with status 1" in final.output
    assert "huggingface failed on 3 day(s)" in failing.step("Fetch and build").output
    ledger_commit = branch_tip(origin, "main", env)
    assert git(origin, "rev-parse", f"{ledger_commit}^", env=env) == data_commit
    ledger = json.loads(show(origin, "main:data/sources/huggingface.json", env))
    assert "failed" in json.dumps(ledger)
    # Nothing stored was lost, and the Pages branch still holds every paper.
    for day in ("2025-03-03", "2025-03-04", "2025-03-05"):
        assert show(origin, f"main:data/papers/2025/{day}.json", env) == show(
            origin, f"{data_commit}:data/papers/2025/{day}.json", env
        )
    files = tree_files(origin, "gh-pages", env)
    assert {f"papers/{i}/index.html" for i in ("2503.01001", "2503.01002", "2503.01003", "2503.01004")} <= files
    assert json.loads(show(origin, "gh-pages:sitegen-manifest.json", env))["papers"] == 4
    assert len(git(origin, "rev-list", "gh-pages", env=env).split()) == 1


def test_dispatch_inputs_reach_sitegen_through_the_environment_only(fork: dict[str, Any]) -> None:
    """A hostile `since` input is data, never shell: the injected command never runs and the job ends red."""
    env = fork["env"]
    with serve(HFStandIn()) as stand_in:
        origin = make_origin(fork["root"], env, fork_config(stand_in.base_url))
        marker = fork["root"] / "pwned"
        run = run_workflow(fork, origin, 1, {"since": f"2025-01-01; touch {marker}", "until": ""})
    assert not marker.exists()
    output = run.step("Fetch and build").output
    assert "Invalid value for '--since'" in output
    assert run.failed


def test_the_digest_step_mails_once_and_commits_its_ledger(fork: dict[str, Any]) -> None:
    """With the two secrets set, the step after publishing mails the newest day once and commits
    data/digests/, so the next run does not mail it again; a refused send fails the job and
    commits the failure (for the status page) but no send."""
    env = fork["env"]
    backfill = {"since": "2025-03-03", "until": "2025-03-05"}
    inbox = Inbox()
    stand_in = HFStandIn(days={day: [hf_item(i, t, u, day) for i, t, u in items] for day, items in DAYS.items()})
    with serve(stand_in), smtp_server(inbox) as port:
        config = fork_config(stand_in.base_url) + '\n[email]\nfrom = "Fork feeds <feeds@example.org>"\n'
        origin = make_origin(fork["root"], env, config)
        secrets = {"SITEGEN_SMTP_URL": f"smtp://127.0.0.1:{port}", "SITEGEN_EMAIL_TO": "owner@example.org, friend@example.net"}
        first = run_workflow(fork, origin, 1, backfill, secrets)
        assert not first.failed, first.log()
        recorded = branch_tip(origin, "main", env)
        assert git(origin, "log", "-1", "--format=%s", recorded, env=env) == "Record the e-mail digest"
        sent = json.loads(show(origin, "main:data/digests/sent.json", env))["sent"]
        assert list(sent) == ["daily 2025-03-04"] and sent["daily 2025-03-04"]["recipients"] == 2
        [received] = inbox.received
        assert sorted(received.rcpt_tos) == ["friend@example.net", "owner@example.org"]
        assert f"{SITE}papers/2503.01003/" in received.message.get_body(("plain",)).get_content()

        second = run_workflow(fork, origin, 2, backfill, secrets)
        assert not second.failed, second.log()
        assert "nothing to send" in second.step("E-mail the digest").output
        assert branch_tip(origin, "main", env) == recorded and len(inbox.received) == 1

        stand_in.days["2025-03-05"] = [hf_item("2503.01004", "Diffusion for robot manipulation", 7, "2025-03-05")]
        inbox.refuse_rcpt = "550 5.7.1 relaying denied"
        third = run_workflow(fork, origin, 3, backfill, secrets)
    step = third.step("E-mail the digest")
    assert third.failed and step.status == "failure"
    assert "error: the daily digest of 2025-03-05 was not sent" in step.output and "550 5.7.1 relaying denied" in step.output
    assert json.loads(show(origin, "main:data/digests/sent.json", env))["sent"] == sent
    assert "550 5.7.1 relaying denied" in json.loads(show(origin, "main:data/digests/last-error.json", env))["error"]
    assert len(inbox.received) == 1


def test_a_restored_build_sitegen_would_refuse_is_set_aside_and_the_site_still_publishes(fork: dict[str, Any]) -> None:
    """A cache entry holding an output folder without its manifest or build cache (a folder
    sitegen refuses to build into, as it cannot tell it built it) costs a full build, never a run."""
    env = fork["env"]
    backfill = {"since": "2025-03-03", "until": "2025-03-05"}
    stand_in = HFStandIn(days={day: [hf_item(i, t, u, day) for i, t, u in items] for day, items in DAYS.items()})
    with serve(stand_in):
        origin = make_origin(fork["root"], env, fork_config(stand_in.base_url))
        first = run_workflow(fork, origin, 1, backfill)
        assert not first.failed, first.log()
        _, full_build, _ = build_counts(first)
        [key] = fork["cache"].keys
        entry = fork["cache"].entry(key)
        (entry / "sitegen-manifest.json").unlink()
        (entry / ".sitegen-cache").unlink()
        (entry / "notes.txt").write_text("not sitegen's")

        stand_in.days["2025-03-05"] = [hf_item("2503.01004", "Diffusion for robot manipulation", 7, "2025-03-05")]
        second = run_workflow(fork, origin, 2, backfill)
    assert not second.failed, second.log()
    assert fork["cache"].restored == [None, key]
    assert "::warning title=Restored build not used::" in second.step("Check the restored build").output
    papers, written, unchanged = build_counts(second)
    assert (papers, unchanged) == (4, 0) and written > full_build
    files = tree_files(origin, "gh-pages", env)
    assert {f"papers/{i}/index.html" for i in ("2503.01001", "2503.01002", "2503.01003", "2503.01004")} <= files
    assert "notes.txt" not in files
    assert json.loads(show(origin, "gh-pages:sitegen-manifest.json", env))["papers"] == 4
    # The folder saved for the next run is this run's full build, which the next run accepts.
    assert (fork["cache"].entry(fork["cache"].keys[-1]) / "sitegen-manifest.json").is_file()


def test_only_scheduled_and_manual_runs_of_the_default_branch_save_the_build() -> None:
    """The build is restored by every run, so whatever is saved is trusted: no other event or
    branch may save one (a pull request's run could otherwise plant files that get published)."""
    steps = load_job(WORKFLOW, "update")["steps"]
    [save] = [step for step in steps if step.get("uses", "").startswith("actions/cache/save@")]
    [restore] = [step for step in steps if step.get("uses", "").startswith("actions/cache/restore@")]
    assert save["with"]["key"] == restore["with"]["key"] and restore["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert save["with"]["path"] == restore["with"]["path"] == "output"
    allowed = [("schedule", "branch", "main"), ("workflow_dispatch", "branch", "main")]
    refused = [
        ("pull_request", "branch", "main"),
        ("pull_request_target", "branch", "main"),
        ("push", "branch", "main"),
        ("workflow_dispatch", "branch", "feature"),
        ("schedule", "branch", "gh-pages"),
        ("workflow_dispatch", "tag", "main"),
    ]
    for event, ref_type, ref_name in allowed + refused:
        github = {**GITHUB_CONTEXT, "event_name": event, "ref_type": ref_type, "ref_name": ref_name}
        assert condition_holds(save["if"], github) == ((event, ref_type, ref_name) in allowed), (event, ref_type, ref_name)
