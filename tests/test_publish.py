"""`sitegen publish` against real git: local branches, a bare remote on disk, and a token-checking
HTTP git host on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from git_http_server import GitHost, serve_git
from gitsite import add_papers, git, make_bare_remote, make_site_repo, output_files, sitegen, tree_files

PERMISSION_SETTING = "Settings → Actions → General → Workflow permissions"


@pytest.fixture()
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    return make_site_repo(tmp_path, env)


def build(repo: Path, env: dict[str, str], *extra: str) -> None:
    result = sitegen(repo, "build", *extra, env=env)
    assert result.returncode == 0, result.stderr


def publish(repo: Path, env: dict[str, str], *extra: str, ok: bool = True):
    result = sitegen(repo, "publish", *extra, env=env)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def commits(repo: Path, ref: str, env: dict[str, str]) -> list[str]:
    return git(repo, "rev-list", ref, env=env).split()


def manifest_on(repo: Path, ref: str, env: dict[str, str]) -> dict:
    return json.loads(git(repo, "show", f"{ref}:sitegen-manifest.json", env=env))


def test_first_publish_commits_the_output_as_the_whole_branch(repo: Path, env: dict[str, str]) -> None:
    build(repo, env)
    result = publish(repo, env, "--no-push")
    assert "published 3 paper(s)" in result.stderr and "not pushed" in result.stderr
    files = tree_files(repo, "gh-pages", env)
    # Exactly the built site: no sitegen.toml, no data/, nothing from main.
    assert files == output_files(repo / "output")
    assert {".nojekyll", "index.html", "feeds/all.rss.xml", "papers/2503.00003/index.html", "sitegen-manifest.json"} <= files
    assert "CNAME" not in files and "sitegen.toml" not in files
    # Byte for byte as built.
    for name in ("index.html", "feeds/diffusion.atom.xml"):
        assert git(repo, "show", f"gh-pages:{name}", env=env) == (repo / "output" / name).read_text(encoding="utf-8").rstrip("\n")
    assert manifest_on(repo, "gh-pages", env)["papers"] == 3
    # One root commit by the fixed identity, dated like the source commit it was built from.
    assert len(commits(repo, "gh-pages", env)) == 1
    author, date, subject = git(repo, "log", "-1", "--format=%an <%ae>|%ct|%s", "gh-pages", env=env).split("|")
    assert author == "sitegen <publish@sitegen.invalid>"
    assert date == git(repo, "log", "-1", "--format=%ct", "main", env=env)
    head = git(repo, "rev-parse", "main", env=env)
    assert subject == f"Publish 3 paper(s) from {head[:12]}"


def test_publish_is_deterministic_and_custom_message_is_used(tmp_path: Path, env: dict[str, str]) -> None:
    ids = []
    for name in ("a", "b"):
        repo = make_site_repo(tmp_path / name, env)
        build(repo, env)
        publish(repo, env, "--no-push")
        ids.append(git(repo, "rev-parse", "gh-pages", env=env))
    # Same site built from the same commit (same tree, same date): the same commit id.
    assert ids[0] == ids[1]
    other = make_site_repo(tmp_path / "c", env)
    build(other, env)
    publish(other, env, "--no-push", "--message", "Site of the week")
    assert git(other, "log", "-1", "--format=%s", "gh-pages", env=env) == "Site of the week"


def test_cname_from_config_is_published(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_site_repo(tmp_path, env, site_extra='cname = "papers.example.org"')
    build(repo, env)
    publish(repo, env, "--no-push")
    assert git(repo, "show", "gh-pages:CNAME", env=env) == "papers.example.org"
    # The custom domain is the site's base URL: feeds link there.
    assert "https://papers.example.org/feeds/all.rss.xml" in git(repo, "show", "gh-pages:feeds/all.rss.xml", env=env)


def test_unchanged_site_makes_no_commit(repo: Path, env: dict[str, str]) -> None:
    build(repo, env)
    publish(repo, env, "--no-push")
    first = git(repo, "rev-parse", "gh-pages", env=env)
    build(repo, env)  # a rebuild writes the same bytes
    result = publish(repo, env, "--no-push")
    assert "nothing to publish" in result.stderr
    assert git(repo, "rev-parse", "gh-pages", env=env) == first
    assert len(git(repo, "reflog", "show", "gh-pages", env=env).splitlines()) == 1


@pytest.mark.parametrize("keep", [1, 3])
def test_history_is_bounded_by_keep_commits(tmp_path: Path, env: dict[str, str], keep: int) -> None:
    repo = make_site_repo(tmp_path, env, tail=f"\n[publish]\nkeep_commits = {keep}\n")
    bare = make_bare_remote(tmp_path, env)
    git(repo, "remote", "add", "origin", str(bare), env=env)
    counts = []
    for round_ in range(5):
        add_papers(repo, dt.date(2025, 3, 10 + round_), [f"2503.1000{round_}"])
        build(repo, env)
        publish(repo, env)
        counts.append(manifest_on(repo, "gh-pages", env)["papers"])
    history = commits(bare, "gh-pages", env)
    assert len(history) == keep
    assert git(repo, "rev-parse", "gh-pages", env=env) == history[0]
    # The kept commits are the newest publishes, newest first, each with its own site.
    assert [manifest_on(bare, sha, env)["papers"] for sha in history] == counts[::-1][:keep]
    assert counts == [4, 5, 6, 7, 8]


def test_working_tree_index_and_branch_are_untouched(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    bare = make_bare_remote(tmp_path, env)
    git(repo, "remote", "add", "origin", str(bare), env=env)
    # A user in the middle of work: a staged edit, an unstaged edit, an untracked file.
    (repo / "sitegen.toml").write_text((repo / "sitegen.toml").read_text() + "\n# staged\n")
    git(repo, "add", "sitegen.toml", env=env)
    (repo / ".gitignore").write_text("/output/\n# unstaged\n")
    (repo / "notes.txt").write_text("untracked\n")
    build(repo, env)

    def snapshot() -> tuple[str, ...]:
        return (
            git(repo, "status", "--porcelain=v1", "--untracked-files=all", env=env),
            git(repo, "symbolic-ref", "HEAD", env=env),
            git(repo, "rev-parse", "HEAD", env=env),
            hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest(),
            git(repo, "diff", env=env),
            git(repo, "diff", "--cached", env=env),
        )

    before = snapshot()
    publish(repo, env)
    assert snapshot() == before
    assert "gh-pages" in git(bare, "branch", "--list", env=env)


def test_checked_out_pages_branch_is_refused(repo: Path, env: dict[str, str]) -> None:
    build(repo, env)
    git(repo, "switch", "-q", "-c", "gh-pages", env=env)
    result = publish(repo, env, "--no-push", ok=False)
    assert result.returncode == 1
    assert "the gh-pages branch is checked out in" in result.stderr and "switch that worktree to another branch" in result.stderr


def test_publish_without_a_build_says_what_to_do(repo: Path, env: dict[str, str]) -> None:
    result = publish(repo, env, "--no-push", ok=False)
    assert result.returncode == 1
    assert "holds no built site (sitegen-manifest.json is missing): run `sitegen build`" in result.stderr


def test_rejected_push_names_the_repository_setting(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    bare = make_bare_remote(tmp_path, env)
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'Permission to owner/repo.git denied to github-actions[bot].' >&2\nexit 1\n")
    hook.chmod(0o755)
    git(repo, "remote", "add", "origin", str(bare), env=env)
    build(repo, env)
    token = "ghs_secretTOKENvalue123"
    actions = {**env, "GITHUB_ACTIONS": "true", "GITHUB_TOKEN": token}
    result = publish(repo, actions, ok=False)
    assert result.returncode == 1
    message = result.stderr
    assert "'origin' rejected the push of the gh-pages branch; git said:" in message
    assert "Permission to owner/repo.git denied" in message  # what the server said
    assert PERMISSION_SETTING in message and '"Read and write permissions"' in message
    assert "`permissions: contents: write`" in message
    assert token not in message and "Traceback" not in message
    # Nothing half-done: the local branch was not moved and the remote has no gh-pages.
    assert git(repo, "branch", "--list", "gh-pages", env=env) == ""
    assert git(bare, "branch", "--list", "gh-pages", env=env) == ""


def test_publish_refuses_to_shrink_the_published_site(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    bare = make_bare_remote(tmp_path, env)
    git(repo, "remote", "add", "origin", str(bare), env=env)
    build(repo, env)
    publish(repo, env)
    published = git(bare, "rev-parse", "gh-pages", env=env)
    # A fresh clone (as in CI) whose store lost a day: the build has no old output to compare with.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone), env=env)
    git(clone, "remote", "set-url", "origin", str(bare), env=env)
    (clone / "data" / "papers" / "2025" / "2025-03-04.json").unlink()
    build(clone, env)
    result = publish(clone, env, ok=False)
    assert result.returncode == 1
    assert "refusing to publish 2 paper(s): the published gh-pages branch has 3" in result.stderr
    assert "--allow-shrink" in result.stderr
    assert git(bare, "rev-parse", "gh-pages", env=env) == published
    publish(clone, env, "--allow-shrink")
    assert manifest_on(bare, "gh-pages", env)["papers"] == 2


def test_build_refuses_to_shrink_its_output(repo: Path, env: dict[str, str]) -> None:
    build(repo, env)
    (repo / "data" / "papers" / "2025" / "2025-03-04.json").unlink()
    before = (repo / "output" / "sitegen-manifest.json").read_bytes()
    result = sitegen(repo, "build", env=env)
    assert result.returncode == 1
    assert "refusing to build 2 paper(s)" in result.stderr and "has 3" in result.stderr
    assert "--allow-shrink" in result.stderr and "[store] path" in result.stderr
    assert (repo / "output" / "papers" / "2503.00003" / "index.html").exists()  # nothing was written
    assert (repo / "output" / "sitegen-manifest.json").read_bytes() == before
    build(repo, env, "--allow-shrink")
    assert json.loads((repo / "output" / "sitegen-manifest.json").read_text())["papers"] == 2
    assert not (repo / "output" / "papers" / "2503.00003").exists()


def test_actions_token_reaches_only_the_github_server(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    hosted = tmp_path / "host"
    (hosted / "owner").mkdir(parents=True)
    make_bare_remote(hosted / "owner", env, name="repo.git")
    token = "ghs_TOKEN_for_this_job"
    with serve_git(GitHost(root=hosted, token=token)) as host:
        git(repo, "remote", "add", "origin", f"{host.url}/owner/repo.git", env=env)
        build(repo, env)
        actions = {**env, "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": host.url}
        # No token in the step's environment: refused, and the advice says how to pass it.
        result = publish(repo, actions, ok=False)
        assert result.returncode == 1
        assert "No GITHUB_TOKEN reached sitegen" in result.stderr and PERMISSION_SETTING in result.stderr
        # A wrong token: refused by the host, and the token is not printed.
        result = publish(repo, {**actions, "GITHUB_TOKEN": "ghs_wrong"}, ok=False)
        assert result.returncode == 1 and "ghs_wrong" not in result.stderr and PERMISSION_SETTING in result.stderr
        # The job's token: published.
        result = publish(repo, {**actions, "GITHUB_TOKEN": token}, ok=True)
        assert token not in result.stderr + result.stdout
        assert "pushed it to origin" in result.stderr
    assert git(hosted / "owner" / "repo.git", "rev-parse", "gh-pages", env=env) == git(repo, "rev-parse", "gh-pages", env=env)
    assert any(header.lower().startswith("basic ") for header in host.seen_auth)


@pytest.mark.parametrize("clone", ["full", "shallow"])
def test_republish_sends_only_what_changed(tmp_path: Path, env: dict[str, str], clone: str) -> None:
    """The branch is re-rooted on every publish, yet a push carries only the changed files, not
    the whole site again: from a full clone and from a shallow one (as actions/checkout makes)."""
    repo = make_site_repo(tmp_path, env)
    # Enough days that the pages one new day rewrites (its day, week and month, the site-wide
    # pages and feeds, and the folders holding them) are a small share of the site.
    for day in range(3, 20):
        add_papers(repo, dt.date(2025, 3, day), [f"2503.{day:02d}{n:03d}" for n in range(12)])
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "More papers", env=env)
    if clone == "shallow":
        work = tmp_path / "shallow"
        git(tmp_path, "clone", "-q", "--depth=1", (repo).as_uri(), str(work), env=env)
        assert git(work, "rev-parse", "--is-shallow-repository", env=env) == "true"
    else:
        work = repo
    bare = make_bare_remote(tmp_path, env)
    git(bare, "config", "receive.unpackLimit", "1", env=env)  # keep every push as a pack, to count what was sent
    git(work, "remote", "remove", "origin", env=env, check=False)
    git(work, "remote", "add", "origin", str(bare), env=env)

    def received() -> int:
        stats = dict(line.split(": ") for line in git(bare, "count-objects", "-v", env=env).splitlines())
        return int(stats["in-pack"])

    build(work, env)
    publish(work, env)
    whole_site = received()
    # A day in the same ISO week: a day that starts a new week also ends the last one (its page
    # and the weekly feeds change), which on a site this small is a large share of its files.
    add_papers(work, dt.date(2025, 3, 20), ["2503.25001"])
    build(work, env)
    publish(work, env)
    sent = received() - whole_site
    assert len(commits(bare, "gh-pages", env)) == 1
    assert "papers/2503.25001/index.html" in tree_files(bare, "gh-pages", env)
    assert git(bare, "fsck", "--connectivity-only", "--no-dangling", env=env) == ""
    assert whole_site > 200
    assert 0 < sent < whole_site // 5, (sent, whole_site)
