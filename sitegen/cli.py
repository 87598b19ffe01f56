"""The command line: each verb parses its options and calls one library function.

Only here do errors become exit codes: a SitegenError is one clear line (or block) on stderr and
exit status 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sitegen import __version__
from sitegen.build import BuildReport
from sitegen.build import build as build_site
from sitegen.build_progress import CliBuildProgress
from sitegen.config.load import DEFAULT_CONFIG_NAME, Config, load_config
from sitegen.errors import FetchFailed, SitegenError

if TYPE_CHECKING:  # imported when a command fetches: HTTP takes longer to import than a no-change build
    from sitegen.fetch.run import FetchReport

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SitegenError as error:
            for line in str(error).splitlines() if isinstance(error, FetchFailed) else [str(error)]:
                click.echo(f"error: {line}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _config(context: click.Context) -> Config:
    return load_config(context.obj["config_path"])


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _days(since: dt.datetime | None, until: dt.datetime | None) -> list[dt.date] | None:
    """The range asked for, or None: each source's own default days."""
    if since is None and until is None:
        return None
    end = until.date() if until else _today()
    start = since.date() if since else end
    if start > end:
        raise SitegenError(f"--since {start} is after --until {end}; swap them")
    from sitegen.fetch.run import date_range

    return date_range(start, end)


def _fetch(config: Config, since: dt.datetime | None, until: dt.datetime | None, sources: tuple[str, ...]) -> FetchReport:
    from sitegen.fetch.progress import CliProgress
    from sitegen.fetch.run import fetch as fetch_days
    from sitegen.store.store import Store

    # Without dates, a source with nothing stored yet (a new site) backfills [fetch] initial_days.
    report = fetch_days(
        config,
        Store(config.store.path),
        _days(since, until),
        sources=sources or None,
        progress=CliProgress(),
        backfill_empty=True,
    )
    click.echo(report.summary(), err=True)
    for line in report.warning_lines():
        click.echo(f"warning: {line}", err=True)
    return report


def _report_build(report: BuildReport) -> None:
    click.echo(report.summary(), err=True)
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    if report.size is not None:
        click.echo(report.size.summary(), err=True)
        if report.size.near:
            # One block: the size, the three largest sections and what shrinks each.
            click.echo(f"warning: {report.size.explanation()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_CONFIG_NAME,
    show_default=True,
    help="The site's config file.",
)
@click.version_option(__version__, prog_name="sitegen")
@click.pass_context
def main(context: click.Context, config_path: Path) -> None:
    """Research-paper feeds: fetch listings, tag topics, build a static site with feeds.

    \b
    Example:
      sitegen run            # fetch the last few days, then build output/
      sitegen serve          # preview on http://127.0.0.1:8000/
    """
    context.obj = {"config_path": config_path}


DATE = click.DateTime(formats=["%Y-%m-%d"])


SOURCE_OPTION = click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only this source (huggingface, arxiv); repeat for several. Default: every configured source.",
)


@main.command()
@click.option("--since", type=DATE, help="First day to fetch (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Last day to fetch (YYYY-MM-DD); default today.")
@SOURCE_OPTION
@click.pass_context
@reports_errors
def fetch(context: click.Context, since: dt.datetime | None, until: dt.datetime | None, sources: tuple[str, ...]) -> None:
    """Fetch listings into the store (default: each source's recent days), healing failed days first.

    Example: sitegen fetch --source arxiv --since 2026-05-01 --until 2026-05-29
    """
    report = _fetch(_config(context), since, until, sources)
    if report.failures:
        raise FetchFailed(report.failure_lines())


ALLOW_SHRINK = click.option(
    "--allow-shrink",
    is_flag=True,
    help="Build even if the site would have fewer papers than the last build (you removed data on purpose).",
)


@main.command()
@click.option("--output", type=click.Path(path_type=Path, file_okay=False), help="Output folder (default: [build] output).")
@ALLOW_SHRINK
@click.pass_context
@reports_errors
def build(context: click.Context, output: Path | None, allow_shrink: bool) -> None:
    """Build the site and feeds from the store.

    Example: sitegen build --output /tmp/site
    """
    _report_build(build_site(_config(context), output, allow_shrink=allow_shrink, progress=CliBuildProgress()))


@main.command()
@click.option("--since", type=DATE, help="First day to fetch (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Last day to fetch (YYYY-MM-DD); default today.")
@SOURCE_OPTION
@ALLOW_SHRINK
@click.pass_context
@reports_errors
def run(
    context: click.Context, since: dt.datetime | None, until: dt.datetime | None, sources: tuple[str, ...], allow_shrink: bool
) -> None:
    """Fetch, then build. Exits non-zero if a day is failed after its retries, after building
    from what is stored (the status page shows it), with one line per failed source.

    Example: sitegen run
    """
    config = _config(context)
    report = _fetch(config, since, until, sources)
    _report_build(build_site(config, allow_shrink=allow_shrink, progress=CliBuildProgress()))
    if report.failures:
        raise FetchFailed(report.failure_lines())


@main.command()
@click.option("--branch", help="Branch to publish to (default: [publish] branch, gh-pages).")
@click.option("--remote", default="origin", show_default=True, help="Remote to push the branch to.")
@click.option("--no-push", is_flag=True, help="Only commit the branch locally.")
@click.option("--message", "-m", help="Commit message (default: paper count and the source commit).")
@click.option(
    "--allow-shrink", is_flag=True, help="Publish even if the published site has more papers (data removed on purpose)."
)
@click.pass_context
@reports_errors
def publish(
    context: click.Context, branch: str | None, remote: str, no_push: bool, message: str | None, allow_shrink: bool
) -> None:
    """Commit the built site as the whole tree of the Pages branch and push it.

    Your working tree, index and current branch are not touched. Nothing is committed when the
    site did not change. In GitHub Actions the push uses $GITHUB_TOKEN.

    Example: sitegen build && sitegen publish --branch gh-pages
    """
    from sitegen.publish.run import PublishOptions
    from sitegen.publish.run import publish as publish_site

    config = _config(context)
    options = PublishOptions(
        branch=branch or config.publish.branch,
        remote=remote,
        push=not no_push,
        message=message,
        keep_commits=config.publish.keep_commits,
        allow_shrink=allow_shrink,
    )
    click.echo(publish_site(config, options).summary(), err=True)


@main.command()
@click.option(
    "--after-days", type=click.IntRange(min=1), default=50, show_default=True, help="Idle days before a keep-alive commit is due."
)
@click.pass_context
@reports_errors
def keepalive(context: click.Context, after_days: int) -> None:
    """Write data/keepalive.json when the last commit is older than --after-days.

    GitHub disables scheduled workflows after 60 days without activity; the update workflow
    runs this before committing data/, so a quiet archive still gets a commit.

    Example: sitegen keepalive --after-days 50
    """
    from sitegen.publish.keepalive import keep_alive

    config = _config(context)
    report = keep_alive(config.root, config.store.path, dt.datetime.now(dt.UTC), after_days)
    click.echo(report.summary(), err=True)


@main.command()
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.pass_context
@reports_errors
def serve(context: click.Context, port: int) -> None:
    """Preview the built site on http://127.0.0.1:PORT/.

    Example: sitegen serve --port 8001
    """
    from sitegen.serve import make_server

    output = _config(context).build.output
    if not output.is_dir():
        raise SitegenError(f"{output}: nothing built yet; run `sitegen build` first")
    server = make_server(output, port)
    click.echo(f"Serving {output} on http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.argument("arxiv_id")
@click.pass_context
@reports_errors
def explain(context: click.Context, arxiv_id: str) -> None:
    """Show, for every topic, whether a stored paper is in it and why.

    For each clause of each topic: which term matched which words in which field (with the
    match highlighted «like this» in a snippet), or why the clause failed.

    Example: sitegen explain 2406.12345
    """
    from sitegen.rules.explaining import explain_paper

    click.echo(explain_paper(_config(context), arxiv_id), nl=False)


@main.command()
@click.option("--since", type=DATE, help="Only count papers first listed on or after this day (YYYY-MM-DD).")
@click.option(
    "--against",
    "old_config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An older config file: list the papers the edit adds to or removes from each topic.",
)
@click.option("--markdown", is_flag=True, help="Print Markdown, e.g. for a GitHub job summary.")
@click.option(
    "--max-listed",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="With --against: papers listed per topic and direction (0: all).",
)
@click.pass_context
@reports_errors
def check(context: click.Context, since: dt.datetime | None, old_config: Path | None, markdown: bool, max_listed: int) -> None:
    """Validate the config, then run the topics over the stored archive.

    Prints, per topic, its papers over all time and over the last 30 days, its share of all
    papers and its three newest titles, and warns about topics that match nothing or more than
    25% of all papers. "The last 30 days" end on the newest listing day in the store, not
    today, so the same store and config always give the same report.

    \b
    Examples:
      sitegen check
      git show HEAD~1:sitegen.toml > /tmp/old.toml
      sitegen check --against /tmp/old.toml --markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from sitegen.check.report import render_markdown, render_text
    from sitegen.check.run import check as run_check
    from sitegen.store.store import Store

    config = _config(context)
    old = load_config(old_config) if old_config is not None else None
    report = run_check(config, Store(config.store.path).papers(), since.date() if since else None, old)
    render = render_markdown if markdown else render_text
    click.echo(render(report, max_listed), nl=False)


@main.command()
@click.option("--dry-run", is_flag=True, help="Print the plain-text part instead of sending; no secret needed.")
@click.option(
    "--to-file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="PATH.eml",
    help="Write the whole message to this file instead of sending.",
)
@click.option("--day", type=DATE, help='The digest of this day (YYYY-MM-DD), or of its week with cadence = "weekly".')
@click.option(
    "--catch-up", is_flag=True, help="Send every missed digest since the last one sent (at most 7), not only the newest."
)
@click.pass_context
@reports_errors
def digest(context: click.Context, dry_run: bool, to_file: Path | None, day: dt.datetime | None, catch_up: bool) -> None:
    """E-mail the newest listing day's papers (or week's, see [email] cadence) that was not sent yet.

    Sends to $SITEGEN_EMAIL_TO (comma-separated) through $SITEGEN_SMTP_URL
    (smtp://user:password@host:587). Each digest is sent once: data/digests/sent.json records it.

    \b
    Examples:
      sitegen digest --dry-run
      sitegen digest --day 2026-05-29 --to-file /tmp/digest.eml
      SITEGEN_SMTP_URL=smtp://me%40gmail.com:apppassword@smtp.gmail.com:587 SITEGEN_EMAIL_TO=me@gmail.com sitegen digest
    """
    import os

    from sitegen.digest.run import DigestOptions, run_digest
    from sitegen.fetch.clock import SystemClock

    if to_file is not None and catch_up:
        raise click.UsageError("--to-file writes one digest; use it with --day, not --catch-up")
    options = DigestOptions(dry_run=dry_run, to_file=to_file, day=day.date() if day else None, catch_up=catch_up)
    report = run_digest(
        _config(context), options, os.environ, SystemClock().now(), on_line=lambda line: click.echo(line, err=True)
    )
    for text in report.texts:
        click.echo(text)
