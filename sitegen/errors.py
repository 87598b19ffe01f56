"""The one exception tree of sitegen.

Every error a user can cause or meet (bad config, broken response, corrupt store file, failed
push) is a `SitegenError` whose message says what happened, where, and what to do. Only the CLI
turns these into exit codes; anything else escaping is a bug and shows a traceback.
"""

from __future__ import annotations


class SitegenError(Exception):
    """Base of every error sitegen reports to the user."""


class ConfigError(SitegenError):
    """The config file is missing or invalid. Carries every problem found, not just the first."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{path}: {len(self.problems)} config {noun}:\n{lines}")


class SourceError(SitegenError):
    """A source could not deliver a listing."""


class FetchError(SourceError):
    """The network or the server failed (after retries)."""


class SourceUnreachable(FetchError):
    """The host cannot be reached in a way retrying within a run cannot fix (the name does not
    resolve, the connection is refused, TLS fails): the source is given up for this run."""


class ParseError(SourceError):
    """A response arrived but its content is not what we understand. Never an empty day."""


class FetchFailed(SourceError):
    """Some days are failed after every retry: one line per failed source, for the exit message."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


class RuleTimeout(SitegenError):
    """A topic's regular expression ran out of its time budget where no fallback applies (`explain`)."""


class StoreError(SitegenError):
    """A file of the store cannot be read or written."""


class BuildError(SitegenError):
    """The site cannot be built (template error, unwritable output...)."""


class PublishError(SitegenError):
    """Publishing the built site failed."""


class DigestError(SitegenError):
    """An e-mail digest cannot be made or sent (missing secret, refused login, refused message)."""
