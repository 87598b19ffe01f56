"""`sitegen check`: run the topics over the stored archive so an edit can be judged before it ships.

Everything is relative to the archive, never to the clock: "the last 30 days" are the 30 days
ending on the newest listing day in the store, so the same store and config give the same report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.load import Config
from sitegen.config.topics import TopicConfig
from sitegen.rules.tagging import Tagger
from sitegen.store.models import Paper

RECENT_DAYS = 30
RECENT_TITLES = 3
BROAD_SHARE = 0.25  # a topic holding more than this share of all papers gets a warning


@dataclass(frozen=True)
class TopicStats:
    slug: str
    title: str
    count: int  # papers in the topic over the whole (or --since) archive
    recent_count: int  # ... whose first listing day is in the last RECENT_DAYS days
    share: float  # count / all papers
    recent: tuple[Paper, ...]  # the newest few


@dataclass(frozen=True)
class TopicDiff:
    slug: str
    title: str
    status: str  # "changed", "unchanged", "new" (only in the new config), "removed" (only in the old)
    added: tuple[Paper, ...]  # newest first
    removed: tuple[Paper, ...]


@dataclass(frozen=True)
class CheckReport:
    config_path: Path
    papers: int
    first_day: dt.date | None
    newest_day: dt.date | None
    recent_papers: int
    since: dt.date | None
    stats: tuple[TopicStats, ...]
    warnings: tuple[str, ...]
    against: Path | None = None
    diffs: tuple[TopicDiff, ...] = ()

    @property
    def window_start(self) -> dt.date | None:
        return self.newest_day - dt.timedelta(days=RECENT_DAYS - 1) if self.newest_day else None


def _newest_first(papers: dict[str, Paper], since: dt.date | None) -> list[Paper]:
    chosen = [p for p in papers.values() if since is None or p.first_day >= since]
    # Same order as the site: newest first listing day first, ties by id, so output is stable.
    return sorted(chosen, key=lambda p: (p.first_day, p.arxiv_id), reverse=True)


def members(topics: tuple[TopicConfig, ...], papers: list[Paper], notes: list[str] | None = None) -> dict[str, list[Paper]]:
    """Each topic's papers, in the order of `papers`; regex timeouts are added to `notes`."""
    tagger = Tagger(topics)
    found: dict[str, list[Paper]] = {topic.slug: [] for topic in topics}
    for paper in papers:
        for match in tagger.tag(paper):
            found[match.slug].append(paper)
    if notes is not None:
        notes.extend(tagger.notes.warning_lines())
    return found


def check(config: Config, papers: dict[str, Paper], since: dt.date | None = None, old: Config | None = None) -> CheckReport:
    ordered = _newest_first(papers, since)
    total = len(ordered)
    newest = ordered[0].first_day if ordered else None
    window_start = newest - dt.timedelta(days=RECENT_DAYS - 1) if newest else None
    in_window = (lambda p: p.first_day >= window_start) if window_start else (lambda p: False)
    timeouts: list[str] = []
    current = members(config.topics, ordered, timeouts)
    stats = tuple(
        TopicStats(
            slug=topic.slug,
            title=topic.title,
            count=len(current[topic.slug]),
            recent_count=sum(1 for p in current[topic.slug] if in_window(p)),
            share=len(current[topic.slug]) / total if total else 0.0,
            recent=tuple(current[topic.slug][:RECENT_TITLES]),
        )
        for topic in config.topics
    )
    diffs = _diffs(config.topics, old.topics, current, ordered) if old is not None else ()
    return CheckReport(
        config_path=config.path,
        papers=total,
        first_day=ordered[-1].first_day if ordered else None,
        newest_day=newest,
        recent_papers=sum(1 for p in ordered if in_window(p)),
        since=since,
        stats=stats,
        warnings=(*timeouts, *_warnings(config, stats, total, since)),
        against=old.path if old is not None else None,
        diffs=diffs,
    )


def _warnings(config: Config, stats: tuple[TopicStats, ...], total: int, since: dt.date | None) -> tuple[str, ...]:
    if total == 0 and since is not None:
        return (f"the store ({config.store.path}) has no paper first listed on or after {since}",)
    if total == 0:
        return (f"the store ({config.store.path}) holds no papers yet: run `sitegen fetch` to check the topics on real papers",)
    warnings = []
    for item in stats:
        if item.count == 0:
            warnings.append(
                f"{item.slug}: matches no paper; try `sitegen explain ARXIV_ID` on a paper that should be in it"
            )
        elif item.share > BROAD_SHARE:
            warnings.append(
                f"{item.slug}: matches {item.share:.1%} of all papers (more than {BROAD_SHARE:.0%}); "
                "narrow it with `all` or `none` terms so its feed stays readable"
            )
    return tuple(warnings)


def _diffs(
    new_topics: tuple[TopicConfig, ...],
    old_topics: tuple[TopicConfig, ...],
    current: dict[str, list[Paper]],
    ordered: list[Paper],
) -> tuple[TopicDiff, ...]:
    before = members(old_topics, ordered)
    old_titles = {topic.slug: topic.title for topic in old_topics}
    diffs = []
    for topic in new_topics:
        now = current[topic.slug]
        if topic.slug not in before:
            diffs.append(TopicDiff(topic.slug, topic.title, "new", tuple(now), ()))
            continue
        now_ids = {p.arxiv_id for p in now}
        then_ids = {p.arxiv_id for p in before[topic.slug]}
        added = tuple(p for p in now if p.arxiv_id not in then_ids)
        removed = tuple(p for p in before[topic.slug] if p.arxiv_id not in now_ids)
        diffs.append(TopicDiff(topic.slug, topic.title, "changed" if added or removed else "unchanged", added, removed))
    new_slugs = {topic.slug for topic in new_topics}
    for slug, papers in before.items():
        if slug not in new_slugs:
            diffs.append(TopicDiff(slug, old_titles[slug], "removed", (), tuple(papers)))
    return tuple(diffs)
