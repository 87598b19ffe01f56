"""HTML pages of the public contract, rendered from the site model.

All links inside pages are relative (`{{ root }}` is "../.." as deep as the page), so the same
output works at a domain root, under a sub-path, and from `sitegen serve`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import jinja2

from sitegen.models import Paper
from sitegen.render.site import SiteModel

Output = tuple[str, bytes]


def paper_path(paper: Paper) -> str:
    return f"papers/{paper.arxiv_id}/"


def day_path(day: dt.date) -> str:
    return f"days/{day.isoformat()}/"


def topic_path(slug: str, page: int = 1) -> str:
    return f"topics/{slug}/" if page == 1 else f"topics/{slug}/page/{page}/"


class PageRenderer:
    def __init__(self, env: jinja2.Environment, model: SiteModel) -> None:
        self.env = env
        self.model = model
        self.topic_titles = {topic.slug: topic.title for topic in model.topics}
        env.globals.update(
            site=model.config.site,
            paper_path=paper_path,
            day_path=day_path,
            topic_path=topic_path,
            topic_titles=self.topic_titles,
            topics=model.topics,
            tags=model.tags,
        )

    def render(self, template: str, path: str, **context: Any) -> Output:
        depth = path.count("/")
        context.setdefault("feed_slug", "all")
        html = self.env.get_template(template).render(root="../" * depth, path=path, **context)
        return path, html.encode("utf-8")

    def pages(self) -> Iterator[Output]:
        model = self.model
        days = model.days
        latest = days[-1] if days else None
        yield self.render(
            "index.html",
            "index.html",
            day=latest,
            papers=model.papers_by_day.get(latest, ()) if latest else (),
            topic_counts={slug: len(papers) for slug, papers in model.papers_by_topic.items()},
        )
        for index, day in enumerate(days):
            yield self.render(
                "day.html",
                f"{day_path(day)}index.html",
                day=day,
                papers=model.papers_by_day[day],
                previous_day=days[index - 1] if index > 0 else None,
                next_day=days[index + 1] if index + 1 < len(days) else None,
            )
        yield self.render("archive.html", "archive/index.html", months=_months(model))
        yield self.render(
            "topics.html",
            "topics/index.html",
            topic_counts={slug: len(papers) for slug, papers in model.papers_by_topic.items()},
        )
        for topic in model.topics:
            yield from self._topic_pages(topic.slug)
        for paper in model.newest_first:
            yield self.render("paper.html", f"{paper_path(paper)}index.html", paper=paper, feed_slug="all")
        yield self.render("404.html", "404.html")

    def _topic_pages(self, slug: str) -> Iterator[Output]:
        papers = self.model.papers_by_topic[slug]
        size = self.model.config.build.page_size
        page_count = max(1, -(-len(papers) // size))
        for page in range(1, page_count + 1):
            yield self.render(
                "topic.html",
                f"{topic_path(slug, page)}index.html",
                topic=self.model.topic(slug),
                papers=papers[(page - 1) * size : page * size],
                total=len(papers),
                page=page,
                page_count=page_count,
                feed_slug=slug,
            )


def _months(model: SiteModel) -> list[tuple[str, list[tuple[dt.date, int]]]]:
    """Newest month first; each month's days ascending with their paper counts."""
    months: dict[str, list[tuple[dt.date, int]]] = {}
    for day in model.days:
        months.setdefault(day.strftime("%B %Y"), []).append((day, len(model.papers_by_day[day])))
    return list(reversed(months.items()))
