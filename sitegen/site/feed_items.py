"""Feed items: what a feed reader shows for one paper, computed once per paper for every feed.

An item holds only what belongs to the paper itself (title, authors, abstract, the Hugging Face
AI summary, links) plus its topics, never a count that changes on its own (upvotes, stars,
comments), so its bytes stay the same from build to build and a reader never shows it as new
again. The one part that differs between feeds, "why it matched", is appended per feed.

Each item is capped before any feed file is: a title, an abstract, a summary and the author list
longer than any real paper's are cut (with an ellipsis and a link to the paper's page, where
everything is shown), so one huge record can neither empty a feed nor push the newest papers out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup

from sitegen.site.pages import paper_path, topic_path
from sitegen.site.site import SiteModel
from sitegen.store.models import Paper
from sitegen.text.clean import clean_line, clean_paragraphs, xml_safe
from sitegen.text.readable import readable

ALL_SLUG = "all"
# arXiv caps abstracts at 1,920 characters and titles far below these; longer text is broken or
# hostile and is cut in feeds. A capped item stays around 15 KB, so 50 items fit well in 1 MB.
MAX_TITLE_CHARS = 400
MAX_TEXT_CHARS = 4_000  # the abstract, and the AI summary, each
MAX_AUTHORS = 100
ELLIPSIS = "\u2026"


@dataclass(frozen=True, slots=True)
class ItemTopic:
    slug: str
    title: str
    url: str  # the topic's page, absolute
    why: str  # e.g. "matched 'diffusion' in the title"


@dataclass(frozen=True, slots=True)
class FeedItem:
    arxiv_id: str
    id: str  # version-less arXiv abstract URL: the GUID, forever
    url: str  # the paper's page on this site, absolute
    external_url: str  # the arXiv abstract page
    title: str  # TeX made readable, XML-safe
    authors: tuple[str, ...]  # every author, XML-safe
    date: dt.datetime  # the first listing day, UTC, plus a per-paper offset (see item_datetime)
    body_html: str  # authors, abstract paragraphs, AI summary, links: the same in every feed
    topics: tuple[ItemTopic, ...]  # every topic of the paper, in the config's order

    def html(self, feed_slug: str) -> str:
        """The item body for one feed: the shared body plus why it is in this feed."""
        reasons = [t for t in self.topics if feed_slug in (ALL_SLUG, t.slug)]
        if not reasons:
            return self.body_html
        why = "; ".join(f"{t.title}: {t.why}" for t in reasons)
        return self.body_html + str(Markup("<p><em>Why it matched: {}</em></p>\n").format(why))


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to at most `limit` characters at a word boundary, ending in an ellipsis; and
    whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + ELLIPSIS, True


def item_id(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def listing_datetime(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


SECONDS_PER_DAY = 86_400


def item_datetime(paper: Paper) -> dt.datetime:
    """The item's date: its first listing day, plus its arXiv sequence number in seconds.

    Atom wants distinct `updated` values (the W3C validator flags DuplicateUpdated when a day's
    entries share midnight). The offset comes from the id alone ("2605.00123" -> 00:02:03), so it
    stays within the listing day, is distinct among the papers of one day, and never changes
    when upvotes, ranks or later listings do: a reader never sees the item as updated.
    """
    sequence = int(paper.arxiv_id.rsplit("/", 1)[-1].rsplit(".", 1)[-1])
    return listing_datetime(paper.first_day) + dt.timedelta(seconds=sequence % SECONDS_PER_DAY)


@dataclass
class KeptItems:
    """Feed items kept from one build to the next (output/feed_cache.py). An item is made of the
    paper's store record, its tags and the theme (templates, config) alone, so the last build's
    item of a paper at the same store version, under the same theme, is the one this build would
    make. `known`: those; `made`: the items this build made or took, in its own process (those a
    forked worker made are not seen here); `shown`: the ids of the papers its feeds show."""

    known: Mapping[str, FeedItem] = field(default_factory=dict)
    made: dict[str, FeedItem] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)

    def to_keep(self) -> dict[str, FeedItem]:
        """The items of the papers the feeds show, as far as this build knows them."""
        made, known = self.made, self.known
        return {i: made.get(i) or known[i] for i in sorted(self.shown) if i in made or i in known}


class ItemFactory:
    """Builds each paper's FeedItem on first use and keeps it: one rendering per paper (and none
    for a paper whose item `kept` knows)."""

    def __init__(self, env: jinja2.Environment, model: SiteModel, kept: KeptItems | None = None) -> None:
        self.model = model
        self.template = env.get_template("feed_item.html")
        self.base = model.settings.site.absolute_url
        self.titles = {topic.slug: topic.title for topic in model.topics}
        self.kept = kept or KeptItems()
        self._items = self.kept.made

    def item(self, paper: Paper) -> FeedItem:
        cached = self._items.get(paper.arxiv_id)
        if cached is None:
            cached = self.kept.known.get(paper.arxiv_id) or self._build(paper)
            self._items[paper.arxiv_id] = cached
        return cached

    def _build(self, paper: Paper) -> FeedItem:
        # The store's text is cleaned already; cleaning again here keeps a feed well-formed
        # whatever reaches it (control characters, lone surrogates, stray line breaks).
        title, _ = shorten(clean_line(readable(paper.title, paper.arxiv_id)) or paper.arxiv_id, MAX_TITLE_CHARS)
        abstract, abstract_cut = shorten(clean_paragraphs(readable(paper.abstract, paper.arxiv_id)), MAX_TEXT_CHARS)
        ai_summary, summary_cut = shorten(clean_paragraphs(readable(paper.ai_summary or "", paper.arxiv_id)), MAX_TEXT_CHARS)
        authors = tuple(shorten(name, MAX_TITLE_CHARS)[0] for name in map(clean_line, paper.authors) if name)
        url = f"{self.base}{paper_path(paper)}"
        body = self.template.render(
            paper=paper,
            authors=authors[:MAX_AUTHORS],
            more_authors=max(0, len(authors) - MAX_AUTHORS),
            paragraphs=abstract.split("\n\n") if abstract else [],
            ai_summary=ai_summary,
            cut=abstract_cut or summary_cut or len(authors) > MAX_AUTHORS,
            url=url,
        )
        topics = tuple(
            ItemTopic(m.slug, xml_safe(self.titles[m.slug]), f"{self.base}{topic_path(m.slug)}", xml_safe(m.why))
            for m in self.model.tags[paper.arxiv_id]
        )
        return FeedItem(
            arxiv_id=paper.arxiv_id,
            id=item_id(paper.arxiv_id),
            url=url,
            external_url=item_id(paper.arxiv_id),
            title=title,
            authors=authors[:MAX_AUTHORS],
            date=item_datetime(paper),
            body_html=xml_safe(body),
            topics=topics,
        )
