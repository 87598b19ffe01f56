"""HTML pages of the public contract, rendered from the site model.

All links inside pages are relative (`{{ root }}` is "../.." as deep as the page), so the same
output works at a domain root, under a sub-path, and from `sitegen serve`. Only what must be
absolute is (feed URLs, canonical and Open Graph URLs, the 404 page, which is served at any path).

Work that several pages share is done once here, not per page: topic counts, each topic's
description as HTML, each day's topic counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen.errors import BuildError
from sitegen.models import Paper
from sitegen.render.bibtex import bibtex_entry
from sitegen.render.calendar import months as calendar_months
from sitegen.render.site import SiteModel
from sitegen.render.templating import render_markdown

Output = tuple[str, bytes]
ABOUT_FILE = "about.md"  # beside sitegen.toml; when present, the site gets an about/ page
AUTHORS_SHOWN = 12  # a paper page shows this many authors, the rest fold into <details>


def paper_path(paper: Paper) -> str:
    return f"papers/{paper.arxiv_id}/"


def day_path(day: dt.date) -> str:
    return f"days/{day.isoformat()}/"


def topic_path(slug: str, page: int = 1) -> str:
    return f"topics/{slug}/" if page == 1 else f"topics/{slug}/page/{page}/"


def url_path(path: str) -> str:
    """The public URL of an output file, relative to the site root ("papers/x/index.html" -> "papers/x/")."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


class PageRenderer:
    def __init__(self, env: jinja2.Environment, model: SiteModel) -> None:
        self.env = env
        self.model = model
        self.topic_titles = {topic.slug: topic.title for topic in model.topics}
        self.topic_counts = {slug: len(papers) for slug, papers in model.papers_by_topic.items()}
        about = model.config.root / ABOUT_FILE
        self.about = _read_about(about) if about.is_file() else None
        # Every HTML page rendered so far, for the sitemap (the 404 page excluded).
        self.html_paths: list[str] = []
        env.globals.update(
            site=model.config.site,
            paper_path=paper_path,
            day_path=day_path,
            topic_path=topic_path,
            topic_titles=self.topic_titles,
            topic_counts=self.topic_counts,
            topic_descriptions={t.slug: render_markdown(t.description) for t in model.topics},
            topics=model.topics,
            tags=model.tags,
            has_about=self.about is not None,
        )

    def render(self, template: str, path: str, **context: Any) -> Output:
        # The 404 page is served at whatever path was missing: only absolute links work there.
        root = self.model.config.site.absolute_url if path == "404.html" else "../" * path.count("/")
        context.setdefault("feed_slug", "all")
        context.setdefault("section", "")
        html = self.env.get_template(template).render(root=root, path=path, url=url_path(path), **context)
        if path.endswith(".html") and path != "404.html":
            self.html_paths.append(path)
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
            day_topics=self._day_topics(latest) if latest else [],
            section="latest",
        )
        for index, day in enumerate(days):
            yield self.render(
                "day.html",
                f"{day_path(day)}index.html",
                day=day,
                papers=model.papers_by_day[day],
                day_topics=self._day_topics(day),
                previous_day=days[index - 1] if index > 0 else None,
                next_day=days[index + 1] if index + 1 < len(days) else None,
                section="archive",
            )
        yield self.render("archive.html", "archive/index.html", months=calendar_months(model.days, model.papers_by_day), section="archive")
        yield self.render("topics.html", "topics/index.html", section="topics")
        for topic in model.topics:
            yield from self._topic_pages(topic.slug)
        for paper in model.newest_first:
            yield self.render(
                "paper.html",
                f"{paper_path(paper)}index.html",
                paper=paper,
                bibtex=bibtex_entry(paper),
                authors_shown=AUTHORS_SHOWN,
            )
        yield self.render("search.html", "search/index.html", section="search")
        if self.about is not None:
            yield self.render("about.html", "about/index.html", about=self.about, section="about")
        yield self.render("404.html", "404.html")

    def _day_topics(self, day: dt.date) -> list[tuple[str, int]]:
        """The topics of one day's papers with their counts, in the config's topic order."""
        counts = Counter(match.slug for paper in self.model.papers_by_day[day] for match in self.model.tags[paper.arxiv_id])
        return [(topic.slug, counts[topic.slug]) for topic in self.model.topics if counts[topic.slug]]

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
                first_number=(page - 1) * size + 1,
                page=page,
                page_count=page_count,
                page_links=page_window(page, page_count),
                feed_slug=slug,
                section="topics",
            )


def page_window(page: int, count: int, around: int = 2) -> list[int | None]:
    """Page numbers to link from page `page`: the first, the last and a few around it; None is a gap.

    page_window(6, 53) == [1, None, 4, 5, 6, 7, 8, None, 53]
    """
    shown = sorted({1, count, *range(max(1, page - around), min(count, page + around) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def _read_about(path: Path) -> Markup:
    try:
        return render_markdown(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"{path}: cannot read the about page ({error}); fix or remove the file") from None
