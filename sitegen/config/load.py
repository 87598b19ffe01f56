"""Read `sitegen.toml` into frozen dataclasses, reporting every problem at once.

Paths in the file are relative to the file itself, so `sitegen --config fork/sitegen.toml`
works from any directory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.email import EmailConfig, parse_email
from sitegen.config.reader import TableReader
from sitegen.config.values import hostname_problem, http_url_problem, site_url_problem
from sitegen.errors import ConfigError
from sitegen.output.folder import output_folder_problem
from sitegen.rules.terms import DEFAULT_FIELDS
from sitegen.rules.topic import TopicRuleError, compile_topic

DEFAULT_CONFIG_NAME = "sitegen.toml"
# Used for absolute feed links when neither [site] base_url nor GITHUB_REPOSITORY says where the
# site lives: it is where `sitegen serve` listens by default.
LOCAL_PREVIEW_URL = "http://127.0.0.1:8000/"
# These patterns are used with fullmatch: `$` would also accept a value ending in "\n".
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Git branch names we accept for [publish] branch (a safe subset of git check-ref-format).
_BRANCH = re.compile(r"(?!.*\.\.)(?!.*//)[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")
# arXiv category names: "cs.LG", "quant-ph", "astro-ph.GA", "q-bio.NC".
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")
_CONTACT = re.compile(r"(?:[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+|https?://[^\s<>()]+)")
# GITHUB_REPOSITORY as Actions sets it: owner/name, in the characters GitHub allows.
_GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")
RESERVED_SLUGS = frozenset({"all", "index", "weekly", "orgs"})  # feeds/weekly.*, feeds/orgs.opml
# Every topic adds a paginated listing and three feeds holding up to every paper of the archive,
# so the site grows with topics x papers; these caps keep a typo or a generated config from
# filling the disk (10,000 topics once wrote 77 GB) or making pages no browser can open.
MAX_TOPICS = 200
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
    feed_items: int = 10  # newest papers in each organization's feeds (there are hundreds of them)


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
class HuggingFaceConfig:
    base_url: str
    refetch_days: int = 3


@dataclass(frozen=True)
class ArxivConfig:
    categories: tuple[str, ...]
    include_cross_lists: bool = True
    base_url: str = "https://arxiv.org"  # listing pages: {base_url}/list/<cat>/new
    api_base_url: str = "https://export.arxiv.org"  # backfill: {api_base_url}/api/query
    contact: str | None = None  # an e-mail for the User-Agent, as arXiv asks
    request_interval: float = 3.0  # seconds between requests; arXiv asks for at least 3
    holidays: tuple[dt.date, ...] = ()  # days arXiv announces nothing (besides weekends)


@dataclass(frozen=True)
class SourcesConfig:
    huggingface: HuggingFaceConfig | None
    arxiv: ArxivConfig | None = None

    def names(self) -> tuple[str, ...]:
        """Configured sources in fetch order."""
        return tuple(name for name in ("huggingface", "arxiv") if getattr(self, name) is not None)


@dataclass(frozen=True)
class TopicConfig:
    """One topic as written in the config; `sitegen.rules` compiles it (see README, Topic rules)."""

    slug: str
    title: str
    description: str
    any: tuple[str, ...] = ()  # one of these terms must match (if any are given)
    none: tuple[str, ...] = ()  # none of these may match
    max_items: int | None = None
    all: tuple[str, ...] = ()  # each entry must match; "|" separates alternatives
    fields: tuple[str, ...] = ("title", "abstract")  # where unscoped terms are looked for
    min_upvotes: int = 0
    categories: tuple[str, ...] = ()  # arXiv categories, any of ("cs.CL", or a whole archive "cs")
    query: str | None = None  # a boolean expression instead of the lists


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
        feed_items=orgs_table.integer("feed_items", 10, minimum=1),
    )
    orgs_table.finish()
    fetch = _parse_fetch(top.subtable("fetch"))
    sources = _parse_sources(top.subtable("sources"))
    topics = _parse_topics(top.subtable("topics"))
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


def _parse_sources(table: TableReader) -> SourcesConfig:
    huggingface = None
    if table.has("huggingface"):
        hf = table.subtable("huggingface")
        base_url = _url(hf, "base_url", "https://huggingface.co")
        huggingface = HuggingFaceConfig(
            base_url=base_url,
            refetch_days=hf.integer("refetch_days", 3, minimum=1),
        )
        hf.finish()
    arxiv = _parse_arxiv(table.subtable("arxiv")) if table.has("arxiv") else None
    table.finish()
    return SourcesConfig(huggingface=huggingface, arxiv=arxiv)


def _url(table: TableReader, key: str, default: str) -> str:
    value = table.text(key, default, nonempty=True)
    if isinstance(value, str):
        problem = http_url_problem(value, example=default)
        if problem:
            table.problem(table.key_path(key), problem)
            value = default
    return (value if isinstance(value, str) else default).rstrip("/")


def _parse_arxiv(table: TableReader) -> ArxivConfig:
    if not table.has("categories") or table.table.get("categories") == []:
        table.problem(table.key_path("categories"), 'is required: list the arXiv categories to follow, e.g. ["cs.LG", "cs.CL"]')
    categories = table.text_list("categories")
    for index, category in enumerate(categories):
        if not _ARXIV_CATEGORY.fullmatch(category):
            where = f"{table.key_path('categories')}[{index}]"
            table.problem(where, f'{category!r} is not an arXiv category name such as "cs.LG" or "quant-ph"')
    contact = table.text("contact", None)
    if isinstance(contact, str) and not _CONTACT.fullmatch(contact):
        table.problem(
            table.key_path("contact"),
            f"must be an e-mail address or an http(s) URL (it goes into the User-Agent), got {contact!r}",
        )
        contact = None
    holidays: list[dt.date] = []
    for index, raw in enumerate(table.text_list("holidays")):
        try:
            holidays.append(dt.date.fromisoformat(raw))
        except ValueError:
            table.problem(f"{table.key_path('holidays')}[{index}]", f"must be a date YYYY-MM-DD, got {raw!r}")
    arxiv = ArxivConfig(
        categories=tuple(dict.fromkeys(categories)),
        include_cross_lists=table.boolean("include_cross_lists", True),
        base_url=_url(table, "base_url", "https://arxiv.org"),
        api_base_url=_url(table, "api_base_url", "https://export.arxiv.org"),
        contact=contact,
        request_interval=table.number("request_interval", 3.0, minimum=0.0),
        holidays=tuple(sorted(set(holidays))),
    )
    table.finish()
    return arxiv


def _parse_topics(table: TableReader) -> tuple[TopicConfig, ...]:
    topics: list[TopicConfig] = []
    _check_topic_count(table)
    for slug in table.table:
        topic = table.subtable(slug)
        if not _SLUG.fullmatch(slug):
            table.problem(
                topic.path,
                "a topic's key is its URL slug: use lower-case letters, digits and hyphens, e.g. [topics.llm-reasoning]",
            )
        elif slug in RESERVED_SLUGS:
            table.problem(topic.path, f'"{slug}" is reserved (feeds/{slug}.* is used by the site); choose another slug')
        title = topic.text("title", nonempty=True, line=True)
        query = topic.text("query", "")
        config = TopicConfig(
            slug=slug,
            title=title or slug,
            description=topic.text("description", ""),
            any=topic.text_list("any"),
            none=topic.text_list("none"),
            max_items=topic.integer("max_items", None, minimum=1),
            all=topic.text_list("all"),
            fields=topic.text_list("fields", DEFAULT_FIELDS) or DEFAULT_FIELDS,
            min_upvotes=topic.integer("min_upvotes", 0, minimum=0),
            categories=topic.text_list("categories"),
            query=query if isinstance(query, str) and query.strip() else None,
        )
        topic.finish()
        topics.append(config)
        # Terms, regexes and the query are compiled now, so a bad rule is a config problem
        # reported with its key path (and column) together with every other problem.
        try:
            compile_topic(config)
        except TopicRuleError as error:
            for key, message in error.problems:
                topic.problem(topic.key_path(key), message)
    table.finish()
    # The owner's order is the display order (tomllib keeps it, so it is deterministic).
    return tuple(topics)


def _check_topic_count(table: TableReader) -> None:
    count = len(table.table)
    if count > MAX_TOPICS:
        table.problem(
            table.path,
            f"{count} topics are configured; at most {MAX_TOPICS} are allowed (each adds pages and feeds that can hold "
            "every paper): remove or merge topics",
        )
