"""What a digest says: for one period, one section per topic (or one for everything), each the
period's most upvoted papers, with the same readable text the feeds show.

A paper belongs to the period of its first listing day, so it is mailed once however often it is
listed again. The paper text (readable TeX, cleaned authors, topics and why they matched, the
page URL) comes from the feeds' ItemFactory, not from a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import jinja2

from sitegen.config.load import Config
from sitegen.digest.periods import Period
from sitegen.rules.tag_all import tag_archive
from sitegen.search.chunk import organization, teaser
from sitegen.site.feed_items import FeedItem, ItemFactory, ItemTopic
from sitegen.site.pages import day_path, topic_path
from sitegen.site.site import build_model
from sitegen.store.models import Paper
from sitegen.text.clean import clean_line, clean_paragraphs
from sitegen.text.tex import readable_tex

ALL_PAPERS = "All papers"


@dataclass(frozen=True)
class Entry:
    item: FeedItem  # title, authors, page URL, arXiv URL, topics with reasons
    organization: str
    upvotes: int | None
    summary: str  # the AI summary, or else the start of the abstract
    summary_is_ai: bool
    reasons: tuple[ItemTopic, ...]  # the topics that put it in this section
    why: str  # e.g. "matched 'diffusion' in the title"; in the all-papers section, per topic


@dataclass(frozen=True)
class Section:
    title: str
    url: str  # the whole list on the site
    entries: tuple[Entry, ...]
    more: int  # papers of the section left out by [email] max_papers


@dataclass(frozen=True)
class Digest:
    period: Period
    url: str  # the period's page on the site
    sections: tuple[Section, ...]

    @property
    def count(self) -> int:
        """Distinct papers mailed (a paper in two sections counts once)."""
        return len({entry.item.arxiv_id for section in self.sections for entry in section.entries})

    @property
    def topics(self) -> str:
        return ", ".join(section.title for section in self.sections)


def period_url(base: str, period: Period) -> str:
    return f"{base}{day_path(period.first)}" if period.cadence == "daily" else f"{base}weeks/{period.key}/"


def build_digests(
    config: Config, env: jinja2.Environment, papers: Iterable[Paper], periods: list[Period]
) -> dict[Period, Digest]:
    """Each period's digest; one with no section holds no paper to mail."""
    chosen = {paper.arxiv_id: paper for paper in papers if any(p.contains(paper.first_day) for p in periods)}
    model = build_model(config, chosen, *tag_archive(config.topics, chosen))
    items = ItemFactory(env, model)
    return {
        period: _digest(config, items, period, [p for p in chosen.values() if period.contains(p.first_day)]) for period in periods
    }


def _digest(config: Config, items: ItemFactory, period: Period, papers: list[Paper]) -> Digest:
    email = config.email
    base = config.site.absolute_url
    url = period_url(base, period)
    ranked = sorted((p for p in papers if (p.upvotes or 0) >= email.min_upvotes), key=lambda p: (-(p.upvotes or 0), p.arxiv_id))
    sections: list[Section] = []
    if not email.topics:
        sections.append(
            _section(items, ALL_PAPERS, url, [(p, items.item(p).topics) for p in ranked], email.max_papers, every_topic=True)
        )
    titles = {topic.slug: topic.title for topic in config.topics}
    for slug in email.topics:
        members = [(p, reasons) for p in ranked if (reasons := tuple(t for t in items.item(p).topics if t.slug == slug))]
        sections.append(_section(items, titles[slug], f"{base}{topic_path(slug)}", members, email.max_papers))
    return Digest(period, url, tuple(section for section in sections if section.entries))


def _section(
    items: ItemFactory,
    title: str,
    url: str,
    members: list[tuple[Paper, tuple[ItemTopic, ...]]],
    limit: int,
    *,
    every_topic: bool = False,
) -> Section:
    entries = tuple(_entry(items.item(paper), paper, reasons, every_topic) for paper, reasons in members[:limit])
    return Section(clean_line(title), url, entries, max(0, len(members) - limit))


def _entry(item: FeedItem, paper: Paper, reasons: tuple[ItemTopic, ...], every_topic: bool) -> Entry:
    ai_summary = clean_line(readable_tex(paper.ai_summary or ""))
    abstract = clean_paragraphs(readable_tex(paper.abstract))
    return Entry(
        item=item,
        organization=clean_line(organization(paper)),
        upvotes=paper.upvotes,
        summary=ai_summary or teaser(abstract),
        summary_is_ai=bool(ai_summary),
        reasons=reasons,
        # As the feeds say it: the topic's title when several topics may be listed.
        why="; ".join(f"{t.title}: {t.why}" if every_topic else t.why for t in reasons),
    )
