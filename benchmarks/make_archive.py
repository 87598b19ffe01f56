"""Make a synthetic store of N papers, shaped like the real Hugging Face Daily Papers archive.

    python3 benchmarks/make_archive.py 100000 --out /tmp/bench100k/data [--seed 1] [--days 700]
    python3 benchmarks/make_archive.py 50 --out /tmp/bench100k/data --add-day   # one more day of 50

Distributions measured on ../shared/data/hf-daily-papers (8,207 items, 499 days, 2024-05-27 ..
2026-05-29) with a one-off script; quantiles are (p0, p10, p25, p50, p75, p90, p99, max):
- papers per listing day: 1, 7, 10, 15, 21, 28, 46, 50 (mean 16.4)
- title characters: 6, 47, 62, 77, 90, 102, 126, 175
- abstract characters: 165, 1021, 1194, 1381, 1581, 1774, 1913, 1923
- visible authors: 1, 3, 5, 7, 10, 15, 65, 664
- AI keywords: 0, 0, 0, 8, 11, 14, 21, 33
- share with TeX ($...$ or a backslash command) in title or abstract: 6.0%
- share with an organization: 24.8% (613 distinct; the top ones ~0.5-0.8% each)
- share with a GitHub repo: 35.2%; a project page: 26.6%; an AI summary: 58.2%
The same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.store.codec import paper_to_json  # noqa: E402
from sitegen.store.files import dump_json, read_json  # noqa: E402
from sitegen.store.models import Organization, Paper  # noqa: E402
from sitegen.store.store import SCHEMA_VERSION  # noqa: E402

QUANTILES = (0.0, 0.10, 0.25, 0.50, 0.75, 0.90, 0.99, 1.0)
TITLE_CHARS = (6, 47, 62, 77, 90, 102, 126, 175)
ABSTRACT_CHARS = (165, 1021, 1194, 1381, 1581, 1774, 1913, 1923)
AUTHORS = (1, 3, 5, 7, 10, 15, 65, 664)
KEYWORDS = (0, 0, 0, 8, 11, 14, 21, 33)
TEX_SHARE, ORG_SHARE, GITHUB_SHARE, PROJECT_SHARE, AI_SUMMARY_SHARE = 0.060, 0.248, 0.352, 0.266, 0.582
ORGANIZATIONS = 613
START_DAY = dt.date(2024, 1, 1)

# Filler of academic prose, and topic phrases: each paper draws one or two themes (as real
# papers do), so keyword topics match a realistic share of the archive rather than everything.
FILLER = [
    "we", "propose", "a", "novel", "framework", "method", "approach", "that", "which", "to", "of", "the", "and", "in", "for",
    "on", "with", "by", "from", "our", "results", "show", "significantly", "outperforms", "strong", "baselines", "across",
    "several", "tasks", "experiments", "demonstrate", "achieves", "improves", "performance", "accuracy", "while", "reducing",
    "cost", "compute", "latency", "data", "study", "analysis", "setting", "problem", "design", "simple", "effective", "scalable",
    "general", "robust", "new", "existing", "prior", "work", "limited", "however", "recent", "advances", "remain", "challenging",
    "address", "gap", "introduce", "present", "evaluate", "extensive", "public", "release", "open", "source", "further",
    "provide", "insights", "findings", "suggest",
]
THEMES = (
    "large language model", "chain-of-thought reasoning", "test-time scaling", "LLM agents", "tool use",
    "diffusion model", "video generation", "image generation", "multimodal model", "vision-language model",
    "reinforcement learning", "reward model", "quantization", "speculative decoding", "KV cache",
    "pre-training", "optimizer", "robot manipulation", "embodied agent", "medical imaging", "clinical notes",
    "jailbreak", "alignment", "speech recognition", "text-to-speech", "3D reconstruction", "point cloud",
    "retrieval-augmented generation", "code generation", "mathematical reasoning", "benchmark", "dataset",
    "graph neural network", "federated learning", "time series", "protein design", "weather forecasting",
)
TEX_SNIPPETS = ("$\\mathcal{O}(n^2)$", "$\\alpha$-divergence", "\\textit{zero-shot}", "$k$-NN", "$\\times 2$")
FIRST = [
    "Wei", "Li", "Zhang", "Chen", "Wang", "Liu", "Yang", "Maria", "John", "David", "Anna", "Sofia", "Ahmed", "Yuki", "Jose",
    "Olga", "Priya",
]
LAST = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Smith", "Garcia", "Kim", "Nguyen", "Müller", "Rossi", "Tanaka", "Singh", "Ivanova",
    "Silva",
]


def draw(rng: random.Random, quantiles: tuple[int, ...]) -> int:
    """Sample from a piecewise-linear distribution through the measured quantiles."""
    u = rng.random()
    i = min(bisect.bisect_right(QUANTILES, u), len(QUANTILES) - 1)
    lo_q, hi_q = QUANTILES[i - 1], QUANTILES[i]
    lo, hi = quantiles[i - 1], quantiles[i]
    return int(lo + (hi - lo) * ((u - lo_q) / (hi_q - lo_q)))


def text(rng: random.Random, chars: int, themes: tuple[str, ...] = (), capitalise: bool = False, repeats: int = 2) -> str:
    """Filler prose of about `chars` characters with each theme phrase woven in once or twice."""
    words: list[str] = []
    length = 0
    while length < chars:
        word = rng.choice(FILLER)
        words.append(word.capitalize() if capitalise else word)
        length += len(word) + 1
    for theme in themes:
        for _ in range(rng.randint(1, repeats)):
            words.insert(rng.randrange(len(words) + 1), theme)
    return " ".join(words)


def make_paper(rng: random.Random, serial: int, day: dt.date) -> Paper:
    themes = tuple(rng.sample(THEMES, rng.choice((1, 1, 2, 2, 3))))
    title_chars = max(6, draw(rng, TITLE_CHARS))
    title = text(rng, max(0, title_chars - len(themes[0])), themes[:1], capitalise=True, repeats=1)
    abstract = text(rng, max(100, draw(rng, ABSTRACT_CHARS) - sum(map(len, themes))), themes) + "."
    if rng.random() < TEX_SHARE:
        abstract = f"{rng.choice(TEX_SNIPPETS)} {abstract}"
    org = rng.randrange(ORGANIZATIONS) if rng.random() < ORG_SHARE else None
    return Paper(
        # Ids of the real shape: yymm.nnnnn, unique per serial.
        arxiv_id=f"{day:%y%m}.{serial % 100000:05d}",
        title=title,
        abstract=abstract,
        authors=tuple(f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(max(1, draw(rng, AUTHORS)))),
        listing_days=(day,),
        published=dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - dt.timedelta(days=2),
        upvotes=int(rng.paretovariate(1.2)) - 1,
        num_comments=rng.randrange(4),
        organization=Organization(f"org{org}", f"Organization {org}", None) if org is not None else None,
        github_repo=f"https://github.com/example/repo{serial}" if rng.random() < GITHUB_SHARE else None,
        github_stars=rng.randrange(2000) if rng.random() < GITHUB_SHARE else None,
        project_page=f"https://example.org/p{serial}/" if rng.random() < PROJECT_SHARE else None,
        ai_summary=text(rng, 150, themes[:1]) + "." if rng.random() < AI_SUMMARY_SHARE else None,
        ai_keywords=tuple(text(rng, 18) for _ in range(draw(rng, KEYWORDS))),
        sources=("huggingface",),
    )


def write_day(store: Path, day: dt.date, papers: list[Paper]) -> None:
    path = store / "papers" / f"{day.year:04d}" / f"{day.isoformat()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    records = {p.arxiv_id: paper_to_json(p) for p in sorted(papers, key=lambda p: p.arxiv_id)}
    path.write_bytes(dump_json({"schema": SCHEMA_VERSION, "day": day.isoformat(), "papers": records}))


def make_archive(store: Path, count: int, days: int, seed: int) -> None:
    rng = random.Random(seed)
    per_day, extra = divmod(count, days)
    serial = 0
    for index in range(days):
        # Skip weekends, like the real listings; ids stay unique because serial grows.
        day = START_DAY + dt.timedelta(days=index + 2 * (index // 5))
        size = per_day + (1 if index < extra else 0)
        papers = []
        for _ in range(size):
            papers.append(make_paper(rng, serial, day))
            serial += 1
        write_day(store, day, papers)


def add_day(store: Path, count: int, seed: int) -> dt.date:
    """Append one listing day of `count` new papers after the newest stored day."""
    newest = max(dt.date.fromisoformat(p.stem) for p in (store / "papers").glob("*/*.json"))
    day = newest + dt.timedelta(days=1)
    existing = sum(len(read_json(p)["papers"]) for p in (store / "papers").glob("*/*.json"))
    rng = random.Random(seed * 7919 + existing)
    write_day(store, day, [make_paper(rng, existing + i, day) for i in range(count)])
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="number of papers")
    parser.add_argument("--out", type=Path, required=True, help="store folder to create (the config's [store] path)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=700, help="listing days to spread the papers over")
    parser.add_argument("--add-day", action="store_true", help="append one day of COUNT papers to an existing store")
    args = parser.parse_args()
    if args.add_day:
        print(f"added {args.count} papers on {add_day(args.out, args.count, args.seed)}")
    else:
        make_archive(args.out, args.count, min(args.days, args.count), args.seed)
        print(f"wrote {args.count} papers over {min(args.days, args.count)} days into {args.out}")


if __name__ == "__main__":
    main()
