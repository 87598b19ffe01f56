"""Keep a fork's schedule alive.

GitHub disables a public repository's scheduled workflows after 60 days without activity. A
quiet archive (a source down for weeks, a holiday) makes no data commit, so when the newest
commit is older than `after_days` (default 50), this writes `data/keepalive.json`; the workflow
commits it with the data, and the schedule lives on. Nothing else reads the file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.publish.gitrepo import open_repository
from sitegen.store.files import dump_json, write_if_changed

KEEPALIVE_NAME = "keepalive.json"
DEFAULT_AFTER_DAYS = 50


@dataclass(frozen=True)
class KeepAliveReport:
    last_commit: dt.datetime
    idle_days: int
    path: Path
    touched: bool

    def summary(self) -> str:
        if self.touched:
            return (
                f"no commit for {self.idle_days} day(s) (last {self.last_commit:%Y-%m-%d}): "
                f"wrote {self.path} so the workflow commits and the schedule stays enabled"
            )
        return f"last commit {self.idle_days} day(s) ago ({self.last_commit:%Y-%m-%d}): no keep-alive needed"


def keep_alive(
    repo_dir: Path,
    store_path: Path,
    now: dt.datetime,
    after_days: int = DEFAULT_AFTER_DAYS,
    environ: Mapping[str, str] | None = None,
) -> KeepAliveReport:
    git = open_repository(repo_dir, os.environ if environ is None else environ)
    stamp = git.out("show", "-s", "--format=%ct", "HEAD")
    last = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
    idle = (now - last).days
    path = store_path / KEEPALIVE_NAME
    if idle < after_days:
        return KeepAliveReport(last, idle, path, touched=False)
    document = {
        "about": (
            "Written by `sitegen keepalive` when the repository had no commit for a long time, "
            "so GitHub keeps its scheduled workflow enabled."
        ),
        "previous_commit": last.date().isoformat(),
        "written": now.astimezone(dt.UTC).date().isoformat(),
    }
    write_if_changed(path, dump_json(document))
    return KeepAliveReport(last, idle, path, touched=True)
