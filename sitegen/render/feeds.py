"""RSS 2.0 and Atom 1.0 feeds, one pair per topic and one for all papers, via feedgen.

Stability rules (a feed reader must never show a paper as new twice):
- the item id is the version-less arXiv abstract URL, forever;
- the item body holds nothing that changes on its own (no upvote count);
- every timestamp is set explicitly from listing days; channel dates are the newest item's, so
  an unchanged feed is byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jinja2
from feedgen.feed import FeedGenerator

from sitegen import GENERATOR_NAME, GENERATOR_URL, __version__
from sitegen.models import Paper
from sitegen.render.pages import topic_path
from sitegen.render.site import SiteModel
from sitegen.text import xml_safe

Output = tuple[str, bytes]
ALL_SLUG = "all"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def item_id(paper: Paper) -> str:
    return f"https://arxiv.org/abs/{paper.arxiv_id}"


def item_date(paper: Paper) -> dt.datetime:
    day = paper.first_day
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


class FeedRenderer:
    def __init__(self, env: jinja2.Environment, model: SiteModel) -> None:
        self.model = model
        self.item_template = env.get_template("feed_item.html")
        self.base = model.config.site.absolute_url
        self.titles = {topic.slug: topic.title for topic in model.topics}

    def feeds(self) -> Iterator[Output]:
        model = self.model
        limit = model.config.feeds.max_items
        yield from self._pair(ALL_SLUG, model.config.site.title, model.config.site.description, "", model.newest_first[:limit])
        for topic in model.topics:
            papers = model.papers_by_topic[topic.slug][: topic.max_items or limit]
            yield from self._pair(
                topic.slug,
                f"{model.config.site.title}: {topic.title}",
                topic.description or topic.title,
                topic_path(topic.slug),
                papers,
            )

    def _pair(self, slug: str, title: str, description: str, page: str, papers: tuple[Paper, ...]) -> Iterator[Output]:
        for kind, extension in (("rss", "rss.xml"), ("atom", "atom.xml")):
            path = f"feeds/{slug}.{extension}"
            generator = self._generator(slug, title, description, page, path, papers)
            content = generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
            yield path, content

    def _generator(
        self, slug: str, title: str, description: str, page: str, path: str, papers: tuple[Paper, ...]
    ) -> FeedGenerator:
        newest = item_date(papers[0]) if papers else self._site_newest()
        fg = FeedGenerator()
        fg.load_extension("dc")
        fg.id(f"{self.base}{path}")
        fg.title(xml_safe(title))
        fg.subtitle(xml_safe(description.strip() or title))
        # The RSS channel <link> is the last link() call: self first, the page last.
        fg.link(href=f"{self.base}{path}", rel="self")
        fg.link(href=f"{self.base}{page}", rel="alternate")
        fg.language(self.model.config.site.language)
        fg.generator(GENERATOR_NAME, version=__version__, uri=GENERATOR_URL)
        fg.updated(newest)
        fg.lastBuildDate(newest)
        fg.pubDate(newest)
        for paper in papers:
            self._add_entry(fg, paper, slug)
        return fg

    def _add_entry(self, fg: FeedGenerator, paper: Paper, slug: str) -> None:
        matches = self.model.tags[paper.arxiv_id]
        why = "; ".join(f"{self.titles[m.slug]}: {m.why}" for m in matches if slug in (ALL_SLUG, m.slug))
        entry = fg.add_entry(order="append")
        entry.id(item_id(paper))
        entry.guid(item_id(paper), permalink=True)
        entry.title(xml_safe(paper.title))
        entry.link(href=f"{self.base}papers/{paper.arxiv_id}/", rel="alternate")
        for name in paper.authors:
            entry.author(name=xml_safe(name))
        entry.dc.dc_creator(xml_safe(", ".join(paper.authors)) or "Unknown")
        html = self.item_template.render(paper=paper, why=why)
        entry.content(xml_safe(html), type="html")
        entry.description(xml_safe(paper.abstract or paper.title))
        for match in matches:
            entry.category(term=match.slug, label=self.titles[match.slug])
        entry.published(item_date(paper))
        entry.updated(item_date(paper))

    def _site_newest(self) -> dt.datetime:
        days = self.model.days
        return dt.datetime(days[-1].year, days[-1].month, days[-1].day, tzinfo=dt.timezone.utc) if days else _EPOCH
