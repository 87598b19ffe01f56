"""The "best of the week" feeds and the per-organization feeds (RSS, Atom, JSON Feed each).

Weekly: `feeds/weekly.*` and `feeds/<topic>.weekly.*` hold the top `[feeds] weekly_items` papers
of each completed ISO week, newest week first, for the newest max(1, max_items // weekly_items)
weeks. They are made only from the rankings recorded when each week ended (store/weekly.py), so
later upvotes never change them, and a week appears once it has ended, never before. Each item is
dated the Monday 00:00 UTC after its week, minus its rank in seconds, so readers sorting by date
show the week's best first.

Organizations: `feeds/orgs/<slug>.*`, the newest `[orgs] feed_items` papers of each organization with a
page, listed in `feeds/orgs.opml` (apart from `feeds/index.opml`, which a reader imports whole).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from sitegen.config.topics import TopicConfig
from sitegen.output.fingerprint import digest
from sitegen.site.feed_channel import Channel
from sitegen.site.feed_items import ALL_SLUG, listing_datetime
from sitegen.site.feed_xml import Entry
from sitegen.site.feeds import FeedRenderer
from sitegen.site.opml import render_opml
from sitegen.site.orgs import Org, org_path
from sitegen.site.pages import topic_path
from sitegen.site.periods import WEEK, period_bounds
from sitegen.store.models import Paper
from sitegen.text.clean import xml_safe

Output = tuple[str, bytes]
WEEKLY_SLUG = "weekly"
ORGS_OPML_PATH = "feeds/orgs.opml"


@dataclass(frozen=True)
class FeedJob:
    """One channel to write: its key (a digest of what it shows) and how to render its files."""

    channel: Channel
    key: bytes
    render: Callable[[], list[Output]]
    papers: Sequence[Paper] = ()  # the papers it shows


def weekly_slug(topic_slug: str | None) -> str:
    return WEEKLY_SLUG if topic_slug is None else f"{topic_slug}.{WEEKLY_SLUG}"


def week_from_key(key: str) -> tuple[dt.date, dt.date]:
    """The Monday and Sunday of an ISO week key ("2026-W21")."""
    year, week = key.split("-W")
    return period_bounds(WEEK, dt.date.fromisocalendar(int(year), int(week), 1))


class BrowseFeeds:
    def __init__(self, feeds: FeedRenderer, rankings: dict[str, tuple[str, ...]], orgs: Sequence[Org]) -> None:
        self.feeds = feeds
        self.model = feeds.model
        self.rankings = rankings  # completed weeks only: key -> arXiv ids, best first
        self.orgs = [org for org in orgs if org.has_page]

    # -- weekly ---------------------------------------------------------------------------------

    def weekly_jobs(self, theme: bytes, versions: dict[str, bytes]) -> list[FeedJob]:
        # Each recorded week's papers, in rank order, once for all the feeds (not once per topic).
        newest = sorted(self.rankings, reverse=True)
        ranked = {key: self._week_by_topic(key) for key in newest[: max(1, self._longest_feed() // self._per_week)]}
        jobs = [self._weekly_job(None, theme, versions, newest, ranked)]
        jobs += [self._weekly_job(topic, theme, versions, newest, ranked) for topic in self.model.topics]
        return jobs

    @property
    def _per_week(self) -> int:
        return self.model.settings.feeds.weekly_items

    def _longest_feed(self) -> int:
        settings = self.model.settings
        return max([settings.feeds.max_items, *(topic.max_items or settings.feeds.max_items for topic in self.model.topics)])

    def _week_by_topic(self, key: str) -> dict[str | None, list[Paper]]:
        """A recorded week's papers still in the store, best first: all (None) and by topic slug."""
        model = self.model
        papers = [model.papers[i] for i in self.rankings[key] if i in model.papers]
        by_topic: dict[str | None, list[Paper]] = {None: papers}
        for paper in papers:
            for match in model.tags[paper.arxiv_id]:
                by_topic.setdefault(match.slug, []).append(paper)
        return by_topic

    def _weekly_job(
        self,
        topic: TopicConfig | None,
        theme: bytes,
        versions: dict[str, bytes],
        newest: list[str],
        ranked: dict[str, dict[str | None, list[Paper]]],
    ) -> FeedJob:
        model = self.model
        site = model.settings.site
        per_week = model.settings.feeds.weekly_items
        limit = (topic.max_items if topic else None) or model.settings.feeds.max_items
        base = site.absolute_url
        name = f"{site.title}: best of the week" + (f" in {topic.title}" if topic else "")
        channel = Channel(
            slug=weekly_slug(topic.slug if topic else None),
            title=xml_safe(name),
            description=xml_safe(
                f"The {per_week} most upvoted papers of each week"
                + (f" in {topic.title}" if topic else "")
                + ", once the week has ended."
            ),
            page_url=f"{base}{topic_path(topic.slug) if topic else 'archive/'}",
            base_url=base,
            language=site.language,
        )
        weeks: list[tuple[str, list[Paper]]] = []
        for key in newest[: max(1, limit // per_week)]:
            papers = ranked[key].get(topic.slug if topic else None, [])
            weeks.append((key, papers[:per_week]))
        inputs: list[str | bytes] = []  # each week and the versions of its papers
        for week, papers in weeks:
            inputs.append(week)
            inputs.extend(versions[p.arxiv_id] for p in papers)
        feed_key = digest(theme, b"weekly", channel.slug, str(per_week), *inputs)
        reason = topic.slug if topic else ALL_SLUG
        return FeedJob(
            channel,
            feed_key,
            lambda: self.feeds.entry_files(channel, self._weekly_entries(weeks, reason)),
            [paper for _, papers in weeks for paper in papers],
        )

    def _weekly_entries(self, weeks: list[tuple[str, list[Paper]]], reason: str) -> list[Entry]:
        entries: list[Entry] = []
        for key, papers in weeks:
            monday, sunday = week_from_key(key)
            published = listing_datetime(sunday + dt.timedelta(days=1))
            for rank, paper in enumerate(papers, 1):
                item = self.feeds.items.item(paper)
                note = Markup("<p><em>No. {} of the week {} ({} to {}), by upvotes when the week ended.</em></p>\n").format(
                    rank, key, monday.isoformat(), sunday.isoformat()
                )
                dated = dataclasses.replace(item, date=published - dt.timedelta(seconds=rank))
                entries.append((dated, item.html(reason) + str(note)))
        return entries

    # -- organizations --------------------------------------------------------------------------

    def org_jobs(self, theme: bytes, versions: dict[str, bytes]) -> list[FeedJob]:
        model = self.model
        site = model.settings.site
        base = site.absolute_url
        limit = model.settings.orgs.feed_items
        jobs = []
        for org in self.orgs:
            channel = Channel(
                slug=f"orgs/{org.slug}",
                title=xml_safe(f"{site.title}: {org.title}"),
                description=xml_safe(f"Papers from {org.title} ({org.name}), newest first."),
                page_url=f"{base}{org_path(org.slug)}",
                base_url=base,
                language=site.language,
            )
            papers = org.papers[:limit]
            key = digest(theme, b"org-feed", channel.slug, org.title, *(versions[p.arxiv_id] for p in papers))
            jobs.append(FeedJob(channel, key, _channel_renderer(self.feeds, channel, papers), papers))
        return jobs

    def orgs_opml(self, jobs: Sequence[FeedJob]) -> Output:
        title = xml_safe(self.model.settings.site.title)
        return ORGS_OPML_PATH, render_opml(title, [job.channel for job in jobs], what="every organization's feed")


def _channel_renderer(feeds: FeedRenderer, channel: Channel, papers: tuple[Paper, ...]) -> Callable[[], list[Output]]:
    return lambda: feeds.channel_files(channel, papers)
