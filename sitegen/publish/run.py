"""Publish the built site as the whole tree of a Pages branch (default `gh-pages`), with git.

How, without touching the user's working tree, index or current branch:
1. stage the output folder into a *temporary index* (`GIT_INDEX_FILE`, `--work-tree=output`),
   add `.nojekyll` and `CNAME`, and `write-tree`;
2. find the branch's current tip (on the remote when pushing, else locally) and refuse a branch
   that is checked out, is the remote's default, or was not made by sitegen publish
   (publish/branch.py); if the tip's tree is the same, stop: nothing changed, no commit;
3. refuse when the published site had more papers (the shrink guard, see manifest.py);
4. `commit-tree` on top of the last `keep_commits - 1` commits (re-rooted, so the branch never
   grows past `keep_commits`), with a fixed identity and a date taken from the source commit,
   so the same site built from the same commit is the same commit id;
5. push with `--force-with-lease` on the tip we saw (a concurrent publish is never clobbered),
   then move the local branch ref (`update-ref`), never a checkout.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.load import Config
from sitegen.errors import PublishError
from sitegen.output.manifest import MANIFEST_NAME, Manifest, ManifestUnreadable, parse_manifest, shrink_problem
from sitegen.publish.branch import (
    PUBLISH_EMAIL,
    PUBLISH_NAME,
    local_default_branch,
    parse_symref_head,
    refuse_default_branch,
    refuse_foreign_tip,
    with_trailer,
)
from sitegen.publish.gitrepo import Git, GitResult, last_lines, open_repository
from sitegen.publish.site_size import UNPUBLISHED
from sitegen.publish.size_budget import refuse_over_budget

# Who commits the Pages branch (PUBLISH_NAME, PUBLISH_EMAIL in publish/branch.py). Fixed (not the
# user's git identity) so commits are reproducible; `.invalid` is a reserved domain, so the
# address can never belong to someone.
WORKFLOW_PERMISSION_ADVICE = (
    "What to do: on GitHub, open the repository's Settings → Actions → General → Workflow permissions, choose "
    '"Read and write permissions" and save; or give the job `permissions: contents: write` in '
    ".github/workflows/update.yml (it has it as shipped). If the branch is protected by a rule "
    "(Settings → Branches or Rules), allow GitHub Actions to push to it."
)
_PERSON = re.compile(r"^(author|committer) (.*) <(.*)> (\d+ [+-]\d{4})$")


@dataclass(frozen=True)
class PublishOptions:
    branch: str = "gh-pages"
    remote: str = "origin"
    push: bool = True
    message: str | None = None
    keep_commits: int = 1
    allow_shrink: bool = False


@dataclass(frozen=True)
class PublishReport:
    branch: str
    commit: str
    changed: bool
    pushed: bool
    remote: str
    papers: int

    def summary(self) -> str:
        if not self.changed:
            return (
                f"{self.branch} already holds this site ({self.papers} paper(s), commit {self.commit[:12]}): nothing to publish"
            )
        where = f" and pushed it to {self.remote}" if self.pushed else " (not pushed: --no-push)"
        return f"published {self.papers} paper(s) as commit {self.commit[:12]} on {self.branch}{where}"


def publish(config: Config, options: PublishOptions, environ: Mapping[str, str] | None = None) -> PublishReport:
    environ = dict(os.environ) if environ is None else dict(environ)
    output = config.build.output
    manifest = _output_manifest(output)
    # A site over [build] max_site_mb would be refused by the host: stop before any git work.
    refuse_over_budget(output, config.build.max_site_mb)
    git = open_repository(config.root, environ)
    branch = options.branch
    # Only a branch sitegen made may be replaced (see publish/branch.py); checked before any commit.
    _refuse_checked_out(git, branch)
    local = _local_tip(git, branch)
    if options.push:
        base, default = _remote_tip(git, options, environ)
    else:
        base, default = local, local_default_branch(git, options.remote)
    refuse_default_branch(branch, default, options.remote)
    if local is not None:
        refuse_foreign_tip(git, local, branch, "in this repository", f"git branch -D {branch}")
    if base is not None and base != local:
        refuse_foreign_tip(git, base, branch, f"of {options.remote!r}", f"git push {options.remote} --delete {branch}")
    tree = _write_tree(git, output, config.site.cname)
    if base is not None:
        if not options.allow_shrink:
            problem = shrink_problem(
                _published_manifest(git, base, branch), manifest, f"the published {branch} branch", "publish"
            )
            if problem:
                raise PublishError(problem)
        if git.out("rev-parse", f"{base}^{{tree}}") == tree:
            if _local_tip(git, branch) != base:
                git.run("update-ref", "-m", "sitegen publish: in step with the remote", f"refs/heads/{branch}", base)
            return PublishReport(branch, base, changed=False, pushed=False, remote=options.remote, papers=manifest.papers)
    parent = _kept_history(git, base, options.keep_commits - 1)
    commit = _commit(git, tree, parent, options.message or _default_message(git, manifest), _commit_date(git, environ))
    if options.push:
        _push(git, options, commit, base, environ)
    git.run("update-ref", "-m", "sitegen publish", f"refs/heads/{branch}", commit)
    return PublishReport(branch, commit, changed=True, pushed=options.push, remote=options.remote, papers=manifest.papers)


def _output_manifest(output: Path) -> Manifest:
    """The site to publish must be a finished sitegen build: its manifest is the proof."""
    path = output / MANIFEST_NAME
    try:
        return parse_manifest(path.read_bytes())
    except FileNotFoundError:
        raise PublishError(
            f"{output} holds no built site ({MANIFEST_NAME} is missing): run `sitegen build` (or `sitegen run`) first"
        ) from None
    except OSError as error:
        raise PublishError(f"{path}: cannot read ({error.strerror})") from None
    except ManifestUnreadable as error:
        raise PublishError(f"{path}: {error}; run `sitegen build` again") from None


def _refuse_checked_out(git: Git, branch: str) -> None:
    """Moving a branch that a worktree has checked out would leave that worktree out of step."""
    worktree = None
    for line in git.out("worktree", "list", "--porcelain").splitlines():
        if line.startswith("worktree "):
            worktree = line.removeprefix("worktree ")
        elif line == f"branch refs/heads/{branch}":
            raise PublishError(
                f"the {branch} branch is checked out in {worktree}; sitegen publish replaces that branch, "
                f"so switch that worktree to another branch first (git -C {worktree} switch main), or publish to another --branch"
            )


def _write_tree(git: Git, output: Path, cname: str | None) -> str:
    """Stage `output` as a whole tree in a throwaway index; the user's index is never read or written."""
    if not output.is_dir():
        raise PublishError(f"{output}: not a folder; run `sitegen build` first")
    git_dir = git.out("rev-parse", "--absolute-git-dir")
    with tempfile.TemporaryDirectory(prefix="sitegen-publish-") as temp:
        # The output folder is the work tree and the root of the tree we write (no path prefix).
        site = Git(cwd=output.resolve(), env={**git.env, "GIT_INDEX_FILE": str(Path(temp) / "index")}, secrets=git.secrets)
        repo = (f"--git-dir={git_dir}", f"--work-tree={output.resolve()}")
        # --force: a global excludes file must not drop site files; no line-ending or attribute
        # filters: the site goes out byte for byte as built.
        site.run(
            *repo,
            "-c",
            "core.autocrlf=false",
            "-c",
            "core.safecrlf=false",
            "-c",
            "core.attributesFile=/dev/null",
            # The build cache and size ledger (and their temp files, if a build was killed) are
            # the builder's memory, not part of the site.
            "add",
            "--all",
            "--force",
            "--",
            ".",
            *(f":(exclude){name}" for name in sorted(UNPUBLISHED)),
        )
        plumbing = [(".nojekyll", "")]  # GitHub Pages would otherwise run Jekyll and hide "_" folders
        if cname:
            plumbing.append(("CNAME", f"{cname}\n"))  # the custom domain, read by GitHub Pages
        for name, content in plumbing:
            blob = site.out(*repo, "hash-object", "-w", "--stdin", input=content)
            site.run(*repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{name}")
        return site.out(*repo, "write-tree")


def _local_tip(git: Git, branch: str) -> str | None:
    return git.maybe("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")


def _remote_tip(git: Git, options: PublishOptions, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The branch's tip on the remote (fetched if we lack it), or None when it does not exist yet;
    and the remote's default branch (None when it has none yet)."""
    ref = f"refs/heads/{options.branch}"
    listing = git.run("ls-remote", "--symref", options.remote, "HEAD", ref, check=False)
    if listing.returncode != 0:
        raise PublishError(
            f"cannot read the {options.branch} branch of remote {options.remote!r}; git "
            f"said:{git.redact(last_lines(listing.stderr))}\n"
            + _access_advice(git, options.remote, environ)
        )
    default = parse_symref_head(listing.stdout)
    tips = [line.split()[0] for line in listing.stdout.splitlines() if line.endswith(f"\t{ref}")]
    if not tips:
        return None, default
    if git.run("cat-file", "-e", f"{tips[0]}^{{commit}}", check=False).returncode != 0:
        # A shallow clone (as in Actions) fetches only the commits we may keep; a full clone stays full.
        depth = [f"--depth={options.keep_commits}"] if git.out("rev-parse", "--is-shallow-repository") == "true" else []
        fetched = git.run("fetch", "--quiet", "--no-tags", "--refmap=", *depth, options.remote, ref, check=False)
        if fetched.returncode != 0:
            raise PublishError(f"cannot fetch {ref} from {options.remote!r}; git said:{git.redact(last_lines(fetched.stderr))}")
    return tips[0], default


def _published_manifest(git: Git, base: str, branch: str) -> Manifest | None:
    result = git.run("cat-file", "blob", f"{base}:{MANIFEST_NAME}", check=False)
    if result.returncode != 0:
        return None  # published before sitegen wrote manifests, or by another tool: nothing to compare
    try:
        return parse_manifest(result.stdout.encode("utf-8"))
    except ManifestUnreadable as error:
        raise PublishError(f"{MANIFEST_NAME} on the {branch} branch: {error}; pass --allow-shrink to replace it") from None


def _kept_history(git: Git, base: str | None, keep_old: int) -> str | None:
    """The parent for the new commit, so the branch holds at most keep_old + 1 commits."""
    if base is None or keep_old == 0:
        return None
    chain = git.out("rev-list", "--first-parent", f"--max-count={keep_old + 1}", base).split()
    if len(chain) <= keep_old:
        return base
    # Too long: recreate the newest keep_old commits on a new root (same trees, messages,
    # authors and dates), so older ones drop out of the branch.
    parent: str | None = None
    for sha in reversed(chain[:keep_old]):
        parent = _recommit(git, sha, parent)
    return parent


def _recommit(git: Git, sha: str, parent: str | None) -> str:
    raw = git.run("cat-file", "commit", sha).stdout
    headers, _, message = raw.partition("\n\n")
    env: dict[str, str] = {}
    tree = ""
    for line in headers.splitlines():
        if line.startswith("tree "):
            tree = line.removeprefix("tree ")
        match = _PERSON.match(line)
        if match:
            role = "AUTHOR" if match.group(1) == "author" else "COMMITTER"
            env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"], env[f"GIT_{role}_DATE"] = match.group(2, 3, 4)
    parents = ["-p", parent] if parent else []
    return git.out("commit-tree", tree, *parents, "-F", "-", input=message, env=env)


def _commit(git: Git, tree: str, parent: str | None, message: str, date: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": PUBLISH_NAME,
        "GIT_AUTHOR_EMAIL": PUBLISH_EMAIL,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": PUBLISH_NAME,
        "GIT_COMMITTER_EMAIL": PUBLISH_EMAIL,
        "GIT_COMMITTER_DATE": date,
    }
    parents = ["-p", parent] if parent else []
    text = with_trailer(message)  # how the next publish knows this branch is sitegen's
    return git.out("-c", "commit.gpgSign=false", "commit-tree", tree, *parents, "-F", "-", input=text, env=env)


def _head(git: Git) -> str | None:
    return git.maybe("rev-parse", "--verify", "--quiet", "HEAD^{commit}")


def _default_message(git: Git, manifest: Manifest) -> str:
    head = _head(git)
    source = f" from {head[:12]}" if head else ""
    newest = f", newest day {manifest.newest_day.isoformat()}" if manifest.newest_day else ""
    return (
        f"Publish {manifest.papers} paper(s){source}\n\n{manifest.days} listing day(s){newest}. Built and published by sitegen.\n"
    )


def _commit_date(git: Git, environ: Mapping[str, str]) -> str:
    """SOURCE_DATE_EPOCH if set (the reproducible-builds convention), else the date of the commit
    the site was built from; only a repository without commits falls back to the clock."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return f"{epoch} +0000"
    if _head(git):
        return f"{git.out('show', '-s', '--format=%ct', 'HEAD')} +0000"
    return f"{int(time.time())} +0000"


def _push(git: Git, options: PublishOptions, commit: str, base: str | None, environ: Mapping[str, str]) -> None:
    ref = f"refs/heads/{options.branch}"
    # The lease: the remote branch must still be where we saw it ("" = must not exist yet), so a
    # concurrent publish is never overwritten; forced because bounded history re-roots the branch.
    args = ("push", "--porcelain", f"--force-with-lease={ref}:{base or ''}", options.remote, f"{commit}:{ref}")
    result = _push_only_new_objects(git, args, commit, base)
    if result.returncode == 0:
        return
    rejected = "\n".join(line for line in result.stdout.splitlines() if line.startswith("!"))
    said = git.redact(last_lines(result.stderr + "\n" + rejected))
    if re.search(r"stale info|fetch first|non-fast-forward", said):
        raise PublishError(
            f"the {options.branch} branch of {options.remote!r} changed while publishing (another run?); git said:{said}\n"
            "Nothing was overwritten; run `sitegen publish` again."
        )
    raise PublishError(
        f"{options.remote!r} rejected the push of the {options.branch} branch; git said:{said}\n"
        + _access_advice(git, options.remote, environ)
    )


def _push_only_new_objects(git: Git, args: tuple[str, ...], commit: str, base: str | None) -> GitResult:
    """Push, sending only the objects the remote's tip lacks, even for a re-rooted branch.

    A new root commit has no edge to the old tip, so git would send the whole site again on
    every publish. In a shallow repository (as actions/checkout makes) git already excludes the
    trees of every tip the remote has (pack-objects' --objects-edge-aggressive); in a full clone
    we get the same by naming the old tip in a temporary shallow file for this one command.
    Falls back to a plain push if this git lacks the (internal, long-standing) --shallow-file.
    """
    related = base is None or git.run("merge-base", "--is-ancestor", base, commit, check=False).returncode == 0
    if related or git.out("rev-parse", "--is-shallow-repository") == "true":
        return git.run(*args, check=False)
    with tempfile.TemporaryDirectory(prefix="sitegen-push-") as temp:
        shallow = Path(temp) / "shallow"
        shallow.write_text(f"{base}\n", encoding="ascii")
        result = git.run("--shallow-file", str(shallow), *args, check=False)
    if result.returncode != 0 and "shallow-file" in result.stderr:
        return git.run(*args, check=False)
    return result


def _access_advice(git: Git, remote: str, environ: Mapping[str, str]) -> str:
    if environ.get("GITHUB_ACTIONS") == "true" and not git.secrets:
        return (
            "No GITHUB_TOKEN reached sitegen: give the publish step `env: GITHUB_TOKEN: ${{ github.token }}` "
            "(checkout runs with persist-credentials: false).\n" + WORKFLOW_PERMISSION_ADVICE
        )
    if environ.get("GITHUB_ACTIONS") == "true":
        return WORKFLOW_PERMISSION_ADVICE
    return (
        f"Locally, check that you may push to {remote!r} (git push --dry-run {remote} HEAD).\n"
        f"In GitHub Actions: {WORKFLOW_PERMISSION_ADVICE}"
    )
