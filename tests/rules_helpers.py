"""Small builders shared by the rule tests: papers and topics without a config file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitegen.config.topics import TopicConfig
from sitegen.rules.reference import ReferenceTagger
from sitegen.rules.tagging import Tagger
from sitegen.store.models import Organization, Paper


def paper(title: str = "Untitled", abstract: str = "", **fields: Any) -> Paper:
    values: dict[str, Any] = {
        "arxiv_id": "2401.00001",
        "title": title,
        "abstract": abstract,
        "authors": (),
        "listing_days": (dt.date(2024, 1, 2),),
    }
    if isinstance(fields.get("organization"), tuple):
        fields["organization"] = Organization(*fields["organization"])
    values.update(fields)
    return Paper(**values)


def topic(slug: str = "t", **rules: Any) -> TopicConfig:
    for key in ("any", "all", "none", "fields", "categories"):
        if isinstance(rules.get(key), list):
            rules[key] = tuple(rules[key])
    rules.setdefault("fields", ("title", "abstract"))
    return TopicConfig(slug=slug, title=slug.title(), description="", **rules)


def in_topic(config: TopicConfig, item: Paper) -> bool:
    """Whether `item` is in the topic, checked by the fast tagger AND the reference matcher."""
    tagger = Tagger((config,))
    fast = bool(tagger.tag(item))
    reference = bool(ReferenceTagger(tagger.rules).tag(item))
    assert fast == reference, f"fast tagger says {fast}, reference says {reference}"
    return fast
