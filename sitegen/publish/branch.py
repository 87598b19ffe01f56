"""Which branch `sitegen publish` may replace: only one it made itself.

Publishing replaces the whole branch with the site, so a wrong branch name would wipe a
history. The rules, checked before anything is committed or pushed:
- never the branch a worktree has checked out, nor the remote's default branch;
- an existing branch (local or on the remote) only when its tip was made by sitegen publish:
  its message ends with the `Published-by: sitegen` trailer, or (Pages branches published by
  earlier versions) it was committed by sitegen's fixed identity or holds a sitegen manifest at
  its root.
"""

from __future__ import annotations

from sitegen.errors import PublishError
from sitegen.output.manifest import MANIFEST_NAME, ManifestUnreadable, parse_manifest
from sitegen.publish.gitrepo import Git

PUBLISH_NAME = "sitegen"
PUBLISH_EMAIL = "publish@sitegen.invalid"
TRAILER = "Published-by: sitegen"


def with_trailer(message: str) -> str:
    """The commit message, ending with the trailer that marks a sitegen publish commit."""
    text = message.rstrip("\n")
    if TRAILER in _last_paragraph(text).splitlines():
        return text + "\n"
    return f"{text}\n\n{TRAILER}\n"


def made_by_sitegen(git: Git, commit: str) -> bool:
    raw = git.run("cat-file", "commit", commit, check=False)
    if raw.returncode != 0:
        return False
    headers, _, message = raw.stdout.partition("\n\n")
    if TRAILER in _last_paragraph(message.strip()).splitlines():
        return True
    if any(line.startswith(f"committer {PUBLISH_NAME} <{PUBLISH_EMAIL}> ") for line in headers.splitlines()):
        return True
    manifest = git.run("cat-file", "blob", f"{commit}:{MANIFEST_NAME}", check=False)
    if manifest.returncode != 0:
        return False
    try:
        parse_manifest(manifest.stdout.encode("utf-8"))
    except ManifestUnreadable:
        return False
    return True


def refuse_foreign_tip(git: Git, commit: str, branch: str, where: str, delete_hint: str) -> None:
    """Stop unless `commit`, the tip of `branch` in `where`, was made by sitegen publish."""
    if made_by_sitegen(git, commit):
        return
    subject = git.maybe("log", "-1", "--format=%s", commit) or ""
    raise PublishError(
        f"refusing to publish to the {branch} branch {where}: its tip {commit[:12]} ({subject!r}) was not made by "
        f"sitegen publish (no {TRAILER!r} trailer, no {MANIFEST_NAME} at its root). sitegen publish replaces the "
        "whole branch with the built site, so it only writes a branch it made. Publish to a branch of its own "
        f"(--branch, or [publish] branch in sitegen.toml; the default is gh-pages); if you do mean to replace "
        f"{branch} with the site, save what you need from it and delete it first ({delete_hint})."
    )


def refuse_default_branch(branch: str, default: str | None, remote: str) -> None:
    if default is not None and default == branch:
        raise PublishError(
            f"refusing to publish to {branch}: it is the default branch of {remote!r}, where the repository's own "
            "files live, and sitegen publish would replace it with the built site. Publish to a branch of its own: "
            "leave out --branch and [publish] branch to use gh-pages."
        )


def local_default_branch(git: Git, remote: str) -> str | None:
    """The remote's default branch as this clone last saw it (refs/remotes/<remote>/HEAD), if known."""
    ref = git.maybe("symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD")
    prefix = f"refs/remotes/{remote}/"
    return ref.removeprefix(prefix) if ref and ref.startswith(prefix) else None


def parse_symref_head(listing: str) -> str | None:
    """The default branch from `git ls-remote --symref REMOTE HEAD` ("ref: refs/heads/main\\tHEAD")."""
    for line in listing.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line.removeprefix("ref: refs/heads/").removesuffix("\tHEAD")
    return None


def _last_paragraph(text: str) -> str:
    return text.rsplit("\n\n", 1)[-1]
