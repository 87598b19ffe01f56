"""Building feeds in-process from papers the test writes itself (no network, no store)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sitegen.config.load import Config, parse_config
from sitegen.fetch.sources.huggingface_parse import parse_api_json
from sitegen.rules.tag_all import tag_archive
from sitegen.site.feeds import MAX_FEED_BYTES, FeedRenderer
from sitegen.site.site import build_model
from sitegen.site.templating import make_environment
from sitegen.store.merge import merge_paper
from sitegen.store.models import Paper

REPO_ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/papers/"
TOPICS: dict[str, Any] = {
    "diffusion": {
        "title": "Diffusion models",
        "description": "Diffusion *everywhere*, [with links](https://x.org).",
        "any": ["diffusion"],
        "none": ["survey"],
    },
    "agents": {"title": "Agents", "description": "LLM agents.", "any": ["agent"]},
}


def make_config(
    topics: dict[str, Any] | None = None, max_items: int = 50, base_url: str = BASE_URL, title: str = "Test feeds"
) -> Config:
    document = {
        "site": {"title": title, "description": "Papers for *tests*.", "base_url": base_url, "language": "en"},
        "feeds": {"max_items": max_items},
        "topics": TOPICS if topics is None else topics,
    }
    # The config "lives" in the repository root, so the real templates and static files are used.
    return parse_config(document, REPO_ROOT / "sitegen.toml", {})


def paper(arxiv_id: str, day: str, title: str = "A paper", abstract: str = "An abstract.", **fields: Any) -> Paper:
    days = tuple(dt.date.fromisoformat(d) for d in ([day] if isinstance(day, str) else day))
    fields.setdefault("authors", ("Ada Lovelace", "Alan Turing"))
    fields.setdefault("sources", ("huggingface",))
    return Paper(arxiv_id=arxiv_id, title=title, abstract=abstract, listing_days=days, **fields)


def render_feeds(config: Config, papers: list[Paper] | dict[str, Paper], max_bytes: int = MAX_FEED_BYTES) -> dict[str, bytes]:
    by_id = papers if isinstance(papers, dict) else {p.arxiv_id: p for p in papers}
    model = build_model(config, by_id, *tag_archive(config.topics, by_id))
    renderer = FeedRenderer(make_environment(config.build.templates), model, max_bytes=max_bytes)
    return dict(renderer.feeds())


def write_outputs(outputs: dict[str, bytes], folder: Path) -> None:
    for path, content in outputs.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def load_real_archive(folder: Path) -> dict[str, Paper]:
    """Every paper of the real Hugging Face archive, parsed and merged as `sitegen fetch` would."""
    papers: dict[str, Paper] = {}
    for path in sorted(folder.glob("*.json")):
        for fresh in parse_api_json(path.read_bytes(), dt.date.fromisoformat(path.stem), str(path)):
            stored = papers.get(fresh.arxiv_id)
            papers[fresh.arxiv_id] = fresh if stored is None else merge_paper(stored, fresh)
    return papers


def json_items(content: bytes) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in json.loads(content)["items"]}
