"""A paper whose TeX the converter refuses is built and shown as written, with a warning naming it.

Issue 11: a title of `$` followed by 500 `{` was stored, and from then on every build died with
a RecursionError, so nothing was published again until someone edited the store by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import lxml.html
from conftest import run_sitegen, write_config

from sitegen.site.feed_items import MAX_TITLE_CHARS, shorten
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

DAY = dt.date(2026, 3, 2)
HOSTILE_TITLE = "$" + "{" * 500
HOSTILE_ABSTRACT = "We study $" + "\\frac{" * 500 + "x$ deeply."


def _paper(arxiv_id: str, title: str, abstract: str) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=("Ada Lovelace",),
        listing_days=(DAY,),
        upvotes=3,
        sources=("huggingface",),
    )


def test_a_title_too_deep_to_convert_builds_shown_as_written_with_a_warning(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    Store(tmp_path / "data").add_listing(
        DayListing(
            "huggingface",
            DAY,
            (
                _paper("2603.00001", HOSTILE_TITLE, HOSTILE_ABSTRACT),
                _paper("2603.00002", r"$\alpha$-divergence for agents", "An ordinary abstract."),
            ),
        )
    )

    result = run_sitegen(config, "build")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: paper 2603.00001: title shown as written, TeX not converted: its TeX nests deeper than 32 levels",
        "warning: paper 2603.00001: abstract shown as written, TeX not converted: its TeX nests deeper than 32 levels",
    ]
    output = tmp_path / "output"
    page = lxml.html.fromstring((output / "papers" / "2603.00001" / "index.html").read_bytes())
    assert page.xpath("string(//h1)") == HOSTILE_TITLE
    assert HOSTILE_ABSTRACT in page.text_content()
    # The neighbour is converted as always, and both are in the feed.
    other = lxml.html.fromstring((output / "papers" / "2603.00002" / "index.html").read_bytes())
    assert other.xpath("string(//h1)") == "α-divergence for agents"
    items = {item["id"]: item["title"] for item in json.loads((output / "feeds" / "all.json").read_bytes())["items"]}
    # (A feed item's title is cut at MAX_TITLE_CHARS with an ellipsis, as for any long title.)
    assert items == {
        "https://arxiv.org/abs/2603.00001": shorten(HOSTILE_TITLE, MAX_TITLE_CHARS)[0],
        "https://arxiv.org/abs/2603.00002": "α-divergence for agents",
    }

    # Every later build says it again (nothing was cached away), and still succeeds.
    again = run_sitegen(config, "build")
    assert again.returncode == 0, again.stderr
    assert [line for line in again.stderr.splitlines() if line.startswith("warning:")] == warnings
