"""The build stage, top to bottom: config, store, model, pages and feeds, write."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import Config
from sitegen.errors import BuildError
from sitegen.manifest import MANIFEST_NAME, Manifest, ManifestUnreadable, parse_manifest, shrink_problem
from sitegen.render.feeds import FeedRenderer
from sitegen.render.pages import PageRenderer
from sitegen.render.plumbing import robots, sitemap
from sitegen.render.site import build_model
from sitegen.render.status import SourceStatus, source_statuses, status_json
from sitegen.render.templating import make_environment
from sitegen.render.writer import WriteReport, write_plan
from sitegen.search_index import SearchIndexReport, write_search_index
from sitegen.store import Store

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

    def summary(self) -> str:
        return (
            f"built {self.papers} paper(s) over {self.days} day(s) into {self.output}: "
            f"{len(self.write.written)} file(s) written, {self.write.unchanged} unchanged, {len(self.write.removed)} removed; "
            f"{self.search.summary()}"
        )


def build(config: Config, output: Path | None = None, *, allow_shrink: bool = False) -> BuildReport:
    output = output or config.build.output
    store = Store(config.store.path)
    papers = store.papers()
    statuses = source_statuses(config, store)
    model = build_model(config, papers)
    manifest = Manifest(papers=len(papers), days=len(model.days), newest_day=model.days[-1] if model.days else None)
    if not allow_shrink:
        _refuse_shrink(output, manifest)
    env = make_environment(config.build.templates)
    plan = _plan(PageRenderer(env, model), FeedRenderer(env, model), config.build.static, manifest, config.site.cname, statuses)
    report = write_plan(output, plan, keep=(SEARCH_INDEX,))
    search = write_search_index(output / SEARCH_INDEX, tuple(reversed(model.newest_first)))
    return BuildReport(papers=len(papers), days=len(model.days), write=report, output=output, search=search)


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


def _plan(
    pages: PageRenderer, feeds: FeedRenderer, static: Path, manifest: Manifest, cname: str | None, statuses: tuple[SourceStatus, ...]
) -> Iterator[Output]:
    yield from pages.pages()
    yield from feeds.feeds()
    # Source health, from the ledgers only (no wall clock): status/ and status.json.
    yield pages.render("status.html", "status/index.html", sources=statuses, section="status")
    yield "status.json", status_json(statuses)
    base = pages.model.config.site.absolute_url
    yield from sitemap(base, pages.html_paths)
    yield robots(base)
    yield from _static_files(static)
    # GitHub Pages would otherwise run Jekyll and hide folders starting with "_".
    yield ".nojekyll", b""
    if cname:
        # GitHub Pages serves the site on this domain when the branch root has a CNAME file.
        yield "CNAME", f"{cname}\n".encode("ascii")
    yield MANIFEST_NAME, manifest.to_bytes()


def _static_files(static: Path) -> Iterator[Output]:
    if not static.is_dir():
        raise BuildError(f"{static}: static folder not found; set [build] static in sitegen.toml")
    for path in sorted(static.rglob("*")):
        if path.is_file():
            yield f"static/{path.relative_to(static).as_posix()}", path.read_bytes()
