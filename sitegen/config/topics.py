"""The `[topics]` table: each topic's rules, checked by compiling them (see README, Topic rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.config.reader import TableReader
from sitegen.rules.terms import DEFAULT_FIELDS
from sitegen.rules.topic import TopicRuleError, compile_topic

# Used with fullmatch: `$` would also accept a value ending in "\n".
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = frozenset({"all", "index", "weekly", "orgs"})  # feeds/weekly.*, feeds/orgs.opml
# Every topic adds a paginated listing and three feeds holding up to every paper of the archive,
# so the site grows with topics x papers; this cap keeps a typo or a generated config from
# filling the disk (10,000 topics once wrote 77 GB).
MAX_TOPICS = 200


@dataclass(frozen=True)
class TopicConfig:
    """One topic as written in the config; `sitegen.rules` compiles it (see README, Topic rules)."""

    slug: str
    title: str
    description: str
    any: tuple[str, ...] = ()  # one of these terms must match (if any are given)
    none: tuple[str, ...] = ()  # none of these may match
    max_items: int | None = None
    all: tuple[str, ...] = ()  # each entry must match; "|" separates alternatives
    fields: tuple[str, ...] = ("title", "abstract")  # where unscoped terms are looked for
    min_upvotes: int = 0
    categories: tuple[str, ...] = ()  # arXiv categories, any of ("cs.CL", or a whole archive "cs")
    query: str | None = None  # a boolean expression instead of the lists


def parse_topics(table: TableReader) -> tuple[TopicConfig, ...]:
    topics: list[TopicConfig] = []
    _check_topic_count(table)
    for slug in table.table:
        topic = table.subtable(slug)
        if not _SLUG.fullmatch(slug):
            table.problem(
                topic.path,
                "a topic's key is its URL slug: use lower-case letters, digits and hyphens, e.g. [topics.llm-reasoning]",
            )
        elif slug in RESERVED_SLUGS:
            table.problem(topic.path, f'"{slug}" is reserved (feeds/{slug}.* is used by the site); choose another slug')
        title = topic.text("title", nonempty=True, line=True)
        query = topic.text("query", "")
        config = TopicConfig(
            slug=slug,
            title=title or slug,
            description=topic.text("description", ""),
            any=topic.text_list("any"),
            none=topic.text_list("none"),
            max_items=topic.integer("max_items", None, minimum=1),
            all=topic.text_list("all"),
            fields=topic.text_list("fields", DEFAULT_FIELDS) or DEFAULT_FIELDS,
            min_upvotes=topic.integer("min_upvotes", 0, minimum=0),
            categories=topic.text_list("categories"),
            query=query if isinstance(query, str) and query.strip() else None,
        )
        topic.finish()
        topics.append(config)
        # Terms, regexes and the query are compiled now, so a bad rule is a config problem
        # reported with its key path (and column) together with every other problem.
        try:
            compile_topic(config)
        except TopicRuleError as error:
            for key, message in error.problems:
                topic.problem(topic.key_path(key), message)
    table.finish()
    # The owner's order is the display order (tomllib keeps it, so it is deterministic).
    return tuple(topics)


def _check_topic_count(table: TableReader) -> None:
    count = len(table.table)
    if count > MAX_TOPICS:
        table.problem(
            table.path,
            f"{count} topics are configured; at most {MAX_TOPICS} are allowed (each adds pages and feeds that can hold "
            "every paper): remove or merge topics",
        )
