"""The build, top to bottom: inputs, store, tags, site model, plan, write, report.

1. The theme (templates, static files, about.md) and the output state (the writer and its
   cache, output/writer.py) are opened; when every input's digest equals the last complete
   build's (output/inputs.py), there is nothing to do and the store is not even loaded.
2. The store is loaded; papers are tagged (tags of unchanged papers come from the cache) and
   the site model is built from papers and tags (site/site.py, pure).
3. The search index brings its own chunks up to date (search/index.py), first: its workers
   fork while the build holds only the archive and the model. Everything the renderers show
   besides the model is read here (week rankings, related papers, source health, the e-mail
   digest's status), so rendering does no I/O.
4. Every output (pages, feeds, site files) is planned as paths, a key (a digest of its inputs,
   see output/fingerprint.py) and a way to render it; writing the plan (output/plan.py) skips
   what the last build wrote from the same key and renders the rest on every core. So a daily
   build touches only the new day, its neighbours, the affected topic pages and feeds, and the
   site-wide pages.
5. The writer removes what the site no longer has (only files it wrote) and saves its cache.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.build_progress import BuildProgress
from sitegen.config.load import Config
from sitegen.config.theme import ABOUT_FILE, read_about, static_files
from sitegen.errors import BuildError
from sitegen.gcpause import gc_paused
from sitegen.output.build_cache import Inputs, PaperPages, kept_tags, peek_inputs
from sitegen.output.fingerprint import theme_fingerprint
from sitegen.output.folder import check_output_folder
from sitegen.output.inputs import FileStamp, changed_files, inputs_digest, store_stamps
from sitegen.output.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestUnreadable,
    parse_manifest,
    shrink_problem,
)
from sitegen.output.write_report import WriteReport
from sitegen.publish.site_size import Section, SiteSize
from sitegen.publish.size_budget import SizeBudget
from sitegen.publish.size_ledger import LastSizes, built_site_size

if TYPE_CHECKING:  # the pipeline's own modules are imported in build(), when there is something to build
    from sitegen.search.index import SearchIndexReport

Output = tuple[str, bytes]
# Written by the search stage after the pages, not by the plan: the writer must not prune it.
SEARCH_INDEX = "search/index"
# What the search stages keep between builds (search/related_state.py, search/index_state.py),
# never published.
SEARCH_STATE = ".sitegen-search"


@dataclass(frozen=True)
class BuildReport:
    papers: int
    days: int
    write: WriteReport
    output: Path
    search: SearchIndexReport | None  # None: a build with nothing to do left the index alone
    # One line each: a topic's regex that ran out of time on a paper, a paper whose TeX is
    # beyond the converter's bounds (shown as written).
    warnings: tuple[str, ...] = ()
    # The built site's size against [build] max_site_mb (publish/size_budget.py).
    size: SizeBudget | None = None

    def summary(self) -> str:
        return (
            f"built {self.papers} paper(s) over {self.days} day(s) into {self.output}: "
            f"{len(self.write.written)} file(s) written, {self.write.unchanged} unchanged, {len(self.write.removed)} removed; "
            f"{self.search.summary() if self.search else 'search index: unchanged, 0 rebuilt'}"
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
    # The theme, read first: a link out of static/ (config/theme.py) stops the build before anything is written.
    statics = list(static_files(config.build.static))
    about = read_about(config.root)
    theme = theme_fingerprint(config.path, config.build.templates, (config.root / ABOUT_FILE,), repr(config.site))
    with gc_paused():
        with progress.stage("inputs") as detail:
            # Only the inputs part of the output state's cache is read to decide this.
            last = peek_inputs(output) or Inputs()
            stamps = store_stamps(config.store.path, last.store_files)
            inputs = inputs_digest(config, output, theme, stamps, statics)
            if last.digest == inputs:
                detail("unchanged since the last build, nothing to do")
                return _nothing_to_do(last, output, config.build.max_site_mb)
            detail(f"{len(stamps)} store file(s)")
        # The output state (the writer and its cache), opened before the store is read, so a
        # folder that is not sitegen's is refused first.
        from sitegen.output.writer import SiteWriter

        writer = SiteWriter(output, keep=(SEARCH_INDEX,))
        # Imported only now that there is something to build: the rendering side (Jinja, lxml,
        # NumPy, SciPy) takes longer to import than a no-change build takes altogether.
        from sitegen import build_plan as steps
        from sitegen.digest.ledger import digest_status
        from sitegen.output.plan import write_plan
        from sitegen.output.settled import (
            LastBuild,
            changed_papers,
            first_changed_day,
            relinked_papers,
            settle_paper_pages,
            settled_papers,
            showing,
            unchanged_outputs,
        )
        from sitegen.rules.tag_all import tag_archive
        from sitegen.search.index import write_search_index
        from sitegen.search.keys import PaperKeys
        from sitegen.search.related_state import update_related
        from sitegen.site.feed_items import KeptItems
        from sitegen.site.orgs import build_orgs, linked_slugs
        from sitegen.site.periods import MONTH, WEEK, build_periods, by_first_day, completed
        from sitegen.site.site import build_model
        from sitegen.store.health import source_statuses
        from sitegen.store.store import Store
        from sitegen.store.weekly import FOLDER as WEEKS_FOLDER
        from sitegen.store.weekly import read_week_rankings, record_week_rankings

        with progress.stage("store") as detail:
            # Day files unchanged since the last build are not decoded: their papers are made
            # from kept listing records, the rest read when first asked (store/listed.py).
            store = Store(config.store.path)
            listing = store.load_listed({path: stamp[2] for path, stamp in stamps.items()}, writer.listing)
            papers = store.papers()
            versions = store.paper_versions()
            detail(f"{len(papers)} paper(s)")
        with progress.stage("topics") as detail:
            # Tags of papers whose store version and rules are unchanged come from the cache.
            tags, tagging = tag_archive(config.topics, papers, writer.cache.tags_for(theme, versions) if writer.cache else {})
            # What the last build saw of each paper: its pages and TeX warnings need not be made again.
            last_build = LastBuild.of(writer.cache, theme)
            model = build_model(config, papers, tags, tagging)
            detail(f"{sum(map(len, model.papers_by_topic.values()))} tag(s) on {len(papers)} paper(s)")
        manifest = Manifest(papers=len(papers), days=len(model.days), newest_day=model.days[-1] if model.days else None)
        if not allow_shrink:
            _refuse_shrink(output, manifest)
        writer.claim()
        # Weeks, months and organizations (browse_pages.py, browse_feeds.py); each week's ranking
        # is recorded in the store once the week has ended (store/weekly.py).
        newest_day = model.days[-1] if model.days else None
        first_days = by_first_day(model.newest_first)
        weeks = build_periods(WEEK, first_days, newest_day)
        months = build_periods(MONTH, first_days, newest_day)
        orgs = build_orgs(model.newest_first, config.orgs)
        ended = completed(weeks)
        rankings_before = read_week_rankings(config.store.path)
        recorded = record_week_rankings(
            config.store.path,
            ((week.key, [p.arxiv_id for p in week.papers]) for week in ended if week.key not in rankings_before),
            rankings_before,
        )
        oldest_first = model.newest_first[::-1]
        keys = PaperKeys.of(oldest_first, versions)  # the papers' ids and versions, for both search stages
        with progress.stage("search index") as detail:
            # Before the related papers and the pages, while the build holds only the archive and
            # the model: the workers indexing the largest chunks fork from the smallest build
            # (peak memory of a full build). Kept apart from the plan: it brings its own chunks
            # up to date (search/index.py).
            search = write_search_index(
                output / SEARCH_INDEX, oldest_first, state=output / SEARCH_STATE / "index.msgpack", keys=keys
            )
            detail(search.summary().removeprefix("search index: "))
        with progress.stage("related papers") as detail:
            # Only the days the kept state does not hold are computed (search/related_state.py).
            found = update_related(output / SEARCH_STATE / "related", oldest_first, keys=keys)
            related, search_warnings, related_state = found.lists, found.warnings, found.saved
            detail(f"{found.computed} paper(s) computed")
        # The last build's tags are merged in by now: only its file entries (writer.previous)
        # are still needed, so the rest goes before the forks.
        writer.cache = None
        # What the site-wide pages show besides the papers, read here so rendering reads nothing:
        # source health from the ledgers (no wall clock) and the e-mail digest's last send.
        statuses = source_statuses(
            config.sources.names(), store, Counter(source for paper in papers.values() for source in paper.sources)
        )
        digest_sent = digest_status(config.store.path)
        with progress.stage("plan") as detail:
            # Paper pages whose inputs are the last build's are kept without being keyed
            # (output/settled.py); the others are planned with everything else. The pages showing a
            # paper whose organization got (or lost) its page are planned wherever they are.
            org_links = linked_slugs(orgs)
            relinked = relinked_papers(last_build, papers.values(), org_links)
            changed = changed_papers(last_build, versions)
            unchanged = settled_papers(last_build, oldest_first, papers, changed, (found.read, found.computed))
            paper_pages, kept_pages = settle_paper_pages(writer, oldest_first, unchanged, showing(relinked, related))
            # So are day, topic and week and month pages made only of papers listed before the
            # first day that changed.
            changed_day = first_changed_day(last_build, papers, changed, changed_files(last.store_files, stamps))
            unchanged_pages, kept_outputs = unchanged_outputs(writer, changed_day, relinked)
            rankings = {week.key: recorded[week.key] for week in ended}
            # The feed items of the papers the last build's feeds showed, still current (feed_cache.py).
            feed_items = KeptItems(writer.feed_items(theme, versions))
            shown = steps.Shown(
                model, versions, theme, weeks, months, orgs, rankings, related, statuses, digest_sent, about, manifest, statics,
                paper_pages=paper_pages, kept_pages=kept_pages, unchanged=unchanged_pages, kept_outputs=kept_outputs,
                feed_items=feed_items,
            )
            plan = steps.plan_site(config, shown)
            detail(f"{len(plan)} output(s), {len(kept_pages)} paper and {len(kept_outputs)} other page(s) known unchanged")
        with progress.stage("write") as detail:
            rendered = write_plan(plan, writer, workers, progress.pages)
            writer.report.rendered += sum(item.kind == "page" for item in rendered)
            detail(f"{len(rendered)} rendered of {len(plan)} planned")
        del plan, rendered, shown, related, found
        # Last: the cache says the whole site is up to date.
        tex = steps.tex_warnings(papers, versions, last_build, changed)
        input_warnings = (*model.tagging.warning_lines(), *(line for lines in tex.values() for line in lines))
        recorded_files = {f"{WEEKS_FOLDER}/{key}.json" for key in recorded.keys() - rankings_before.keys()}
        settled = _settled_inputs(config, output, theme, (inputs, stamps), statics, recorded_files, not model.tagging.incomplete)
        measured: list[SizeBudget] = []

        def settled_inputs() -> Inputs:
            # After the writer pruned what the site no longer has: the size the next build repeats.
            # From the writer's entries and a ledger of sizes, not a walk of 100,000 files (size_ledger.py).
            # Only the paths this build recorded again or removed are looked at (LastSizes).
            last_sizes = LastSizes(writer.previous, writer.previous_sections, writer.recorded) if writer.previous else None
            size, file_sections = built_site_size(output, writer.entries, SEARCH_INDEX, last_sizes)
            measured.append(SizeBudget(size, config.build.max_site_mb))
            return Inputs(
                digest=settled[0],
                store_files=settled[1],
                papers=len(papers),
                days=len(model.days),
                warnings=list(input_warnings),
                site=[(s.name, s.bytes, s.files) for s in measured[0].size.sections],
                file_sections=file_sections,
            )

        report = writer.finish(
            theme=theme,
            # Tags left incomplete by a regex timeout are not kept: the next build tries them again.
            tags=kept_tags(papers, versions, model.tags, model.tagging.incomplete),
            pages=PaperPages(org_links=org_links, related_state=related_state, tex_warnings=tex),
            listing=listing,
            inputs=settled_inputs,
            # Items of papers whose tagging was cut short are made again next time, as their tags.
            feed_items={i: (versions[i], item) for i, item in feed_items.to_keep().items() if i not in model.tagging.incomplete},
        )
    return BuildReport(
        papers=len(papers),
        days=len(model.days),
        write=report,
        output=output,
        search=search,
        # A search state that could not be read is said once (it is rebuilt), not repeated.
        warnings=(*report.warnings, *input_warnings, *search_warnings, *search.warnings),
        size=measured[0],
    )


def _settled_inputs(
    config: Config,
    output: Path,
    theme: bytes,
    read: tuple[bytes, dict[str, FileStamp]],
    statics: list[tuple[str, bytes]],
    written: set[str],
    complete: bool,
) -> tuple[bytes, dict[str, FileStamp]]:
    """The inputs digest the next build may skip on (empty: it may not), and the store stamps.

    The build itself writes week rankings into the store; those files are stamped again so that
    the next build with nothing new is skipped. Any other store file that changed meanwhile (a
    fetch running alongside) means this build did not see it: then nothing is settled."""
    inputs, stamps = read
    if not written:
        return (inputs if complete else b""), stamps
    after = store_stamps(config.store.path, stamps)
    changed = changed_files(stamps, after)
    if not complete or changed != written:
        return b"", after
    return inputs_digest(config, output, theme, after, statics), after


def _nothing_to_do(last: Inputs, output: Path, max_site_mb: float) -> BuildReport:
    """The report of a build whose inputs all equal the last complete build's: nothing is read
    beyond the digests, nothing written; the last build's warnings about its inputs still hold."""
    return BuildReport(
        papers=last.papers,
        days=last.days,
        write=WriteReport(unchanged=last.outputs),
        output=output,
        search=None,
        warnings=tuple(last.warnings),
        size=SizeBudget(SiteSize(tuple(Section(*section) for section in last.site)), max_site_mb),
    )


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
