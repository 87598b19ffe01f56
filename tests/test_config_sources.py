"""The [sources.arxiv] and [fetch] keys: defaults, and every mistake reported at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitegen.config.load import parse_config
from sitegen.errors import ConfigError


def parse(document: dict) -> object:
    return parse_config({"site": {"title": "t"}, **document}, Path("/tmp/sitegen.toml"), {})


def test_arxiv_defaults():
    config = parse({"sources": {"arxiv": {"categories": ["cs.LG", "quant-ph", "astro-ph.GA"]}}})
    arxiv = config.sources.arxiv
    assert arxiv.categories == ("cs.LG", "quant-ph", "astro-ph.GA")
    assert (arxiv.include_cross_lists, arxiv.base_url, arxiv.api_base_url, arxiv.contact, arxiv.request_interval) == (
        True, "https://arxiv.org", "https://export.arxiv.org", None, 3.0,
    )
    assert config.sources.names() == ("arxiv",)
    assert (config.fetch.max_wait, config.fetch.heal_days, config.fetch.give_up_after) == (600.0, 14, 3)


def test_every_arxiv_mistake_at_once():
    with pytest.raises(ConfigError) as caught:
        parse({
            "sources": {"arxiv": {
                "categories": ["cs.LG", "machine learning"], "contact": "me at home", "request_interval": -1,
                "holidays": ["2026-12-25", "Christmas"], "include_crosslists": True, "base_url": "ftp://x",
            }},
            "fetch": {"max_wait": "long", "heal_days": -1},
        })
    assert caught.value.problems == [
        "fetch.max_wait: must be a number, got a string",
        "fetch.heal_days: must be at least 0, got -1",
        "sources.arxiv.categories[1]: 'machine learning' is not an arXiv category name such as \"cs.LG\" or \"quant-ph\"",
        "sources.arxiv.contact: must be an e-mail address or an http(s) URL (it goes into the User-Agent), got 'me at home'",
        "sources.arxiv.holidays[1]: must be a date YYYY-MM-DD, got 'Christmas'",
        'sources.arxiv.base_url: must be an http(s) URL such as "https://arxiv.org", got \'ftp://x\'',
        "sources.arxiv.request_interval: must be at least 0.0, got -1",
        'sources.arxiv.include_crosslists: unknown key; did you mean "include_cross_lists"?',
    ]


def test_categories_are_required():
    with pytest.raises(ConfigError, match=r"sources.arxiv.categories: is required: list the arXiv categories"):
        parse({"sources": {"arxiv": {}}})


def test_holidays_parse():
    config = parse({"sources": {"arxiv": {"categories": ["cs.LG"], "holidays": ["2026-12-25"]}}})
    assert config.sources.arxiv.holidays == (dt.date(2026, 12, 25),)
