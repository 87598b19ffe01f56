"""Tagging speed: the fast tagger against the naive loop, on the real and a synthetic archive.

    python3 benchmarks/tagging.py [--data ../shared/data/hf-daily-papers] [--papers 100000]
                                  [--naive-sample 10000] [--repeat 3]

Topics: the 14 of the shipped sitegen.toml plus 16 more written here, 30 in all, using every
kind of term (phrases, wildcards, acronyms, field scopes, a regex, queries, `all` and `none`).

- real: every paper of ../shared/data/hf-daily-papers, parsed with the Hugging Face parser;
- synthetic: --papers papers made deterministically from the real ones (seeded): each title
  joins the halves of two real titles, each abstract takes sentences from three real abstracts,
  so the vocabulary and its frequencies are those of real papers, in new combinations.

The fast tagger (sitegen.rules.tagging.Tagger, what the build uses) and the naive loop
(sitegen.rules.reference.ReferenceTagger: per paper, every term's own regular expression on
every field) run in the same process, on the same papers; both must give the same topics, which
the script checks. "First pass" is a new Tagger's single run (its token memo starts empty, as
in a build); "warm" is the best of --repeat further runs. The naive loop runs on the first
--naive-sample papers of the synthetic archive (it is slow; its rate per paper does not depend
on how many it sees). Each set of topics is measured twice: as written (30 topics, no regex)
and with one topic's plain terms replaced by the issue's example regex. One process, one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.config.load import load_config  # noqa: E402
from sitegen.config.topics import TopicConfig  # noqa: E402
from sitegen.fetch.sources.huggingface_parse import parse_api_json  # noqa: E402
from sitegen.rules.normalize import token_text  # noqa: E402
from sitegen.rules.reference import ReferenceTagger  # noqa: E402
from sitegen.rules.tagging import Tagger  # noqa: E402
from sitegen.store.models import Paper  # noqa: E402

EXTRA_TOPICS = {
    "long-context": {"any": ("long-context", "long context", "context window*", "context length", "title:long video")},
    "rag": {"any": ("retrieval-augmented", "RAG", "title:retriev*", "dense retrieval", "reranking", "re-ranking")},
    "benchmarks": {"any": ("title:benchmark*", "title:bench", "title:leaderboard"), "none": ("survey",)},
    "world-models": {"query": '"world model" OR "world simulator" OR (title:world AND (model* OR simulat*))'},
    "graphs": {"any": ("graph neural network*", "GNN", "knowledge graph*", "title:graph*")},
    "time-series": {"any": ("time series", "time-series", "forecasting", "temporal forecasting")},
    "recommenders": {"any": ("recommender*", "recommendation system*", "title:recommend*", "click-through")},
    "science": {
        "any": (
            "protein*",
            "molecul*",
            "materials science",
            "chemistry",
            "weather forecasting",
            "climate",
            "AI for science",
            "scientific discovery",
        )
    },
    "math": {
        "any": ("theorem proving", "formal proof*", "Lean 4", "Lean4", "olympiad*", "title:math*", "MATH500", "GSM8K", "AIME")
    },
    "multilingual": {
        "any": ("multilingual", "cross-lingual", "low-resource language*", "machine translation", "title:translat*")
    },
    "evaluation": {"any": ("LLM-as-a-judge", "LLM as a judge", "LLM judge*", "title:evaluat*", "human evaluation")},
    "memory": {"any": ("title:memory", "long-term memory", "memory-augmented", "episodic memory", "agent memory")},
    "editing-knowledge": {"any": ("knowledge editing", "model editing", "title:editing knowledge", "factual recall")},
    "openai-models": {"any": ("o1", "o1-mini", "o1-preview", "o3", "o3-mini", "o4-mini", "GPT-4o", "title:GPT*")},
    "video-understanding": {
        "any": ("video understanding", "video question answering", "VideoQA", "long video*", "video LLM*"),
        "all": ("video | videos",),
    },
    "popular-diffusion": {"query": "title:(diffusion OR flow) AND NOT survey", "min_upvotes": 20},
}


def load_real(data: Path) -> list[Paper]:
    papers: dict[str, Paper] = {}
    for path in sorted(data.glob("*.json")):
        for paper in parse_api_json(path.read_bytes(), dt.date.fromisoformat(path.stem), str(path)):
            papers.setdefault(paper.arxiv_id, paper)
    return sorted(papers.values(), key=lambda p: (p.first_day, p.arxiv_id))


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def synthesize(real: Sequence[Paper], count: int, seed: int = 1) -> list[Paper]:
    """`count` papers recombined from `real`, the same for the same seed."""
    rng = random.Random(seed)
    sentences = [_SENTENCE.split(p.abstract) for p in real]
    start = dt.date(2024, 1, 1)
    out = []
    for index in range(count):
        a, b, c, d = (real[rng.randrange(len(real))] for _ in range(4))
        ta, tb = a.title.split(), b.title.split()
        title = " ".join(ta[: max(1, len(ta) // 2)] + tb[len(tb) // 2 :])
        parts: list[str] = []
        for source in rng.sample(sentences, 3):
            first = rng.randrange(len(source))
            parts.extend(source[first : first + rng.randint(1, 4)])
        out.append(
            replace(
                c,
                arxiv_id=f"{2400 + index // 100000 % 100:04d}.{index % 100000:05d}",
                title=title,
                abstract=" ".join(parts),
                authors=d.authors,
                listing_days=(start + dt.timedelta(days=index // 140),),
            )
        )
    return out


# The same topic written with the example regex instead of plain terms: a regex can't be
# judged from tokens, so it runs on every paper (see README, "Topic rules", on speed).
REGEX_VARIANT = {"openai-models": {"any": ("re:\\bo[1-4](?:-mini|-preview)?\\b", "GPT-4o", "title:GPT*")}}


def topics(with_regex: bool = False) -> tuple[TopicConfig, ...]:
    shipped = load_config(ROOT / "sitegen.toml").topics
    rules = {**EXTRA_TOPICS, **(REGEX_VARIANT if with_regex else {})}
    return shipped + tuple(TopicConfig(slug=slug, title=slug, description="", **r) for slug, r in rules.items())


def rates(run: Callable[[], object], papers: int, repeat: int) -> tuple[float, float]:
    """Papers per second over the best of `repeat` runs: (by CPU time, by wall-clock time).

    CPU time is what one core delivers; on a machine shared with other work it is the steadier
    figure, since wall-clock time also counts the time the scheduler gave to others.
    """
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        run()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return papers / min(cpu), papers / min(wall)


def measure(name: str, papers: list[Paper], sample: list[Paper], chosen: tuple[TopicConfig, ...], repeat: int) -> dict:
    start = time.perf_counter()
    tagger = Tagger(chosen)
    compile_ms = (time.perf_counter() - start) * 1000
    naive = ReferenceTagger(tagger.rules)
    # Same answers first: the comparison is only fair if both do the same job.
    mismatches = sum(1 for p in sample if tuple(m.slug for m in tagger.tag(p)) != naive.tag(p))
    if mismatches:
        raise SystemExit(f"{name}: the fast tagger and the naive loop disagree on {mismatches} papers")
    fresh = Tagger(chosen)  # timed from cold: its token memo starts empty, as in a build
    fast_cpu, fast_wall = rates(lambda: [fresh.tag(p) for p in papers], len(papers), 1)
    warm_cpu, warm_wall = rates(lambda: [tagger.tag(p) for p in papers], len(papers), repeat)
    naive_cpu, naive_wall = rates(lambda: [naive.tag(p) for p in sample], len(sample), max(1, repeat - 1))
    return {
        "name": name,
        "papers": len(papers),
        "sample": len(sample),
        "cold": (fast_cpu, fast_wall),
        "warm": (warm_cpu, warm_wall),
        "naive": (naive_cpu, naive_wall),
        "compile ms": compile_ms,
        "tagged": sum(1 for p in sample if tagger.tag(p)) / len(sample),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "hf-daily-papers")
    parser.add_argument("--papers", type=int, default=100_000, help="size of the synthetic archive")
    parser.add_argument("--naive-sample", type=int, default=10_000, help="synthetic papers the naive loop tags")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"{args.data}: no such folder; pass --data with the saved Hugging Face listings")
    real = load_real(args.data)
    synthetic = synthesize(real, args.papers, args.seed)
    rows = []
    for with_regex in (False, True):
        chosen = topics(with_regex)
        label = f"{len(chosen)} topics" + (", one `re:` term" if with_regex else "")
        rows.append(measure(f"real, {label}", real, real, chosen, args.repeat))
        rows.append(measure(f"synthetic, {label}", synthetic, synthetic[: args.naive_sample], chosen, args.repeat))
    print(f"Python {sys.version.split()[0]}, one process; papers/s by CPU time (by wall-clock time)\n")
    print("| archive, topics | papers | fast, first pass | fast, warm | naive loop | fast (warm) / naive |")
    print("|---|--:|--:|--:|--:|--:|")
    for row in rows:
        cold, warm, naive = row["cold"], row["warm"], row["naive"]
        on = "" if row["sample"] == row["papers"] else f" on {row['sample']:,}"
        print(
            f"| {row['name']} | {row['papers']:,} | {cold[0]:,.0f} ({cold[1]:,.0f}) | {warm[0]:,.0f} ({warm[1]:,.0f}) "
            f"| {naive[0]:,.0f} ({naive[1]:,.0f}){on} | {warm[0] / naive[0]:.1f}x |"
        )
    floor, _ = rates(lambda: [set(token_text(p.abstract).split()) for p in real], len(real), args.repeat)
    print(f"\npapers in at least one topic: {rows[0]['tagged']:.0%} (real); compiling 30 topics: {rows[0]['compile ms']:.0f} ms")
    # A yardstick for the machine's load: only cutting each abstract into its set of words, the
    # first step of the fast tagger (about 19 us per abstract on this machine when idle).
    print(f"yardstick, abstract -> set of words only: {1e6 / floor:.1f} us per paper ({floor:,.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
