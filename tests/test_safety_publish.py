"""`sitegen publish` writes only its own branch (issue 11): never the checked-out branch, never
the remote's default branch, never a branch whose tip sitegen did not make; and a Pages branch
published by an earlier sitegen is still accepted. Real git, a bare remote on disk, the real CLI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitsite import add_papers, git, make_bare_remote, make_site_repo, sitegen


@pytest.fixture()
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A fork with two commits on main, pushed to a bare `origin` whose default branch is main."""
    repo = make_site_repo(tmp_path, env)
    (repo / "README.md").write_text("# My papers site\n", encoding="utf-8")
    git(repo, "add", "README.md", env=env)
    git(repo, "commit", "-q", "-m", "Describe the site", env=env)
    bare = make_bare_remote(tmp_path, env)
    git(repo, "remote", "add", "origin", str(bare), env=env)
    git(repo, "push", "-q", "-u", "origin", "main", env=env)
    assert sitegen(repo, "build", env=env).returncode == 0
    return repo


def refs(repo: Path, env: dict[str, str]) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)", env=env)


def bare(tmp_path: Path) -> Path:
    return tmp_path / "origin.git"


def refused(repo: Path, tmp_path: Path, env: dict[str, str], *args: str) -> str:
    """Run a publish that must be refused; check that no ref moved, here or on the remote."""
    before = (refs(repo, env), refs(bare(tmp_path), env), git(bare(tmp_path), "rev-list", "--all", env=env))
    result = sitegen(repo, "publish", *args, env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (refs(repo, env), refs(bare(tmp_path), env), git(bare(tmp_path), "rev-list", "--all", env=env)) == before
    return result.stderr


def test_publish_branch_main_while_it_is_checked_out_is_refused(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    message = refused(repo, tmp_path, env, "--branch", "main")
    assert "the main branch is checked out in" in message and "publish to another --branch" in message
    assert git(bare(tmp_path), "log", "-1", "--format=%s", "main", env=env) == "Describe the site"


@pytest.mark.parametrize("how", ["--branch", "config"])
def test_the_remotes_default_branch_is_refused(repo: Path, tmp_path: Path, env: dict[str, str], how: str) -> None:
    git(repo, "switch", "-q", "-c", "work", env=env)  # main is no longer checked out
    if how == "config":
        with (repo / "sitegen.toml").open("a", encoding="utf-8") as handle:
            handle.write('\n[publish]\nbranch = "main"\n')
    message = refused(repo, tmp_path, env, *(("--branch", "main") if how == "--branch" else ()))
    assert "refusing to publish to main: it is the default branch of 'origin'" in message
    assert "leave out --branch and [publish] branch to use gh-pages" in message
    assert len(git(bare(tmp_path), "rev-list", "main", env=env).split()) == 2  # its history is whole


def test_a_clones_default_branch_is_refused_without_pushing(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(bare(tmp_path)), str(clone), env=env)
    git(clone, "switch", "-q", "-c", "work", env=env)
    git(clone, "branch", "-q", "-D", "main", env=env)  # only the remote-tracking origin/HEAD says "main"
    assert sitegen(clone, "build", env=env).returncode == 0
    message = refused(clone, tmp_path, env, "--no-push", "--branch", "main")
    assert "it is the default branch of 'origin'" in message
    assert git(clone, "branch", "--list", "main", env=env) == ""


def test_a_local_branch_with_the_users_work_is_never_moved(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    git(repo, "switch", "-q", "-c", "work", env=env)
    git(repo, "branch", "-q", "drafts", "main", env=env)
    message = refused(repo, tmp_path, env, "--no-push", "--branch", "drafts")
    tip = git(repo, "rev-parse", "drafts", env=env)
    assert (
        f"refusing to publish to the drafts branch in this repository: its tip {tip[:12]} ('Describe the site') was not made "
        "by sitegen publish"
        in message
    )
    assert "git branch -D drafts" in message
    # Pushing to a remote that lacks it changes nothing either: the local ref would be moved.
    refused(repo, tmp_path, env, "--branch", "drafts")
    assert git(bare(tmp_path), "branch", "--list", "drafts", env=env) == ""


def test_a_pages_branch_made_by_another_tool_is_refused(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    other = tmp_path / "mkdocs-site"
    other.mkdir()
    git(other, "init", "-q", "-b", "gh-pages", env=env)
    (other / "index.html").write_text("<h1>Docs made by another tool</h1>\n", encoding="utf-8")
    git(other, "add", "-A", env=env)
    git(other, "commit", "-q", "-m", "Deployed by mkdocs", env=env)
    git(other, "push", "-q", str(bare(tmp_path)), "gh-pages", env=env)
    message = refused(repo, tmp_path, env)
    assert "refusing to publish to the gh-pages branch of 'origin'" in message and "('Deployed by mkdocs')" in message
    assert "Publish to a branch of its own" in message and "git push origin --delete gh-pages" in message
    assert git(bare(tmp_path), "show", "gh-pages:index.html", env=env) == "<h1>Docs made by another tool</h1>"


def test_publish_commits_say_who_made_them_and_can_be_republished(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    assert sitegen(repo, "publish", env=env).returncode == 0
    trailer = git(bare(tmp_path), "log", "-1", "--format=%(trailers:key=Published-by,valueonly)", "gh-pages", env=env)
    assert trailer == "sitegen"
    add_papers(repo, dt.date(2025, 3, 5), ["2503.00009"])
    assert sitegen(repo, "build", env=env).returncode == 0
    result = sitegen(repo, "publish", "--message", "Site of the week", env=env)
    assert result.returncode == 0, result.stderr
    assert (
        git(bare(tmp_path), "log", "-1", "--format=%s|%(trailers:key=Published-by,valueonly)", "gh-pages", env=env)
        == "Site of the week|sitegen"
    )


@pytest.mark.parametrize("made_by", ["earlier sitegen", "manifest only"])
def test_a_pages_branch_published_by_an_earlier_sitegen_is_still_accepted(
    repo: Path, tmp_path: Path, env: dict[str, str], made_by: str
) -> None:
    """Earlier versions wrote no trailer: their commits are by sitegen's fixed identity and hold
    sitegen-manifest.json at the root (as tests/test_publish.py shows). Either mark is enough."""
    assert sitegen(repo, "publish", "--no-push", env=env).returncode == 0
    tree = git(repo, "rev-parse", "gh-pages^{tree}", env=env)
    identity = {
        "GIT_AUTHOR_NAME": "sitegen",
        "GIT_AUTHOR_EMAIL": "publish@sitegen.invalid",
        "GIT_COMMITTER_NAME": "sitegen",
        "GIT_COMMITTER_EMAIL": "publish@sitegen.invalid",
    }
    old_message = (
        "Publish 3 paper(s) from 0123456789ab\n\n2 listing day(s), newest day 2025-03-04. Built and published by sitegen.\n"
    )
    old = git(
        repo, "commit-tree", tree, "-m", old_message.strip(), env={**env, **identity} if made_by == "earlier sitegen" else env
    )
    assert "Published-by" not in git(repo, "cat-file", "commit", old, env=env)
    git(repo, "push", "-q", "--force", "origin", f"{old}:refs/heads/gh-pages", env=env)
    git(repo, "update-ref", "refs/heads/gh-pages", old, env=env)
    add_papers(repo, dt.date(2025, 3, 5), ["2503.00009"])
    assert sitegen(repo, "build", env=env).returncode == 0
    result = sitegen(repo, "publish", env=env)
    assert result.returncode == 0, result.stderr
    assert "published 4 paper(s)" in result.stderr
    assert git(bare(tmp_path), "rev-parse", "gh-pages", env=env) == git(repo, "rev-parse", "gh-pages", env=env) != old
