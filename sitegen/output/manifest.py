"""`sitegen-manifest.json`: what a built site contains, and the shrink guard that reads it.

The build writes the manifest into the output folder, so it is published with the site and the
Pages branch always says how many papers it holds. Two places compare against the previous one:
- `build` against the manifest already in the output folder (a local rebuild);
- `publish` against the manifest on the Pages branch it replaces (a fresh CI checkout has no
  old output folder, but it always has the published branch).
A site with fewer papers than before means the store lost files or the config points at the
wrong store; publishing it would silently delete pages subscribers link to. Only an explicit
`--allow-shrink` (the owner removed data on purpose) lets it through.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

MANIFEST_NAME = "sitegen-manifest.json"
SCHEMA = 1


@dataclass(frozen=True)
class Manifest:
    papers: int
    days: int
    newest_day: dt.date | None

    def to_bytes(self) -> bytes:
        document = {
            "generator": "sitegen",
            "schema": SCHEMA,
            "papers": self.papers,
            "days": self.days,
            "newest_day": self.newest_day.isoformat() if self.newest_day else None,
        }
        return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode("utf-8")


class ManifestUnreadable(ValueError):
    """The bytes are not a manifest this version understands (the caller names the file)."""


def parse_manifest(content: bytes) -> Manifest:
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestUnreadable(f"not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("generator") != "sitegen":
        raise ManifestUnreadable('not a sitegen manifest (no "generator": "sitegen")')
    papers, days = document.get("papers"), document.get("days")
    if type(papers) is not int or type(days) is not int or papers < 0 or days < 0:
        raise ManifestUnreadable('"papers" and "days" must be non-negative integers')
    newest = document.get("newest_day")
    try:
        newest_day = dt.date.fromisoformat(newest) if isinstance(newest, str) else None
    except ValueError:
        raise ManifestUnreadable(f'"newest_day" is not a date: {newest!r}') from None
    return Manifest(papers=papers, days=days, newest_day=newest_day)


def shrink_problem(previous: Manifest | None, current: Manifest, where: str, verb: str) -> str | None:
    """The refusal message when `current` has fewer papers than `previous`, else None."""
    if previous is None or current.papers >= previous.papers:
        return None
    return (
        f"refusing to {verb} {current.papers} paper(s): {where} has {previous.papers}. "
        f"The store has fewer papers than the last site, so {previous.papers - current.papers} paper page(s) "
        "and feed items would disappear. If you removed data on purpose, pass --allow-shrink "
        f"(sitegen {verb} --allow-shrink; in GitHub Actions run the workflow with \"allow shrink\" ticked). "
        "Otherwise check [store] path in sitegen.toml and restore the missing files (git status data/)."
    )
