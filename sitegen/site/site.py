"""The site model: the store's papers indexed the ways the pages and feeds need them.

Pure: the build tags the papers (rules/tag_all.py) and hands the tags in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from sitegen.config.load import Config, FeedsConfig, OrgsConfig, SiteConfig
from sitegen.config.topics import TopicConfig
from sitegen.rules.tagging import TaggingNotes, TopicMatch
from sitegen.store.models import Paper


@dataclass(frozen=True)
class SiteSettings:
    """What pages and feeds take from the config: not the store, fetch, publish or e-mail settings,
    so nothing that renders can reach the network or the disk's side of the config."""

    site: SiteConfig
    topics: tuple[TopicConfig, ...]
    feeds: FeedsConfig
    orgs: OrgsConfig
    page_size: int  # papers per topic or organization page ([build] page_size)

    @classmethod
    def of(cls, config: Config) -> SiteSettings:
        return cls(config.site, config.topics, config.feeds, config.orgs, config.build.page_size)


@dataclass(frozen=True)
class SiteModel:
    settings: SiteSettings
    papers: dict[str, Paper]
    tags: dict[str, tuple[TopicMatch, ...]]
    days: tuple[dt.date, ...]  # every listing day, ascending
    papers_by_day: dict[dt.date, tuple[Paper, ...]]  # most upvoted first
    newest_first: tuple[Paper, ...]  # by first listing day, then id; feeds and topic pages
    papers_by_topic: dict[str, tuple[Paper, ...]]  # newest first
    tagging: TaggingNotes = field(default_factory=TaggingNotes)  # regex timeouts while tagging (warnings for the build)

    @property
    def topics(self) -> tuple[TopicConfig, ...]:
        return self.settings.topics

    def topic(self, slug: str) -> TopicConfig:
        return next(t for t in self.settings.topics if t.slug == slug)


_ID, _DAYS, _UPVOTES, _FIRST = attrgetter("arxiv_id"), attrgetter("listing_days"), attrgetter("upvotes"), itemgetter(0)


def _by_upvotes(paper: Paper) -> tuple[int, str]:
    return (-(paper.upvotes or 0), paper.arxiv_id)


def _most_upvoted_first(papers: list[Paper]) -> tuple[Paper, ...]:
    """`papers` sorted by _by_upvotes, with keys made in C: by id, then (stable, so ties keep
    that order) by upvotes, most first."""
    by_id = sorted(papers, key=_ID)
    votes = [upvotes or 0 for upvotes in map(_UPVOTES, by_id)]
    return tuple(map(by_id.__getitem__, sorted(range(len(by_id)), key=votes.__getitem__, reverse=True)))


def newest_day_then_upvotes(papers: tuple[Paper, ...]) -> tuple[Paper, ...]:
    """For display across days: newest listing day first, then most upvoted, as a day page shows.

    Topic chunks are cut in (day, id) order, which never changes, so a page keeps its papers;
    only the order within a page follows the upvotes.
    """
    return tuple(sorted(papers, key=lambda paper: (-paper.first_day.toordinal(), *_by_upvotes(paper))))


def build_model(
    config: Config,
    papers: dict[str, Paper],
    tags: Mapping[str, tuple[TopicMatch, ...]],
    tagging: TaggingNotes | None = None,
) -> SiteModel:
    """Index the papers for rendering; `tags` holds every paper's topics (rules/tag_all.py) and
    `tagging` what went wrong computing them (carried to the build's warnings)."""
    by_day: dict[dt.date, list[Paper]] = {}
    for paper in papers.values():
        for day in paper.listing_days:
            group = by_day.get(day)
            if group is None:
                by_day[day] = [paper]
            else:
                group.append(paper)
    # Sorted by keys made in C (map, zip; indexes sorted by them): a daily build orders 100,000
    # papers, and a key function in Python was most of this step's time.
    values = list(papers.values())
    by_age = list(zip(map(dt.date.toordinal, map(_FIRST, map(_DAYS, values))), map(_ID, values), strict=True))
    # Newest first; ties by id descending so the order is total and stable.
    newest = tuple(map(values.__getitem__, sorted(range(len(values)), key=by_age.__getitem__, reverse=True)))
    by_topic: dict[str, list[Paper]] = {topic.slug: [] for topic in config.topics}
    for paper in newest:
        for match in tags[paper.arxiv_id]:
            by_topic[match.slug].append(paper)
    return SiteModel(
        settings=SiteSettings.of(config),
        papers=papers,
        tags=dict(tags),
        days=tuple(sorted(by_day)),
        papers_by_day={day: _most_upvoted_first(group) for day, group in by_day.items()},
        newest_first=newest,
        papers_by_topic={slug: tuple(group) for slug, group in by_topic.items()},
        tagging=tagging or TaggingNotes(),
    )
