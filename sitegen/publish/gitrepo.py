"""A thin, typed runner for the real `git` command, used by `publish` and `keepalive`.

Why subprocess and not a library: the user's own git (with their credentials, config and
hooks) is what they debug with, and plumbing commands (`write-tree`, `commit-tree`,
`update-ref`) let us build a commit without touching their working tree, index or branch.

Secrets: a token reaches git only through `GIT_CONFIG_*` environment variables (never the
command line, which other processes can read), and every message that quotes git's output is
passed through `redact`, so a token cannot end up in a log.
"""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import PublishError

DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True)
class GitResult:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Git:
    """Runs git in `cwd` with `env` (a complete environment) and redacts `secrets` from errors."""

    cwd: Path
    env: Mapping[str, str]
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def run(self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None, check: bool = True) -> GitResult:
        try:
            completed = subprocess.run(
                ["git", *args],
                cwd=self.cwd,
                env={**self.env, **(env or {})},
                input=input,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except FileNotFoundError:
            raise PublishError("git is not installed or not on PATH; install git (apt-get install git) and try again") from None
        result = GitResult(completed.returncode, completed.stdout, completed.stderr)
        if check and result.returncode != 0:
            raise PublishError(f"git {' '.join(args[:2])} failed in {self.cwd}:{self.redact(last_lines(result.stderr))}")
        return result

    def out(self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None) -> str:
        """stdout of a command that must succeed, without the trailing newline."""
        return self.run(*args, input=input, env=env).stdout.rstrip("\n")

    def maybe(self, *args: str) -> str | None:
        """stdout of a query such as `rev-parse --verify -q REF`, or None when it finds nothing."""
        result = self.run(*args, check=False)
        return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


def last_lines(text: str, count: int = 6) -> str:
    """git's last few lines of output, one per line and indented, to quote inside a message."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()]
    return "".join(f"\n    {line}" for line in lines[-count:]) if lines else " (git said nothing)"


def base_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment, made safe for unattended use.

    Never prompt for a password (a CI job or a test would hang); keep messages in English so
    the rejected-push advice can recognise them.
    """
    env = dict(environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    env.pop("GIT_INDEX_FILE", None)
    return env


def with_token(env: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Add GitHub Actions' token to git's config through the environment, if there is one.

    `actions/checkout` with `persist-credentials: false` leaves no credentials behind, so we send
    `Authorization: basic base64(x-access-token:TOKEN)` (what checkout itself does) for URLs
    under `GITHUB_SERVER_URL`. A remote elsewhere (a path on disk, another host) never sees it.
    Returns the environment and the strings to redact from messages.
    """
    token = env.get("GITHUB_TOKEN", "").strip()
    result = dict(env)
    if not token:
        return result, ()
    server = (env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/") + "/"
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
    index = _config_count(env)
    result["GIT_CONFIG_COUNT"] = str(index + 1)
    result[f"GIT_CONFIG_KEY_{index}"] = f"http.{server}.extraheader"
    result[f"GIT_CONFIG_VALUE_{index}"] = f"AUTHORIZATION: basic {basic}"
    return result, (token, basic)


def _config_count(env: Mapping[str, str]) -> int:
    try:
        return max(0, int(env.get("GIT_CONFIG_COUNT", "0")))
    except ValueError:
        return 0


def open_repository(directory: Path, environ: Mapping[str, str] | None = None) -> Git:
    """The git repository that contains `directory`, with a token from the environment if set."""
    env, secrets = with_token(base_environment(os.environ if environ is None else environ))
    git = Git(cwd=directory, env=env, secrets=secrets)
    if git.maybe("rev-parse", "--git-dir") is None:
        raise PublishError(
            f"{directory} is not inside a git repository; sitegen publish and keepalive work on the "
            "repository that holds sitegen.toml (clone your fork, or git init, first)"
        )
    return git
