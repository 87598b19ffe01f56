"""The build stage, top to bottom: config, store, model, plan, render what changed, write.

Every page and feed is planned with a key (a digest of its inputs, see output/fingerprint.py).
What the last build wrote from the same key is neither rendered nor written again, and the rest
is rendered on every core; so a daily build of a large archive touches only the new day, its
neighbours, the affected topic pages and feeds, and the site-wide pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from sitegen.build_progress import BuildProgress
from sitegen.config.load import Config
from sitegen.digest.ledger import digest_status
from sitegen.errors import BuildError
from sitegen.gcpause import gc_paused
from sitegen.output.build_cache import BuildCache
from sitegen.output.fingerprint import digest, theme_fingerprint
from sitegen.output.folder import check_output_folder
from sitegen.output.manifest import MANIFEST_NAME, Manifest, ManifestUnreadable, parse_manifest, shrink_problem
from sitegen.output.parallel import render_all
from sitegen.output.writer import SiteWriter, WriteReport
from sitegen.publish.size_budget import SizeBudget, check_site_size
from sitegen.search.index import SearchIndexReport, write_search_index
from sitegen.search.related import Related, chain_keys, related_papers, word_counts
from sitegen.site.browse_feeds import BrowseFeeds, FeedJob
from sitegen.site.browse_pages import BrowsePages
from sitegen.site.feed_channel import FORMATS, Channel
from sitegen.site.feeds import FeedRenderer
from sitegen.site.orgs import build_orgs
from sitegen.site.pages import ABOUT_FILE, Page, PageRenderer
from sitegen.site.periods import MONTH, WEEK, build_periods, completed
from sitegen.site.plumbing import robots, sitemap
from sitegen.site.site import SiteModel, build_model
from sitegen.site.static_files import static_files
from sitegen.site.status import SourceStatus, source_statuses, status_json
from sitegen.site.templating import make_environment
from sitegen.store import Store
from sitegen.store.models import Paper
from sitegen.store.weekly import read_week_rankings, record_week_rankings
from sitegen.text.tex import tex_problem

Output = tuple[str, bytes]
# Written by the search stage after the pages, not by the plan: the writer must not prune it.
SEARCH_INDEX = "search/index"


@dataclass(frozen=True)
class BuildReport:
    papers: int
    days: int
    write: WriteReport
    output: Path
    search: SearchIndexReport
    # One line each: a topic's regex that ran out of time on a paper, a paper whose TeX is
    # beyond the converter's bounds (shown as written).
    warnings: tuple[str, ...] = ()
    # The built site's size against [build] max_site_mb (publish/size_budget.py).
    size: SizeBudget | None = None

    def summary(self) -> str:
        return (
            f"built {self.papers} paper(s) over {self.days} day(s) into {self.output}: "
            f"{len(self.write.written)} file(s) written, {self.write.unchanged} unchanged, {len(self.write.removed)} removed; "
            f"{self.search.summary()}"
        )


def build(
    config: Config,
    output: Path | None = None,
    *,
    allow_shrink: bool = False,
    workers: int | None = None,
    progress: BuildProgress | None = None,
) -> BuildReport:
    if output is not None:
        # --output X: the same rules as [build] output, checked before anything is read or written.
        check_output_folder(output, config, "--output")
    output = output or config.build.output
    progress = progress or BuildProgress()
    # Read first: a link out of static/ (static_files.py) stops the build before anything is written.
    statics = list(static_files(config.build.static))
    with gc_paused():
        # First, so a folder that is not sitegen's is refused before the store is even read.
        writer = SiteWriter(output, keep=(SEARCH_INDEX,))
        with progress.stage("store") as detail:
            store = Store(config.store.path)
            papers = store.papers()
            versions = store.paper_versions()
            detail(f"{len(papers)} paper(s)")
        theme = theme_fingerprint(config.path, config.build.templates, (config.root / ABOUT_FILE,))
        with progress.stage("topics") as detail:
            model = build_model(config, papers, writer.cache.tags_for(theme, versions) if writer.cache else {})
            detail(f"{sum(map(len, model.papers_by_topic.values()))} tag(s) on {len(papers)} paper(s)")
        manifest = Manifest(papers=len(papers), days=len(model.days), newest_day=model.days[-1] if model.days else None)
        if not allow_shrink:
            _refuse_shrink(output, manifest)
        writer.claim()
        # Weeks, months and organizations (browse_pages.py, browse_feeds.py).
        newest_day = model.days[-1] if model.days else None
        weeks = build_periods(WEEK, model.newest_first, newest_day)
        months = build_periods(MONTH, model.newest_first, newest_day)
        orgs = build_orgs(model.newest_first, config.orgs)
        # Each week's ranking is recorded in the store once the week has ended (store/weekly.py).
        ended = completed(weeks)
        recorded = record_week_rankings(
            config.store.path,
            ((week.key, [p.arxiv_id for p in week.papers]) for week in ended),
            read_week_rankings(config.store.path),
        )
        rankings = {week.key: recorded[week.key] for week in ended}
        env = make_environment(config.build.templates)
        # Before the PageRenderer: it loads the macros, which copy the globals when first loaded.
        browse = BrowsePages(env, model, weeks, months, orgs)
        with progress.stage("related papers"):
            related, related_cache = _related_papers(model, versions, _related_state(writer.cache), theme)
        # Source health from the ledgers (no wall clock), for the status page and an empty index.
        statuses = source_statuses(config, store, Counter(source for paper in papers.values() for source in paper.sources))
        pages = PageRenderer(env, model, related, statuses)

        def paper_key(paper: Paper) -> bytes:
            # A card also shows whether its organization has a page (a link) or not (plain text).
            org = browse.org_link(paper.organization.name) if paper.organization else ""
            return versions[paper.arxiv_id] + org.encode("utf-8")

        with progress.stage("pages") as detail:
            plan = [*pages.pages(paper_key, theme), *browse.pages(paper_key, theme)]
            rendered = _write_pages(pages, plan, writer, workers, progress)
            detail(f"{rendered} rendered of {len(plan)} planned")
        with progress.stage("feeds and site files"):
            feeds = FeedRenderer(env, model)
            browse_feeds = BrowseFeeds(feeds, rankings, orgs)
            weekly = browse_feeds.weekly_jobs(theme, versions)
            _write_feeds(feeds, theme, versions, writer, [job.channel for job in weekly])
            org_feeds = browse_feeds.org_jobs(theme, versions)
            _write_feed_jobs([*weekly, *org_feeds], writer)
            if config.orgs.enabled:
                writer.put(*browse_feeds.orgs_opml(org_feeds))
            for path, content in [*_site_files(pages, statuses, config, manifest), *statics]:
                writer.put(path, content)
            # Tags left incomplete by a regex timeout are not kept: the next build tries them again.
            complete = [i for i in papers if i not in model.tagging.incomplete]
            report = writer.finish(
                theme=theme,
                tags={i: (versions[i], model.tags[i]) for i in complete},
                related=related_cache["related"],  # type: ignore[arg-type]
                related_counts=related_cache["related_counts"],  # type: ignore[arg-type]
            )
        with progress.stage("search index") as detail:
            search = write_search_index(output / SEARCH_INDEX, tuple(reversed(model.newest_first)), versions)
            detail(search.summary().removeprefix("search index: "))
    size = check_site_size(output, config.build.max_site_mb)
    return BuildReport(
        papers=len(papers),
        days=len(model.days),
        write=report,
        output=output,
        search=search,
        warnings=(*report.warnings, *model.tagging.warning_lines(), *tex_warnings(papers.values())),
        size=size,
    )


def _related_papers(
    model: SiteModel, versions: dict[str, bytes], extra: dict[str, object], theme: bytes
) -> tuple[dict[str, tuple[Related, ...]], dict[str, object]]:
    """Every paper's related papers, computed only for papers whose key changed (see related.py:
    a paper's list depends on the papers listed up to its day, so a new day computes its own),
    and what to keep for the next build: the lists as JSON bytes (the same lists give the same
    build-cache file) and each paper's word counts (read again only for changed papers)."""
    oldest_first = model.newest_first[::-1]
    keys = {i: key.hex() for i, key in chain_keys(oldest_first, versions).items()}
    known: dict[str, tuple[Related, ...]] = {}
    try:
        cached = orjson.loads(extra["related"]) if extra.get("theme") == theme else {}  # type: ignore[arg-type]
        for i, (key, lists) in cached.items():
            if keys.get(i) == key:
                known[i] = tuple(Related(other, tuple(shares)) for other, shares in lists)
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
        known = {}  # no cache, or one from another version: compute every list
    wanted = {i for i in keys if i not in known}
    counts = extra.get("related_counts") if extra.get("theme") == theme else None
    fresh: dict[str, tuple[Related, ...]] = {}
    if wanted:
        words, matrix, counts = word_counts(oldest_first, versions, counts)
        fresh = related_papers(oldest_first, wanted, (words, matrix))
    everything = {**known, **fresh}
    cache = {i: [keys[i], [[r.arxiv_id, list(r.shares)] for r in everything[i]]] for i in sorted(everything)}
    return everything, {"related": orjson.dumps(cache), "related_counts": counts}


def tex_warnings(papers: Iterable[Paper]) -> tuple[str, ...]:
    """One line per text the TeX converter refused (too long or too deeply nested): the pages
    and feeds show it as written, and the owner learns which paper it is."""
    warnings = []
    for paper in papers:
        for field, text in (("title", paper.title), ("abstract", paper.abstract), ("AI summary", paper.ai_summary or "")):
            problem = tex_problem(text)
            if problem:
                warnings.append(f"paper {paper.arxiv_id}: {field} shown as written, TeX not converted: {problem}")
    return tuple(warnings)


def _related_state(cache: BuildCache | None) -> dict[str, object]:
    """What the last build kept for `_related_papers`, from the typed build cache."""
    if cache is None:
        return {}
    return {"theme": cache.theme, "related": cache.related, "related_counts": cache.related_counts}


def _write_pages(pages: PageRenderer, plan: list[Page], writer: SiteWriter, workers: int | None, progress: BuildProgress) -> int:
    """Render and write the pages whose key changed; returns how many that was."""
    stale: list[Page] = []
    for page in plan:
        if writer.is_current(page.path, page.key):
            writer.keep_current(page.path)
        else:
            stale.append(page)
    writer.report.rendered += len(stale)
    # Compile every template before forking, so the workers share the compiled code.
    for name in {page.template for page in stale}:
        pages.env.get_template(name)
    with progress.pages(len(stale)) as advance:
        render_all(stale, lambda page: (page.path, pages.render(page), page.key), writer, workers, advance)
    pages.html_paths = [page.path for page in plan if page.path != "404.html"]
    return len(stale)


def _write_feeds(
    feeds: FeedRenderer, theme: bytes, versions: dict[str, bytes], writer: SiteWriter, more_in_opml: list[Channel]
) -> None:
    channels = feeds.channels()
    for channel, papers in channels:
        key = digest(theme, b"feed", channel.slug, *(versions[p.arxiv_id] for p in papers))
        paths = [channel.feed_path(kind) for kind in ("rss", "atom", "json")]
        if all(writer.is_current(path, key) for path in paths):
            for path in paths:
                writer.keep_current(path)
            continue
        for path, content in feeds.channel_files(channel, papers):
            writer.put(path, content, key)
    writer.put(*feeds.opml([*(channel for channel, _ in channels), *more_in_opml]))


def _write_feed_jobs(jobs: list[FeedJob], writer: SiteWriter) -> None:
    for job in jobs:
        paths = [job.channel.feed_path(kind) for kind in FORMATS]
        if all(writer.is_current(path, job.key) for path in paths):
            for path in paths:
                writer.keep_current(path)
            continue
        for path, content in job.render():
            writer.put(path, content, job.key)


def _site_files(pages: PageRenderer, statuses: tuple[SourceStatus, ...], config: Config, manifest: Manifest) -> Iterator[Output]:
    """The site-wide files, cheap enough to render on every build."""
    digest = digest_status(config.store.path)  # the e-mail digest's last send and last failure, if any
    # Source health, from the ledgers only (no wall clock): status/ and status.json.
    status_page = Page("status/index.html", "status.html", {"sources": statuses, "digest": digest, "section": "status"})
    yield status_page.path, pages.render(status_page)
    yield "status.json", status_json(statuses, digest.to_json() if digest else None)
    base = config.site.absolute_url
    yield from sitemap(base, [*pages.html_paths, status_page.path])
    yield robots(base)
    # GitHub Pages would otherwise run Jekyll and hide folders starting with "_".
    yield ".nojekyll", b""
    if config.site.cname:
        # GitHub Pages serves the site on this domain when the branch root has a CNAME file.
        yield "CNAME", f"{config.site.cname}\n".encode("ascii")
    yield MANIFEST_NAME, manifest.to_bytes()


def _refuse_shrink(output: Path, manifest: Manifest) -> None:
    """Stop before writing when the last build into `output` had more papers (see manifest.py)."""
    path = output / MANIFEST_NAME
    try:
        previous = parse_manifest(path.read_bytes())
    except FileNotFoundError:
        return
    except OSError as error:
        raise BuildError(f"{path}: cannot read ({error.strerror})") from None
    except ManifestUnreadable as error:
        raise BuildError(f"{path}: {error}; delete it (it is rewritten by every build) or pass --allow-shrink") from None
    problem = shrink_problem(previous, manifest, f"{output} (built before)", "build")
    if problem:
        raise BuildError(problem)
