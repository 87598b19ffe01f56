"""How long generating every feed takes for the real archive, with the default and with 30 topics.

Loads ../shared/data/hf-daily-papers (parsed and merged as `sitegen fetch` stores it), builds the
site model once per topic set (tagging is reported apart: it is not feed work), then times
`FeedRenderer.feeds()` end to end: every item rendered, RSS + Atom + JSON Feed for "all" and for
each topic, the 1 MB check, and the OPML file. Best of --repeat runs.

    python3 benchmarks/feeds.py [--repeat 3] [--max-items 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from feed_site import load_real_archive  # noqa: E402

from sitegen.config.load import Config, FeedsConfig, load_config  # noqa: E402
from sitegen.config.topics import TopicConfig  # noqa: E402
from sitegen.rules.tag_all import tag_archive  # noqa: E402
from sitegen.site.feeds import FeedRenderer  # noqa: E402
from sitegen.site.site import build_model  # noqa: E402
from sitegen.site.templating import make_environment  # noqa: E402

ARCHIVE = REPO.parent / "shared" / "data" / "hf-daily-papers"
# More topics a research group might follow, added to sitegen.toml's own until there are 30.
EXTRA_TOPICS = {
    "retrieval": ["retrieval-augmented", "RAG", "retrieval"],
    "code": ["code generation", "program synthesis", "software engineering"],
    "math": ["mathematical reasoning", "theorem proving", "math"],
    "safety": ["safety", "jailbreak", "red teaming"],
    "alignment": ["alignment", "preference optimization", "DPO"],
    "speech": ["speech", "text-to-speech", "ASR"],
    "video": ["video understanding", "video"],
    "three-d": ["3D", "Gaussian splatting", "NeRF"],
    "medical": ["medical", "clinical", "biomedical"],
    "benchmarks": ["benchmark", "evaluation"],
    "long-context": ["long context", "long-context"],
    "moe": ["mixture of experts", "MoE"],
    "tokenization": ["tokenizer", "tokenization"],
    "world-models": ["world model"],
    "driving": ["autonomous driving", "driving"],
    "documents": ["OCR", "document understanding", "chart"],
    "translation": ["machine translation", "multilingual"],
    "embeddings": ["embedding", "representation learning"],
    "segmentation": ["segmentation", "detection"],
    "data": ["synthetic data", "data curation", "dataset"],
    "interpretability": ["interpretability", "mechanistic"],
    "memory": ["memory", "continual learning"],
    "science": ["scientific discovery", "chemistry", "protein"],
}


def with_thirty_topics(config: Config) -> Config:
    """sitegen.toml's topics, then as many of EXTRA_TOPICS (not already there) as make 30."""
    taken = {topic.slug for topic in config.topics}
    extra = [
        TopicConfig(slug=slug, title=slug.replace("-", " ").title(), description=f"Papers about {terms[0]}.", any=tuple(terms))
        for slug, terms in EXTRA_TOPICS.items()
        if slug not in taken
    ]
    topics = config.topics + tuple(extra[: 30 - len(config.topics)])
    assert len(topics) == 30, f"only {len(topics)} topics: add more to EXTRA_TOPICS"
    return dataclasses.replace(config, topics=topics)


def measure(label: str, config: Config, papers: dict, repeat: int) -> None:
    started = time.perf_counter()
    model = build_model(config, papers, *tag_archive(config.topics, papers))
    tagging = time.perf_counter() - started
    env = make_environment(config.build.templates)
    timings, size, files = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        outputs = list(FeedRenderer(env, model).feeds())
        timings.append(time.perf_counter() - started)
        files, size = len(outputs), sum(len(content) for _, content in outputs)
    items = sum(min(len(model.papers_by_topic[t.slug]), t.max_items or config.feeds.max_items) for t in config.topics)
    items += min(len(model.newest_first), config.feeds.max_items)
    print(
        f"{label:>10}: {len(config.topics):2d} topics, {files} files ({size / 1e6:.1f} MB, {items} items per format): "
        f"feeds {min(timings):.3f} s best of {repeat} (runs {', '.join(f'{t:.3f}' for t in timings)}); "
        f"model+tagging {tagging:.1f} s (not feed work)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-items", type=int, default=50, help="feeds.max_items")
    args = parser.parse_args()
    if not ARCHIVE.is_dir():
        sys.exit(f"{ARCHIVE} not found: this benchmark needs the real archive")
    started = time.perf_counter()
    papers = load_real_archive(ARCHIVE)
    print(f"{len(papers)} papers from {len(list(ARCHIVE.glob('*.json')))} days, loaded in {time.perf_counter() - started:.1f} s")
    config = load_config(REPO / "sitegen.toml", environ={})
    config = dataclasses.replace(config, feeds=FeedsConfig(max_items=args.max_items))
    measure("default", config, papers, args.repeat)
    measure("30 topics", with_thirty_topics(config), papers, args.repeat)


if __name__ == "__main__":
    main()
