"""Which paper pages a build need not plan: those whose inputs are known to be the last build's.

A paper page's key (site/pages.py) is made of the theme, the paper's store version and
organization link, and, for each of its related papers, the id, the shared words, the store
version and the organization link. Keying 100,000 pages costs seconds, and a daily build changes
few of them. Two facts tell most of them unchanged without keying them:
- a paper's related papers are listed on its day or before (search/related.py), so a change to a
  paper can only show on the pages of papers listed on its day or later;
- the related papers' state says which lists it kept from the last build: those of the oldest
  papers, up to the first paper it computed again (search/related_state.py).
So, oldest first, every paper page before the first day holding a changed paper (another store
version, organization link, or a paper the last build did not tag) and before the first list
computed again shows what the last build wrote: its key would be the same. Anything that cannot
be told settles nothing, and every page is keyed as before: no cache of this format, another
theme (templates, config, sitegen's code), or a related papers' state other than the one the last
complete build left (a build killed after saving it).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from sitegen.output.build_cache import BuildCache, PaperPages
from sitegen.output.writer import SiteWriter
from sitegen.site.pages import RelatedLists, Unchanged
from sitegen.store.models import Paper
from sitegen.store.store import Store


@dataclass(frozen=True)
class LastBuild:
    """What the last complete build saw of the papers, from its cache (built with this theme)."""

    versions: Mapping[str, bytes]  # store version per paper it tagged
    pages: PaperPages

    @classmethod
    def of(cls, cache: BuildCache | None, theme: bytes) -> LastBuild | None:
        if cache is None or not cache.complete or cache.theme != theme:
            return None
        return cls(cache.paper_versions(), cache.pages)


def changed_papers(last: LastBuild | None, versions: Mapping[str, bytes]) -> frozenset[str] | None:
    """The papers whose store version is not the one the last build saw (a paper it did not tag
    counts as changed); None: there is no last build to compare with. One pass over the archive
    for the three questions below."""
    if last is None:
        return None
    seen = last.versions.get
    return frozenset([arxiv_id for arxiv_id, version in versions.items() if seen(arxiv_id) != version])


def settled_papers(
    last: LastBuild | None,
    oldest_first: Sequence[Paper],
    papers: Mapping[str, Paper],
    changed: frozenset[str] | None,
    related: tuple[bytes, int],
) -> int:
    """How many of the oldest papers (by first day, then id) have a page whose inputs are the
    last build's but for organization links (see `relinked_papers`). `changed`: changed_papers;
    `related`: the digest of the related papers' state as this build read it, and how many of
    the newest papers' lists it computed (the others' it kept)."""
    related_read, related_computed = related
    if last is None or changed is None or not related_read or related_read != last.pages.related_state:
        return 0
    related_kept = max(len(oldest_first) - related_computed, 0)
    if not changed:
        return related_kept
    # The oldest changed paper, found by its place in the order, not by a walk over the archive.
    oldest = min((papers[arxiv_id].first_day, arxiv_id) for arxiv_id in changed)
    if bisect_left(oldest_first, oldest, key=_DAY_AND_ID) >= related_kept:
        return related_kept
    # Papers listed earlier the same day may list it among their related papers.
    return bisect_left(oldest_first, oldest[0], key=_FIRST_DAY)


_DAY_AND_ID = attrgetter("first_day", "arxiv_id")
_FIRST_DAY = attrgetter("first_day")


def relinked_papers(last: LastBuild | None, papers: Iterable[Paper], org_links: Mapping[str, str]) -> frozenset[str]:
    """The papers whose organization link changed (an organization got its page, or lost it):
    the pages that show them are planned again wherever they are, the others stay settled."""
    if last is None:
        return frozenset()
    before = last.pages.org_links
    changed = {name for name in before.keys() | org_links.keys() if before.get(name) != org_links.get(name)}
    if not changed:
        return frozenset()
    return frozenset(p.arxiv_id for p in papers if p.organization is not None and p.organization.name in changed)


def showing(papers: frozenset[str], related: RelatedLists) -> frozenset[str]:
    """`papers` and the papers that list one of them among their related papers."""
    if not papers:
        return papers
    return papers | {arxiv_id for arxiv_id, listed in related.items() if any(other in papers for other, _ in listed)}


def settle_paper_pages(
    writer: SiteWriter, oldest_first: Sequence[Paper], settled: int, replanned: frozenset[str] = frozenset()
) -> tuple[list[Paper], list[str]]:
    """Keep the pages of the `settled` oldest papers as the last build wrote them, but for those
    in `replanned`; returns the papers whose pages are to be planned and the paths kept."""
    older = oldest_first[:settled]
    if replanned:
        again = [paper for paper in older if paper.arxiv_id in replanned]
        older = [paper for paper in older if paper.arxiv_id not in replanned]
    else:
        again = []
    # Not through paper_dir's check of each id: these paths are only looked up among those the
    # last build wrote (a path it did not write is planned, and paper_dir checks it then).
    paths = [f"papers/{paper.arxiv_id}/index.html" for paper in older]
    missing = set(writer.keep_settled(paths))
    planned = [*reversed(oldest_first[settled:]), *again]
    if missing:
        # Pages the last build did not write (it failed on them, or they were deleted): planned.
        planned += [paper for paper, path in zip(older, paths, strict=False) if path in missing]
        paths = [path for path in paths if path not in missing]
    return planned, paths


def first_changed_day(
    last: LastBuild | None,
    papers: Mapping[str, Paper],
    changed: frozenset[str] | None,
    changed_files: Iterable[str],
) -> dt.date | None:
    """The oldest listing day whose outputs may differ from the last build's but for organization
    links (`relinked_papers`): the first day of every paper whose store version changed
    (`changed`: changed_papers) and the day of every day file added, changed or removed
    (`changed_files`: store paths). A page made only of papers first listed before it shows what
    the last build wrote (site/pages.py, Unchanged). None: nothing can be told (no usable last
    build, a paper gone from the store, a store path that names no day); date.max: nothing changed."""
    if last is None or changed is None:
        return None
    # The papers of the last build still in the store are those now there but for the new ones:
    # fewer than the last build saw means a paper left the store, and the pages it was on are not known.
    seen = last.versions
    if len(papers) - sum(1 for arxiv_id in changed if arxiv_id not in seen) != len(seen):
        return None
    days = [papers[arxiv_id].first_day for arxiv_id in changed]
    for path in changed_files:
        day = Store.day_of_file(path)
        if day is not None:
            days.append(day)
        elif Store.among_day_files(path):
            return None  # a file among the day files that names no day
        # else a ledger or the week rankings: they hold no paper
    return min(days, default=dt.date.max)


def unchanged_outputs(
    writer: SiteWriter, before: dt.date | None, relinked: frozenset[str]
) -> tuple[Unchanged | None, list[str]]:
    """What the plan hands the pages to keep day, topic and period pages without keying them
    (but those showing a paper in `relinked`), and the list the paths it kept are added to."""
    if before is None or writer.previous is None:
        return None, []
    kept: list[str] = []

    def keep(path: str) -> bool:
        if writer.keep_settled((path,)):
            return False  # the last build did not write it: planned
        kept.append(path)
        return True

    return Unchanged(before, keep, relinked), kept
