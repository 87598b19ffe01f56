"""HTML pages of the public contract, planned from the site model as jobs, rendered on demand.

All links inside pages are relative (`{{ root }}` is "../.." as deep as the page), so the same
output works at a domain root, under a sub-path, and from `sitegen serve`. Only what must be
absolute is (feed URLs, canonical and Open Graph URLs, the 404 page, which is served at any path).

Planning and rendering are separate so that a build renders only pages whose inputs changed:
each `Page` carries a `key`, a digest of everything it shows (see output/fingerprint.py). Pages
that change with almost every build (index, archive, topics, status) have no key and are always
rendered; they are few.

Topic pages are paginated in stable chunks counted from the oldest paper: `page/N/` always
holds the same papers, so a new day changes a topic's first page and at most one chunk page,
not every page of the topic, and links to a page keep pointing at the same papers.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from sitegen.errors import BuildError
from sitegen.site.calendar import months as calendar_months
from sitegen.site.site import SiteModel, newest_day_then_upvotes
from sitegen.site.sorted_on_read import SortedOnRead
from sitegen.site.templating import render_markdown
from sitegen.store.health import SourceStatus
from sitegen.store.ids import paper_dir
from sitegen.store.models import Paper

AUTHORS_SHOWN = 12  # a paper page shows this many authors, the rest fold into <details>
PaperKey = Callable[[Paper], bytes]
# Each paper's related papers: (arXiv id, the words they share), most similar first.
RelatedLists = Mapping[str, Sequence[tuple[str, Sequence[str]]]]


def paper_path(paper: Paper) -> str:
    """The paper's folder; refuses (InvalidArxivId) an id that is not canonical, see arxiv_ids."""
    return paper_dir(paper.arxiv_id)


def day_path(day: dt.date) -> str:
    return f"days/{day.isoformat()}/"


def topic_path(slug: str, page: int | None = None) -> str:
    """The topic's first page (newest papers), or its stable chunk `page` (1 = the oldest)."""
    return f"topics/{slug}/" if page is None else f"topics/{slug}/page/{page}/"


def url_path(path: str) -> str:
    """The public URL of an output file, relative to the site root ("papers/x/index.html" -> "papers/x/")."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


class Page(NamedTuple):
    """A page to render. A named tuple, not a frozen dataclass: a plan makes one per paper
    (100,000 and more), and a tuple is made several times faster."""

    path: str
    template: str
    # Or a function that makes it when the page is rendered (paper pages: see `pages`).
    context: dict[str, Any] | Callable[[], dict[str, Any]]
    # Digest of every input the page shows; None means "render on every build".
    key: bytes | None = None


@dataclass(frozen=True)
class Unchanged:
    """Pages made only of papers first listed before `before` (and whose neighbours are too) show
    what the last build wrote, so a daily build keeps them without making their context or key
    (output/settled.py says which day that is). `keep(path)` keeps one as the last build wrote
    it; False when the last build did not write it, and then the page is planned."""

    before: dt.date
    keep: Callable[[str], bool]
    # Papers whose organization link changed: a page showing one is planned wherever it is.
    relinked: frozenset[str] = frozenset()

    def shows_relinked(self, papers: Iterable[Paper]) -> bool:
        relinked = self.relinked
        return bool(relinked) and any(paper.arxiv_id in relinked for paper in papers)

    def settled_chunks(self, papers_newest_first: Sequence[Paper], size: int) -> int:
        """How many of the oldest stable chunks (topic_chunks) are kept: each whose papers and
        whose next chunk's papers were all first listed before `before` (its pager links the
        next chunk, or the first page when it is the newest)."""
        oldest_first = papers_newest_first[::-1]
        before = bisect_left(oldest_first, self.before, key=_FIRST_DAY)
        return max(before // size - 1, 0)


_FIRST_DAY = attrgetter("first_day")


def topic_chunks(papers_newest_first: tuple[Paper, ...], size: int) -> list[tuple[Paper, ...]]:
    """The full chunks of `size` papers counted from the oldest, each newest first (chunk 1 = oldest)."""
    oldest_first = papers_newest_first[::-1]
    return [oldest_first[start : start + size][::-1] for start in range(0, len(oldest_first) - size + 1, size)]


class PageRenderer:
    def __init__(
        self,
        env: jinja2.Environment,
        model: SiteModel,
        related: RelatedLists | None = None,
        statuses: tuple[SourceStatus, ...] = (),
        about: str | None = None,
    ) -> None:
        self.env = env
        self.model = model
        self.related = related or {}
        self.statuses = statuses
        self.topic_titles = {topic.slug: topic.title for topic in model.topics}
        self.topic_counts = {slug: len(papers) for slug, papers in model.papers_by_topic.items()}
        self.about = render_markdown(about) if about is not None else None  # about.md, read by the build
        self._rows: dict[tuple[str, str, bool, bool], Markup] = {}
        env.globals.update(
            site=model.settings.site,
            paper_path=paper_path,
            day_path=day_path,
            topic_path=topic_path,
            topic_titles=self.topic_titles,
            topic_counts=self.topic_counts,
            topic_descriptions={t.slug: render_markdown(t.description) for t in model.topics},
            topics=model.topics,
            tags=model.tags,
            has_about=self.about is not None,
            card=self.card,
            row=self.row,
            # Called by paper.html, so only pages that are rendered pay for it.
        )
        macros = env.get_template("_macros.html").module
        self._card_macro = macros.paper_card  # type: ignore[attr-defined]
        self._row_macro = macros.paper_row  # type: ignore[attr-defined]

    def card(self, paper: Paper, root: str, level: int = 2) -> Markup:
        """A paper's card. Not kept: a paper has its card on its listing days' pages only (and on the
        index, at another depth), so keeping them held one per paper of the archive for nothing."""
        return self._card_macro(paper, root, level)

    def row(self, paper: Paper, root: str, show_org: bool = True, show_day: bool = True) -> Markup:
        """A paper's one-line row (topic, week, month and organization pages), rendered once per
        page depth: one paper shows on each of its topics, its week and its month."""
        memo_key = (paper.arxiv_id, root, show_org, show_day)
        html = self._rows.get(memo_key)
        if html is None:
            html = self._rows[memo_key] = self._row_macro(paper, root, show_org=show_org, show_day=show_day)
        return html

    def render(self, page: Page) -> bytes:
        # The 404 page is served at whatever path was missing: only absolute links work there.
        path = page.path
        root = self.model.settings.site.absolute_url if path == "404.html" else "../" * path.count("/")
        context = {"feed_slug": "all", "section": "", **(page.context() if callable(page.context) else page.context)}
        try:
            html = self.env.get_template(page.template).render(root=root, path=path, url=url_path(path), **context)
        except jinja2.TemplateError as error:
            # A theme edit gone wrong: name the template and the page, not a traceback.
            where = f"{error.filename}:{error.lineno}" if isinstance(error, jinja2.TemplateSyntaxError) else page.template
            raise BuildError(f"{where}: {type(error).__name__}: {error} (rendering {path}); fix the template") from None
        return html.encode("utf-8")

    def pages(
        self,
        paper_key: PaperKey,
        theme: bytes,
        paper_pages: Sequence[Paper] | None = None,
        unchanged: Unchanged | None = None,
    ) -> Iterator[Page]:
        """Every HTML page of the site, in a fixed order, with its key (see fingerprint.py).
        `paper_pages`: the papers whose pages to plan (default: all; the build leaves out those it
        knows unchanged, output/settled.py); `unchanged`: the day and topic pages it may keep."""
        from sitegen.output.fingerprint import digest

        model = self.model
        days = model.days
        latest = days[-1] if days else None
        yield Page(
            "index.html",
            "index.html",
            {
                "day": latest,
                "papers": model.papers_by_day.get(latest, ()) if latest else (),
                "day_topics": self._day_topics(latest) if latest else [],
                # An empty site explains itself: what the last fetch of each source saw.
                "sources": self.statuses,
                "section": "latest",
            },
        )
        for index, day in enumerate(days):
            papers = model.papers_by_day[day]
            previous_day = days[index - 1] if index > 0 else None
            next_day = days[index + 1] if index + 1 < len(days) else None
            path = f"{day_path(day)}index.html"
            if (
                unchanged
                and next_day is not None
                and next_day < unchanged.before
                and not unchanged.shows_relinked(papers)
                and unchanged.keep(path)
            ):
                continue
            yield Page(
                path,
                "day.html",
                {
                    "day": day,
                    "papers": papers,
                    "day_topics": self._day_topics(day),
                    "previous_day": previous_day,
                    "next_day": next_day,
                    "section": "archive",
                },
                digest(theme, b"day", str(day), str(previous_day), str(next_day), *map(paper_key, papers)),
            )
        months = calendar_months(model.days, model.papers_by_day)
        yield Page("archive/index.html", "archive.html", {"months": months, "section": "archive"})
        yield Page("topics/index.html", "topics.html", {"section": "topics"})
        for topic in model.topics:
            yield from self._topic_pages(topic.slug, paper_key, theme, unchanged)
        # The one loop over every paper of the archive in a plan: kept to lookups and one digest.
        # The page's context is made when it is rendered: the plan holds one page per paper,
        # and its related papers' lists made here were most of the plan's memory (about 2 KB a
        # paper), which every render worker would also copy as it read them.
        by_id, related_of = model.papers, self.related
        for paper in model.newest_first if paper_pages is None else paper_pages:
            listed = related_of.get(paper.arxiv_id, ())
            # A paper page shows its own paper and the titles of its related ones: theme and
            # version side by side are its key, with a digest of the related papers if any.
            key = theme + paper_key(paper)
            if listed:
                parts: list[bytes | str] = []
                for other_id, shares in listed:
                    parts += (paper_key(by_id[other_id]), other_id, "\x1e".join(shares))
                key += digest(*parts)
            yield Page(f"{paper_path(paper)}index.html", "paper.html", partial(self._paper_context, paper), key)
        # Pages that show nothing but the theme (about.md, the config and the templates are in it).
        yield Page("search/index.html", "search.html", {"section": "search"}, digest(theme, b"search"))
        if self.about is not None:
            yield Page("about/index.html", "about.html", {"about": self.about, "section": "about"}, digest(theme, b"about"))
        yield Page("404.html", "404.html", {}, digest(theme, b"404"))

    def _paper_context(self, paper: Paper) -> dict[str, Any]:
        """What a paper page shows: the paper and its related papers (Paper, shared words)."""
        by_id = self.model.papers
        related = [(by_id[other_id], shares) for other_id, shares in self.related.get(paper.arxiv_id, ())]
        return {"paper": paper, "authors_shown": AUTHORS_SHOWN, "related": related}

    def _day_topics(self, day: dt.date) -> list[tuple[str, int]]:
        """The topics of one day's papers with their counts, in the config's topic order."""
        counts = Counter(match.slug for paper in self.model.papers_by_day[day] for match in self.model.tags[paper.arxiv_id])
        return [(topic.slug, counts[topic.slug]) for topic in self.model.topics if counts[topic.slug]]

    def _topic_pages(self, slug: str, paper_key: PaperKey, theme: bytes, unchanged: Unchanged | None) -> Iterator[Page]:
        from sitegen.output.fingerprint import digest

        papers = self.model.papers_by_topic[slug]
        size = self.model.settings.page_size
        chunks = topic_chunks(papers, size)
        topic = self.model.topic(slug)
        common = {"topic": topic, "feed_slug": slug, "section": "topics", "size": size}
        # The first page: the newest papers; "older" leads to the newest full chunk. What it shows
        # besides them is the count and the number of chunks (the pager): its key, so a day that
        # adds nothing to the topic does not render it again.
        newest = papers[:size]
        yield Page(
            topic_path(slug) + "index.html",
            "topic.html",
            {**common, "papers": newest_day_then_upvotes(newest), "total": len(papers), **first_page_pager(len(chunks))},
            digest(theme, b"topic-first", slug, str(len(papers)), str(len(chunks)), *map(paper_key, newest)),
        )
        settled = unchanged.settled_chunks(papers, size) if unchanged else 0
        for number, chunk in enumerate(chunks, 1):
            path = f"{topic_path(slug, number)}index.html"
            if number <= settled and unchanged and not unchanged.shows_relinked(chunk) and unchanged.keep(path):
                continue
            # A chunk page shows nothing else that changes as the topic grows, so its key is its
            # papers and its neighbours.
            pager = chunk_page_pager(number, len(chunks))
            yield Page(
                path,
                "topic.html",
                {**common, "papers": SortedOnRead(chunk, newest_day_then_upvotes), "total": None, **pager},
                digest(theme, b"topic", slug, str(number), str(pager["newer_page"]), *map(paper_key, chunk)),
            )


def first_page_pager(chunk_count: int) -> dict[str, Any]:
    """The pager of a paginated list's first page (a topic's, an organization's): "older" leads
    to the newest full chunk, and the numbered links to the chunks are here only, since a chunk
    page never shows how many there are (it would change whenever a chunk is added)."""
    return {
        "page": None,
        "newer_page": None,
        "older_page": chunk_count or None,
        "page_links": page_window(chunk_count, chunk_count) if chunk_count else [],
    }


def chunk_page_pager(number: int, chunk_count: int) -> dict[str, Any]:
    """The pager of chunk `number` (1 = the oldest): "newer" from the newest chunk is the first
    page (None)."""
    return {
        "page": number,
        "newer_page": number + 1 if number < chunk_count else None,
        "older_page": number - 1 or None,
        "page_links": [],
    }


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
