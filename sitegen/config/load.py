"""Read `sitegen.toml` into frozen dataclasses, reporting every problem at once.

Paths in the file are relative to the file itself, so `sitegen --config fork/sitegen.toml`
works from any directory.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.email import EmailConfig, parse_email
from sitegen.config.reader import TableReader
from sitegen.config.sources import SourcesConfig, parse_sources
from sitegen.config.topics import TopicConfig, parse_topics
from sitegen.config.values import hostname_problem, site_url_problem
from sitegen.errors import ConfigError
from sitegen.output.folder import output_folder_problem

DEFAULT_CONFIG_NAME = "sitegen.toml"
# Used for absolute feed links when neither [site] base_url nor GITHUB_REPOSITORY says where the
# site lives: it is where `sitegen serve` listens by default.
LOCAL_PREVIEW_URL = "http://127.0.0.1:8000/"
# These patterns are used with fullmatch: `$` would also accept a value ending in "\n".
# Git branch names we accept for [publish] branch (a safe subset of git check-ref-format).
_BRANCH = re.compile(r"(?!.*\.\.)(?!.*//)[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")
# GITHUB_REPOSITORY as Actions sets it: owner/name, in the characters GitHub allows.
_GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")
# Pages and feeds grow with topics x papers; this cap (with MAX_TOPICS in topics.py) keeps a
# generated config from making pages no browser can open.
MAX_PAGE_SIZE = 500  # papers on one listing page


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    # Absolute URL of the site root, always ending in "/"; None means "local preview".
    base_url: str | None
    language: str = "en"
    cname: str | None = None

    @property
    def absolute_url(self) -> str:
        """The base for links that must be absolute (feeds, sitemap, canonical)."""
        return self.base_url or LOCAL_PREVIEW_URL


@dataclass(frozen=True)
class StoreConfig:
    path: Path


@dataclass(frozen=True)
class BuildConfig:
    output: Path
    templates: Path
    static: Path
    page_size: int = 50
    # The size budget of the published site (publish/size_budget.py): GitHub Pages refuses
    # sites over 1 GB. A float, so a test (or a host with a smaller limit) can set it low.
    max_site_mb: float = 1000.0


@dataclass(frozen=True)
class FeedsConfig:
    max_items: int = 50
    weekly_items: int = 10  # papers per completed week in the "best of the week" feeds


@dataclass(frozen=True)
class OrgsConfig:
    enabled: bool = True
    min_papers: int = 3  # an organization gets a page and feeds from this many papers on
    feed_items: int = 5  # newest papers in each organization's feeds (hundreds of them: 5 keeps them ~10 MB)


@dataclass(frozen=True)
class FetchConfig:
    """How every source talks to its server (one policy for all: sitegen/fetch/sources/http.py)."""

    timeout: float = 30.0  # seconds, per request (connect, read, write)
    retries: int = 4  # extra attempts after a connection error, timeout, 429 or 5xx
    backoff: float = 2.0  # seconds before the first retry; doubles (with jitter) each time
    max_backoff: float = 60.0  # no computed wait is longer (a server's Retry-After may be)
    max_wait: float = 600.0  # total seconds a run may spend waiting to retry, all sources together
    heal_days: int = 14  # every run first retries failed and suspect days this far back
    give_up_after: int = 3  # consecutive failed days after which a source is left for this run
    deadline: float = 120.0  # seconds a whole request may take: connect, headers and body together
    max_download_mb: float = 20.0  # a body larger than this (as sent, maybe compressed) is refused
    max_decoded_mb: float = 50.0  # ... and a body larger than this once decompressed
    initial_days: int = 14  # listing days a source with nothing stored yet is asked for first


@dataclass(frozen=True)
class PublishConfig:
    """Where `sitegen publish` puts the site."""

    branch: str = "gh-pages"
    # Commits the Pages branch keeps: 1 means every publish replaces the branch with one commit,
    # so it never grows; more keeps a short history to compare or roll back.
    keep_commits: int = 1


@dataclass(frozen=True)
class Config:
    path: Path
    site: SiteConfig
    store: StoreConfig
    build: BuildConfig
    feeds: FeedsConfig
    fetch: FetchConfig
    sources: SourcesConfig
    topics: tuple[TopicConfig, ...]
    publish: PublishConfig = PublishConfig()
    email: EmailConfig = EmailConfig()  # what `sitegen digest` mails (see config/email.py)
    orgs: OrgsConfig = OrgsConfig()

    @property
    def root(self) -> Path:
        return self.path.parent


def load_config(path: Path, environ: dict[str, str] | None = None) -> Config:
    """Load and validate the config at `path`. Raises ConfigError listing every problem."""
    environ = dict(os.environ) if environ is None else environ
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), ["no such file; create it or pass --config PATH (see README)"]) from None
    except OSError as error:
        raise ConfigError(str(path), [f"cannot read: {error.strerror}"]) from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(str(path), [f"not UTF-8 text (byte {error.start})"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [f"TOML syntax error: {error}"]) from None
    return parse_config(document, path.resolve(), environ)


def parse_config(document: dict, path: Path, environ: dict[str, str]) -> Config:
    problems: list[str] = []
    top = TableReader(document, "", problems)
    root = path.parent
    site = _parse_site(top.subtable("site"), environ)
    store = StoreConfig(path=root / _relative_path(top.subtable("store"), "path", "data"))
    build = _parse_build(top.subtable("build"), root)
    feeds_table = top.subtable("feeds")
    feeds = FeedsConfig(
        max_items=feeds_table.integer("max_items", 50, minimum=1),
        weekly_items=feeds_table.integer("weekly_items", 10, minimum=1),
    )
    feeds_table.finish()
    orgs_table = top.subtable("orgs")
    orgs = OrgsConfig(
        enabled=orgs_table.boolean("enabled", True),
        min_papers=orgs_table.integer("min_papers", 3, minimum=1),
        feed_items=orgs_table.integer("feed_items", 5, minimum=1),
    )
    orgs_table.finish()
    fetch = _parse_fetch(top.subtable("fetch"))
    sources = parse_sources(top.subtable("sources"))
    topics = parse_topics(top.subtable("topics"))
    publish = _parse_publish(top.subtable("publish"))
    email = parse_email(top.subtable("email"), tuple(topic.slug for topic in topics))
    top.finish()
    output_problem = output_folder_problem(build.output, root, store.path, (build.templates, build.static))
    if output_problem:
        problems.append(f"build.output: {output_problem}")
    if problems:
        raise ConfigError(str(path), problems)
    return Config(
        path=path, site=site, store=store, build=build, feeds=feeds, fetch=fetch, sources=sources, topics=topics, publish=publish,
        email=email,
        orgs=orgs,
    )


def _relative_path(table: TableReader, key: str, default: str) -> str:
    value = table.text(key, default, nonempty=True)
    table.finish()
    return value if isinstance(value, str) else default


def _parse_site(table: TableReader, environ: dict[str, str]) -> SiteConfig:
    title = table.text("title", nonempty=True, line=True)
    description = table.text("description", "")
    language = table.text("language", "en", nonempty=True, line=True)
    cname, base_url = _site_addresses(table)
    table.finish()
    if base_url is None:
        base_url = derive_base_url(environ.get("GITHUB_REPOSITORY", ""), cname)
    return SiteConfig(title=title or "", description=description or "", base_url=base_url, language=language or "en", cname=cname)


def _site_addresses(table: TableReader) -> tuple[str | None, str | None]:
    """`cname` and `base_url`: checked character by character, as they go verbatim into the
    CNAME file, robots.txt, the sitemap and every feed (see config/values.py)."""
    cname = table.text("cname", None, line=True)
    if isinstance(cname, str):
        cname = cname.strip()
        problem = hostname_problem(cname)
        if problem:
            table.problem(table.key_path("cname"), problem)
            cname = None
    base_url = table.text("base_url", None)
    if isinstance(base_url, str):
        problem = site_url_problem(base_url)
        if problem:
            table.problem(table.key_path("base_url"), problem)
            base_url = None
        elif not base_url.endswith("/"):
            base_url += "/"
    return cname, base_url


def derive_base_url(github_repository: str, cname: str | None = None) -> str | None:
    """The Pages URL of a repository, so a fork needs no URL edit.

    `owner/repo` -> https://owner.github.io/repo/; `owner/owner.github.io` -> the root;
    a custom domain (CNAME) wins.
    """
    if cname:
        return f"https://{cname.strip().strip('/')}/"
    if not _GITHUB_REPOSITORY.fullmatch(github_repository):
        return None
    owner, repo = github_repository.split("/", 1)
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def _parse_publish(table: TableReader) -> PublishConfig:
    branch = table.text("branch", "gh-pages", nonempty=True)
    if isinstance(branch, str) and branch.strip() and not _BRANCH.fullmatch(branch):
        table.problem(table.key_path("branch"), f'must be a plain git branch name such as "gh-pages", got {branch!r}')
        branch = "gh-pages"
    publish = PublishConfig(branch=branch or "gh-pages", keep_commits=table.integer("keep_commits", 1, minimum=1))
    table.finish()
    return publish


def _parse_build(table: TableReader, root: Path) -> BuildConfig:
    output = table.text("output", "output", nonempty=True)
    templates = table.text("templates", "templates", nonempty=True)
    static = table.text("static", "static", nonempty=True)
    page_size = table.integer("page_size", 50, minimum=1, maximum=MAX_PAGE_SIZE)
    max_site_mb = table.number("max_site_mb", 1000.0, minimum=0.001)
    table.finish()
    return BuildConfig(
        output=root / (output or "output"),
        templates=root / (templates or "templates"),
        static=root / (static or "static"),
        page_size=page_size,
        max_site_mb=max_site_mb,
    )


def _parse_fetch(table: TableReader) -> FetchConfig:
    fetch = FetchConfig(
        timeout=table.number("timeout", 30.0, minimum=0.01),
        retries=table.integer("retries", 4, minimum=0),
        backoff=table.number("backoff", 2.0, minimum=0.0),
        max_backoff=table.number("max_backoff", 60.0, minimum=0.0),
        max_wait=table.number("max_wait", 600.0, minimum=0.0),
        heal_days=table.integer("heal_days", 14, minimum=0),
        give_up_after=table.integer("give_up_after", 3, minimum=1),
        deadline=table.number("deadline", 120.0, minimum=0.01),
        max_download_mb=table.number("max_download_mb", 20.0, minimum=0.001),
        max_decoded_mb=table.number("max_decoded_mb", 50.0, minimum=0.001),
        initial_days=table.integer("initial_days", 14, minimum=1),
    )
    table.finish()
    return fetch
