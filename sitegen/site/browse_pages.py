"""Pages for browsing by period and by organization: `weeks/YYYY-Www/`, `months/YYYY-MM/`,
`orgs/` and `orgs/<slug>/` (+ `page/N/`).

Size: these pages list papers as one compact row each (title, upvotes, listing day,
organization), not as full cards: the cards are on the day pages, one click away.
- A week or month page shows its top PERIOD_SHOWN papers and links every listing day of the
  period, where the rest are.
- An organization's pages are stable chunks of `[build] page_size` papers counted from the
  oldest, like the topic pages (see pages.py), so a new paper rewrites its first page and at most
  the newest chunk.

Every page has a key (a digest of what it shows), so a new day re-renders its week, its month,
the pages of the organizations it adds papers to, and the neighbours whose links change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import jinja2

from sitegen.output.fingerprint import digest
from sitegen.site.orgs import Org, linked_slugs, org_path
from sitegen.site.pages import Page, PaperKey, Unchanged, chunk_page_pager, first_page_pager, topic_chunks
from sitegen.site.periods import MONTH, PERIOD_SHOWN, WEEK, Period, month_key, month_path, week_key, week_path
from sitegen.site.site import SiteModel


class BrowsePages:
    def __init__(
        self, env: jinja2.Environment, model: SiteModel, weeks: Sequence[Period], months: Sequence[Period], orgs: Sequence[Org]
    ) -> None:
        self.model = model
        self.weeks = weeks
        self.months = months
        self.orgs = orgs
        self.org_slugs = linked_slugs(orgs)
        env.globals.update(
            org_slugs=self.org_slugs,
            org_path=org_path,
            orgs_enabled=model.settings.orgs.enabled,
            orgs_min_papers=model.settings.orgs.min_papers,
            weekly_items=model.settings.feeds.weekly_items,
            weeks_of_month=self.weeks_of_month,
            week_path=week_path,
            month_path=month_path,
            week_key=week_key,
            month_key=month_key,
            # The archive links these; the index's Weekly/Monthly switch leads to the newest.
            week_pages=frozenset(p.key for p in weeks),
            month_pages=frozenset(p.key for p in months),
            latest_week=weeks[-1].key if weeks else None,
            latest_month=months[-1].key if months else None,
        )

    def weeks_of_month(self, year: int, month: int) -> list[Period]:
        """The weeks with a page that overlap a month (the archive links them under the month)."""
        return [
            week for week in self.weeks if (week.start.year, week.start.month) <= (year, month) <= (week.end.year, week.end.month)
        ]

    def org_link(self, name: str | None) -> str:
        """What of a paper's organization shows on its card and page: the slug if it has a page."""
        return self.org_slugs.get(name, "") if name is not None else ""

    def pages(self, paper_key: PaperKey, theme: bytes, unchanged: Unchanged | None = None) -> Iterator[Page]:
        """`unchanged`: the period and organization pages the build may keep without keying them
        (site/pages.py)."""
        for periods in (self.weeks, self.months):
            yield from self._period_pages(periods, paper_key, theme, unchanged)
        if self.model.settings.orgs.enabled:
            yield self._org_index(theme)
            for org in self.orgs:
                if org.has_page:
                    yield from self._org_pages(org, paper_key, theme, unchanged)

    def _period_pages(
        self, periods: Sequence[Period], paper_key: PaperKey, theme: bytes, unchanged: Unchanged | None
    ) -> Iterator[Page]:
        for index, period in enumerate(periods):
            previous = periods[index - 1] if index > 0 else None
            following = periods[index + 1] if index + 1 < len(periods) else None
            path = f"{period.path}index.html"
            # Ended before the first changed day, and so did the next period (its key, and that
            # this one is not running, are as the last build saw them).
            if (
                unchanged
                and following is not None
                and following.end < unchanged.before
                and not unchanged.shows_relinked(period.papers.given)
                and unchanged.keep(path)
            ):
                continue
            newest = period.newest_day
            context = {
                "period": period,
                "papers": period.papers[:PERIOD_SHOWN],
                "previous": previous,
                "next": following,
                "section": "archive",
                "feed_slug": "all",
                # The Daily / Weekly / Monthly switch: the same stretch of time at each scale.
                "switch_day": newest,
                "switch_week": period.key if period.kind == WEEK else week_key(newest),
                "switch_month": period.key if period.kind == MONTH else month_key(newest),
            }
            # Ranks and day counts depend on every paper of the period, not only those shown: all
            # of them, in the archive's order (the ranking follows from what their keys cover).
            key = digest(
                theme,
                b"period",
                period.kind,
                period.key,
                str(period.running),
                previous.key if previous else "",
                following.key if following else "",
                *map(paper_key, period.papers.given),
            )
            yield Page(path, "period.html", context, key)

    def _org_index(self, theme: bytes) -> Page:
        parts = (
            f"{org.name}\x1f{org.slug}\x1f{org.title}\x1f{len(org.papers)}\x1f{org.upvotes}\x1f{org.has_page}"
            for org in self.orgs
        )
        key = digest(theme, b"orgs", str(self.model.settings.orgs.min_papers), *parts)
        return Page("orgs/index.html", "orgs.html", {"orgs": self.orgs, "section": "orgs"}, key)

    def _org_pages(self, org: Org, paper_key: PaperKey, theme: bytes, unchanged: Unchanged | None) -> Iterator[Page]:
        size = self.model.settings.page_size
        chunks = topic_chunks(org.papers, size)
        # Every paper of the organization first listed before the first changed day, and none
        # relinked: each of its pages shows what the last build wrote (its title, count and
        # upvotes come from those papers), so it is kept without a key. A daily build adds papers
        # to a dozen of some 600 organizations.
        settled = (
            unchanged is not None and org.papers[0].first_day < unchanged.before and not unchanged.shows_relinked(org.papers)
        )
        common = {"org": org, "section": "orgs", "size": size, "feed_slug": "all"}
        first = org.papers[:size]
        path = f"{org_path(org.slug)}index.html"
        if not (settled and unchanged and unchanged.keep(path)):
            yield Page(
                path,
                "org.html",
                {
                    **common,
                    "papers": first,
                    "total": len(org.papers),
                    **first_page_pager(len(chunks)),
                },
                digest(theme, b"org", org.slug, org.title, str(len(org.papers)), str(len(chunks)), *map(paper_key, first)),
            )
        for number, chunk in enumerate(chunks, 1):
            path = f"{org_path(org.slug, number)}index.html"
            if settled and unchanged and unchanged.keep(path):
                continue
            pager = chunk_page_pager(number, len(chunks))
            yield Page(
                path,
                "org.html",
                {**common, "papers": chunk, "total": None, **pager},
                digest(theme, b"org", org.slug, org.title, str(number), str(pager["newer_page"]), *map(paper_key, chunk)),
            )
