"""What the site shows and the plan of its outputs: the rendering side of the build (build.py).

Imported by the build only when there is something to build: these modules bring Jinja, lxml,
NumPy and SciPy, whose import alone takes longer than a no-change build.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain

from sitegen.config.load import Config
from sitegen.digest.ledger import DigestStatus
from sitegen.output.fingerprint import digest
from sitegen.output.manifest import MANIFEST_NAME, Manifest
from sitegen.output.plan import Planned, planned_file
from sitegen.output.settled import LastBuild
from sitegen.site.browse_feeds import BrowseFeeds
from sitegen.site.browse_pages import BrowsePages
from sitegen.site.feed_channel import FORMATS
from sitegen.site.feed_items import KeptItems
from sitegen.site.feeds import FeedRenderer
from sitegen.site.orgs import Org
from sitegen.site.pages import Page, PageRenderer, RelatedLists, Unchanged
from sitegen.site.periods import Period
from sitegen.site.plumbing import robots, sitemap
from sitegen.site.site import SiteModel
from sitegen.site.status import status_json
from sitegen.site.templating import make_environment
from sitegen.store.health import SourceStatus
from sitegen.store.models import Paper
from sitegen.text.tex import tex_problem

Output = tuple[str, bytes]


@dataclass(frozen=True)
class Shown:
    """Everything the site shows, read and computed before planning (rendering reads nothing)."""

    model: SiteModel
    versions: dict[str, bytes]  # store version of each paper (for the keys)
    theme: bytes  # theme fingerprint (for the keys)
    weeks: Sequence[Period]
    months: Sequence[Period]
    orgs: Sequence[Org]
    rankings: dict[str, tuple[str, ...]]  # completed weeks: key -> arXiv ids, best first
    related: RelatedLists
    statuses: tuple[SourceStatus, ...]
    digest_sent: DigestStatus | None
    about: str | None  # about.md
    manifest: Manifest
    statics: list[Output]
    # The papers whose pages are planned, and the paths of the other paper pages, kept as the
    # last build wrote them (output/settled.py). None: every paper's page is planned.
    paper_pages: Sequence[Paper] | None = None
    kept_pages: Sequence[str] = ()
    # The day, topic and period pages the plan may keep unkeyed, and the list of those it kept.
    unchanged: Unchanged | None = None
    kept_outputs: list[str] = field(default_factory=list)
    # The last build's feed items still current, and (filled by the plan and the writer) this build's.
    feed_items: KeptItems = field(default_factory=KeptItems)


def plan_site(config: Config, shown: Shown) -> list[Planned]:
    """Every output of the site: pages, feeds and site files, each with its key (output/plan.py)."""
    model, versions, theme, orgs, statuses, digest_sent = (
        shown.model,
        shown.versions,
        shown.theme,
        shown.orgs,
        shown.statuses,
        shown.digest_sent,
    )
    env = make_environment(config.build.templates)
    # Before the PageRenderer: it loads the macros, which copy the globals when first loaded.
    browse = BrowsePages(env, model, shown.weeks, shown.months, orgs)
    pages = PageRenderer(env, model, shown.related, statuses, shown.about)

    # Asked about five times per paper (its day, topics, periods, organization, the pages it is
    # related from), so made once per paper, when first asked: a daily build asks about the
    # papers of the pages it plans, not the whole archive's. A card also shows whether its
    # organization has a page (a link) or not (plain text).
    org_links = {name: slug.encode("utf-8") for name, slug in browse.org_slugs.items()}
    paper_keys: dict[str, bytes] = {}

    def paper_key(paper: Paper) -> bytes:
        key = paper_keys.get(paper.arxiv_id)
        if key is None:
            organization = paper.organization
            key = versions[paper.arxiv_id] + (org_links.get(organization.name, b"") if organization else b"")
            paper_keys[paper.arxiv_id] = key
        return key

    # Source health and the e-mail digest's last send: the status page and status.json.
    status_page = Page("status/index.html", "status.html", {"sources": statuses, "digest": digest_sent, "section": "status"})
    page_plan = [
        *pages.pages(paper_key, theme, shown.paper_pages, shown.unchanged),
        *browse.pages(paper_key, theme, shown.unchanged),
        status_page,
    ]
    # Compile every template now, before the writer forks, so the workers share the compiled code.
    for name in {page.template for page in page_plan}:
        env.get_template(name)
    # Every global is set by now (the renderers above set theirs); see templating.py.
    env.freeze_globals()
    plan = [Planned((page.path,), page.key, partial(render_page, pages, page), "page") for page in page_plan]
    feeds = FeedRenderer(env, model, kept=shown.feed_items)
    browse_feeds = BrowseFeeds(feeds, shown.rankings, orgs)
    weekly = browse_feeds.weekly_jobs(theme, versions)
    org_feeds = browse_feeds.org_jobs(theme, versions)
    channels = feeds.channels()
    # The papers the feeds of everything, of the topics and of the weeks show: the items the next
    # build may take from this one's. Not the organizations' (3,500 more items at 100,000 papers,
    # 8 MB to read and write on every build): a day rewrites a dozen of those, a few items each.
    shown.feed_items.shown.update(p.arxiv_id for p in chain(*(papers for _, papers in channels), *(job.papers for job in weekly)))
    for channel, papers in channels:
        key = digest(theme, b"feed", channel.slug, *(versions[p.arxiv_id] for p in papers))
        plan.append(
            Planned(
                tuple(channel.feed_path(kind) for kind in FORMATS), key, partial(feeds.channel_files, channel, papers), "feed"
            )
        )
    for job in [*weekly, *org_feeds]:
        plan.append(Planned(tuple(job.channel.feed_path(kind) for kind in FORMATS), job.key, job.render, "feed"))
    site_files = [feeds.opml([*(channel for channel, _ in channels), *(job.channel for job in weekly)])]
    if config.orgs.enabled:
        site_files.append(browse_feeds.orgs_opml(org_feeds))
    html = [*(page.path for page in page_plan if page.path != "404.html"), *shown.kept_pages, *shown.kept_outputs]
    site_files += [
        ("status.json", status_json(statuses, digest_sent.to_json() if digest_sent else None)),
        *site_files_of(config, html, shown.manifest),
        *shown.statics,
    ]
    return plan + [planned_file(path, content) for path, content in site_files]


def render_page(pages: PageRenderer, page: Page) -> list[Output]:
    return [(page.path, pages.render(page))]


def tex_warnings(
    papers: Mapping[str, Paper],
    versions: Mapping[str, bytes],
    last: LastBuild | None = None,
    changed: Collection[str] | None = None,
) -> dict[str, list[str]]:
    """Per paper, one line per text the TeX converter refused (too long or too deeply nested):
    the pages and feeds show it as written, and the owner learns which paper it is. Papers the
    last build saw at the same store version (under the same theme) are not converted again:
    only the `changed` ones are (output/settled.py changed_papers; None: every paper)."""
    if last is None or changed is None:
        known: Mapping[str, list[str]] = {}
        again: Iterable[str] = papers
    else:
        known, again = last.pages.tex_warnings, changed
    warnings = {arxiv_id: lines for arxiv_id, lines in known.items() if arxiv_id in papers and arxiv_id not in again}
    for arxiv_id in again:
        paper = papers[arxiv_id]
        lines = [
            f"paper {arxiv_id}: {field} shown as written, TeX not converted: {problem}"
            for field, text in (("title", paper.title), ("abstract", paper.abstract), ("AI summary", paper.ai_summary or ""))
            if (problem := tex_problem(text))
        ]
        if lines:
            warnings[arxiv_id] = lines
    # By id: the same warnings in the same order whichever build found them.
    return dict(sorted(warnings.items()))


def site_files_of(config: Config, html_paths: list[str], manifest: Manifest) -> Iterator[Output]:
    """The site-wide files, cheap enough to make on every build."""
    base = config.site.absolute_url
    yield from sitemap(base, html_paths)
    yield robots(base)
    # GitHub Pages would otherwise run Jekyll and hide folders starting with "_".
    yield ".nojekyll", b""
    if config.site.cname:
        # GitHub Pages serves the site on this domain when the branch root has a CNAME file.
        yield "CNAME", f"{config.site.cname}\n".encode("ascii")
    yield MANIFEST_NAME, manifest.to_bytes()
