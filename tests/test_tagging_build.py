"""The built site says why a paper is in a topic, on its page and in each feed item."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

ROOT = Path(__file__).resolve().parent.parent


def test_paper_page_and_feed_item_state_the_reason(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(
        f"""
[site]
title = "Test feeds"
[build]
templates = "{ROOT / 'templates'}"
static = "{ROOT / 'static'}"
[topics.video]
title = "Video generation"
any = ["title:video diffusion", "text-to-video"]
none = ["survey"]
[topics.rl]
title = "RL"
query = "RL AND NOT survey"
""",
        encoding="utf-8",
    )
    day = dt.date(2026, 5, 4)
    papers = (
        Paper("2605.00001", "Video-Diffusion at Scale", "A text to video model.", ("A B",), (day,)),
        Paper("2605.00002", "A Survey of Video Diffusion", "We survey RL.", ("A B",), (day,)),
        Paper("2605.00003", "World Models", "Real-world robots.", ("A B",), (day,)),
    )
    Store(tmp_path / "data").add_listing(DayListing("huggingface", day, papers))
    build(load_config(tmp_path / "sitegen.toml"))
    output = tmp_path / "output"

    page = html.unescape((output / "papers" / "2605.00001" / "index.html").read_text(encoding="utf-8"))
    assert "Video generation</a>: matched 'video diffusion' in the title; matched 'text-to-video' in the abstract" in page
    feed = html.unescape(html.unescape((output / "feeds" / "video.rss.xml").read_text(encoding="utf-8")))
    assert (
        "Why it matched: Video generation: matched 'video diffusion' in the title; matched 'text-to-video' in the abstract"
        in feed
    )
    # Excluded by `none`, and "world" is not the acronym RL: neither is in a topic.
    for arxiv_id in ("2605.00002", "2605.00003"):
        assert "Topics</h2>" not in (output / "papers" / arxiv_id / "index.html").read_text(encoding="utf-8")
    assert "2605.00002" not in (output / "feeds" / "rl.rss.xml").read_text(encoding="utf-8")
