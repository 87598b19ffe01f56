"""Known-item search quality on the real archive: can a reader find the paper they half remember?

    python3 benchmarks/search_quality.py [--per-kind 500] [--seed 1] [--data ../shared/data/hf-daily-papers]

Builds the search index of every saved Hugging Face day (sitegen.search.index, as `sitegen build`
does), then asks it queries made from one paper each, as imperfect as memory is:
  a. four distinctive words of the abstract (drawn at random from its twenty rarest) and one
     word the paper does not contain (a real word of the archive, in 20 to 400 papers);
  b. five distinctive words of Hugging Face's AI summary (drawn from its ten rarest);
  c. the title with one word dropped and the rest shuffled.
and, as a check that exact recall still wins, (d) four distinctive abstract words alone.
The new ranking runs as shipped: static/search-core.js under node (tests/search_node.js), the
last word of each query matching as a prefix as in the page. Today's search before this change
(every word must match; title, author or organization matches first, then newer) is
re-implemented here from its old script for the side-by-side figures. Prints, per kind, the
mean reciprocal rank over the first 20 results and the share found in the top 10.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from real_archive import REAL_DATA, fill_store  # noqa: E402

from sitegen.search.index import write_search_index  # noqa: E402
from sitegen.search.text import STOPWORDS, normalize  # noqa: E402
from sitegen.store.models import Paper  # noqa: E402
from sitegen.store.store import Store  # noqa: E402
from sitegen.text.tex import readable_tex  # noqa: E402

RUNNER = REPO / "tests" / "search_node.js"
TOP = 20
_OLD_WORD = re.compile(r"[^\W_]+")
_OLD_MARKS = re.compile("[\u0300-\u036f]")
_PLAIN = re.compile(r"[a-z]{4,}")


def old_words(text: str) -> set[str]:
    """The tokenizer of the search before this change (no plural folding)."""
    found = set(_OLD_WORD.findall(_OLD_MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))))
    return {w for w in found - set(STOPWORDS) if 2 <= len(w) <= 32}


class OldSearch:
    """Every query word must match (the last as a prefix); a word in the title, an author or the
    organization scores 3, in the abstract 1; equal scores newest first."""

    def __init__(self, papers: list[Paper]) -> None:
        self.papers = papers
        self.postings: defaultdict[str, dict[int, bool]] = defaultdict(dict)
        for number, paper in enumerate(papers):
            org = paper.organization
            strong = old_words(
                " ".join(
                    (readable_tex(paper.title), org.name if org else "", (org.fullname or "") if org else "", *paper.authors)
                )
            )
            for word in strong:
                self.postings[word][number] = True
            for word in old_words(readable_tex(paper.abstract)) - strong:
                self.postings[word][number] = False
        self.vocabulary = sorted(self.postings)

    def search(self, query: str) -> list[str]:
        words: list[str] = []
        for word in _OLD_WORD.findall(_OLD_MARKS.sub("", unicodedata.normalize("NFKD", query.lower()))):
            if 2 <= len(word) <= 32 and word not in STOPWORDS and word not in words:
                words.append(word)
        if not words:
            return []
        per_word = []
        for i, word in enumerate(words):
            docs: dict[int, bool] = dict(self.postings.get(word, {}))
            if i == len(words) - 1:
                start = bisect.bisect_left(self.vocabulary, word)
                for other in self.vocabulary[start:]:
                    if not other.startswith(word):
                        break
                    for doc, strong in self.postings[other].items():
                        docs[doc] = docs.get(doc, False) or strong
            per_word.append(docs)
        common = set.intersection(*(set(docs) for docs in per_word))
        scored = sorted(common, key=lambda doc: (-sum(3 if docs[doc] else 1 for docs in per_word), -doc))
        return [self.papers[doc].arxiv_id for doc in scored[:TOP]]


def make_queries(papers: list[Paper], per_kind: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    rng = random.Random(seed)
    df: Counter[str] = Counter()
    paper_words: dict[str, set[str]] = {}
    for paper in papers:
        words = set(
            _PLAIN.findall(
                normalize(" ".join((paper.title, paper.abstract, paper.ai_summary or "", *paper.authors, *paper.ai_keywords)))
            )
        )
        paper_words[paper.arxiv_id] = words
        df.update(words)
    common = sorted(word for word, count in df.items() if 20 <= count <= 400 and word not in STOPWORDS)

    def rarest(text: str, count: int) -> list[str]:
        words = sorted({w for w in _PLAIN.findall(normalize(text)) if w not in STOPWORDS}, key=lambda w: (df[w], w))
        return words[:count]

    sample = rng.sample(papers, min(per_kind, len(papers)))
    queries: dict[str, list[tuple[str, str]]] = {"a": [], "b": [], "c": [], "d": []}
    for paper in sample:
        distinctive = rarest(readable_tex(paper.abstract), 20)
        if len(distinctive) >= 4:
            four = rng.sample(distinctive, 4)
            absent = rng.choice(common)
            while absent in paper_words[paper.arxiv_id]:
                absent = rng.choice(common)
            mixed = [*four, absent]
            rng.shuffle(mixed)
            queries["a"].append((" ".join(mixed), paper.arxiv_id))
            queries["d"].append((" ".join(four), paper.arxiv_id))
        title_words = readable_tex(paper.title).split()
        if len(title_words) >= 3:
            dropped = title_words[:]
            del dropped[rng.randrange(len(dropped))]
            rng.shuffle(dropped)
            queries["c"].append((" ".join(dropped), paper.arxiv_id))
    with_summary = [p for p in papers if p.ai_summary]
    for paper in rng.sample(with_summary, min(per_kind, len(with_summary))):
        words = rarest(paper.ai_summary or "", 10)
        words = rng.sample(words, min(5, len(words)))
        if len(words) >= 3:
            queries["b"].append((" ".join(words), paper.arxiv_id))
    return queries


def new_search(index: Path, queries: list[str]) -> list[list[str]]:
    requests = "".join(json.dumps({"query": q, "top": TOP}) + "\n" for q in queries)
    done = subprocess.run(["node", str(RUNNER), str(index)], input=requests, capture_output=True, text=True, check=True)
    return [json.loads(line)["ids"] for line in done.stdout.splitlines()]


def figures(results: list[list[str]], wanted: list[str]) -> tuple[float, float, float]:
    ranks = [found.index(target) + 1 if target in found else None for found, target in zip(results, wanted, strict=True)]
    mrr = sum(1 / rank for rank in ranks if rank) / len(ranks)
    top10 = sum(1 for rank in ranks if rank and rank <= 10) / len(ranks)
    first = sum(1 for rank in ranks if rank == 1) / len(ranks)
    return mrr, top10, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=REAL_DATA)
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: no saved Hugging Face days here; pass --data")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        print(f"loading {args.data} ...", flush=True)
        fill_store(folder / "data", args.data)
        papers = sorted(Store(folder / "data").papers().values(), key=lambda p: (p.first_day, p.arxiv_id))
        started = time.perf_counter()
        write_search_index(folder / "index", papers)
        print(f"{len(papers)} papers indexed in {time.perf_counter() - started:.1f} s", flush=True)
        queries = make_queries(papers, args.per_kind, args.seed)
        old = OldSearch(papers)
        labels = {
            "a": "4 abstract words + 1 absent",
            "b": "AI-summary words",
            "c": "title, a word dropped, shuffled",
            "d": "4 exact abstract words (rank 1 share)",
        }
        print("\n| kind | queries | new MRR@20 | new top-10 | old MRR@20 | old top-10 |")
        print("|---|--:|--:|--:|--:|--:|")
        for kind, pairs in queries.items():
            texts, wanted = [q for q, _ in pairs], [t for _, t in pairs]
            started = time.perf_counter()
            new = figures(new_search(folder / "index", texts), wanted)
            elapsed = time.perf_counter() - started
            before = figures([old.search(q) for q in texts], wanted)
            extra = f" (first: new {new[2]:.1%}, old {before[2]:.1%})" if kind == "d" else ""
            print(
                f"| {kind}. {labels[kind]} | {len(pairs)} | {new[0]:.3f} | {new[1]:.1%} | {before[0]:.3f} | {before[1]:.1%} "
                f"|{extra} node {elapsed:.1f} s"
            )
        for kind in "abc":
            print(f"example {kind}: {queries[kind][0][0]!r} -> {queries[kind][0][1]}")


if __name__ == "__main__":
    main()
