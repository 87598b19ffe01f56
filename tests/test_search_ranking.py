"""The shipped ranking (static/search-core.js, run by node over an index written by
sitegen.search.index): words in any order, phrases, prefixes, field weights, filters, CJK,
highlighting, deterministic ties; and that Python and JavaScript cut text into the same terms."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from sitegen.search import chunk as search_chunk
from sitegen.search import index as search_index
from sitegen.search.index import write_search_index
from sitegen.search.text import positioned
from sitegen.store.models import Organization, Paper

NODE = shutil.which("node")
RUNNER = REPO_ROOT / "tests" / "search_node.js"
REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "hf-daily-papers"
pytestmark = pytest.mark.skipif(NODE is None, reason="node is needed to run static/search-core.js (.ci/run installs it)")

FILLER = "We study a setting and report results on several benchmarks with careful ablations."


def paper(
    arxiv_id: str,
    title: str,
    abstract: str = FILLER,
    day: int = 1,
    authors: tuple[str, ...] = ("Ann Author",),
    org: str | None = None,
    summary: str | None = None,
) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors,
        listing_days=(dt.date(2025, 1, 1) + dt.timedelta(days=day),),
        organization=Organization(org) if org else None,
        ai_summary=summary,
    )


PAPERS = [
    paper(
        "2501.00001",
        "Low-Rank Adaptation of Large Language Models",
        "We freeze the weights and inject trainable rank decomposition matrices into each layer.",
        day=1,
        authors=("Edward Hu",),
        org="microsoft",
    ),
    paper(
        "2501.00002",
        "Vision Transformers Need Registers",
        "Registers remove artifacts in the feature maps of vision transformers.",
        day=2,
        authors=("Timothée Darcet",),
        org="meta",
    ),
    paper(
        "2501.00003",
        "Parameter-efficient tuning for ViT",
        "A low-rank adapter for a vision transformer: adaptation with few parameters.",
        day=3,
        authors=("Zhang Wei",),
    ),
    paper(
        "2501.00004",
        "Routing in sparse models",
        "Mixture of experts layers suffer routing collapse; experts of a mixture balance load.",
        day=4,
    ),
    paper(
        "2501.00005",
        "Experts everywhere",
        "A mixture of many experts, with a new routing scheme against collapse.",
        day=5,
        authors=("Geoffrey Hinton", "Ann Author"),
    ),
    paper("2501.00006", "大语言模型的推理能力", "我们研究大语言模型在数学推理上的表现。", day=6),
    paper(
        "2501.00007",
        "Protein folding with diffusion",
        FILLER,
        day=400,
        org="nvidia",
        summary="Folding proteins by denoising diffusion.",
    ),
    paper("2501.00008", "Another diffusion sampler", FILLER, day=401),
    paper("2501.00009", "Graph networks", "Message passing on graphs, with a diffusion kernel mentioned once.", day=402),
    paper("2501.00010", "Identical twins A", "Quantum annealing schedules.", day=500),
    paper("2501.00011", "Identical twins B", "Quantum annealing schedules.", day=500),
    paper("2501.00012", "Schrödinger bridges", "Naïve coupling of marginals.", day=501),
]


# A shard size small enough that the 200 papers below split the prefix "generatio" into files of
# its own, as a word common in a large archive does with the real size (SHARD_BYTES).
SPLIT_SHARD_BYTES = 100
THINGS = ("images", "music", "proteins", "code")


def typed_split_papers() -> list[Paper]:
    """200 papers, oldest first, one a day: every fifth has "generation" in its title, three
    others "generational" and two "generative"; the rest share no word starting with "gen"."""
    papers = []
    for n in range(200):
        thing = THINGS[n % len(THINGS)]
        if n % 5 == 0:
            title = f"Generation of {thing}"
        elif n in (3, 103, 153):
            title = f"Generational shifts in {thing}"
        elif n in (7, 107):
            title = f"Generative {thing}"
        else:
            title = f"Plain study of {thing}"
        papers.append(paper(f"2502.{n:05d}", title, day=n))
    return papers


def test_a_word_being_typed_is_completed_across_the_files_its_prefix_was_split_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_chunk, "SHARD_BYTES", SPLIT_SHARD_BYTES)
    monkeypatch.setattr(search_index, "TAIL", 256)  # one chunk
    folder = tmp_path / "index"
    write_search_index(folder, typed_split_papers())
    (chunk,) = json.loads((folder / "manifest.json").read_bytes())["chunks"]
    assert {"generati", "generatio"} <= set(chunk["splits"].split())  # what this test is about
    typing, typed, finished = ask(folder, {"query": "generatio", "top": 50}, {"query": "generation", "top": 50}, {"query": "gen"})
    # "generatio" finds every paper with a word that starts with it, in the files under it.
    assert typing["found"] == 43 and {"generation", "generational"} <= set(typing["words"])
    assert "generative" not in typing["words"]
    assert set(typing["ids"]) == set(typed["ids"]) and typed["found"] == 43
    # Only files that exist are asked for (the manifest lists them), for a split prefix too.
    assert typing["absent"] == typed["absent"] == finished["absent"] == []


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ranking") / "index"
    write_search_index(folder, sorted(PAPERS, key=lambda p: (p.first_day, p.arxiv_id)))
    return folder


def ask(index: Path, *requests: dict) -> list[dict]:
    lines = "".join(json.dumps(request) + "\n" for request in requests)
    done = subprocess.run([NODE, str(RUNNER), str(index)], input=lines, capture_output=True, text=True, timeout=120, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def ids(index: Path, query: str) -> list[str]:
    return ask(index, {"query": query})[0]["ids"]


def test_not_every_word_needs_to_match_and_more_matches_rank_higher(index: Path) -> None:
    found = ids(index, "low-rank adaptation vision transformer ")
    # The adapter paper has every word (in its abstract); the others have some.
    assert found[0] == "2501.00003"
    assert {"2501.00001", "2501.00002"} <= set(found)
    assert "2501.00004" not in found  # shares none of the words


def test_title_words_outrank_a_single_mention_in_the_abstract(index: Path) -> None:
    found = ids(index, "diffusion ")
    assert set(found[:2]) == {"2501.00007", "2501.00008"} and found[2] == "2501.00009"


def test_quoted_phrase_must_match_as_a_phrase(index: Path) -> None:
    assert set(ids(index, "mixture experts ")) == {"2501.00004", "2501.00005"}
    # Both abstracts hold both words; only one says "mixture of experts" (stop words keep their place).
    assert ids(index, '"mixture of experts"') == ["2501.00004"]
    assert ids(index, '"experts mixture"') == []


def test_a_phrase_deep_in_a_long_abstract_is_found(tmp_path: Path) -> None:
    # Positions are packed as text (sitegen/search/packed.py: one character per 5 bits), so a
    # phrase past the 1,024th word (three characters a position) must still match exactly.
    long = " ".join([FILLER] * 90)  # about 1,200 words
    papers = [
        paper("2503.00001", "Field notes", f"Quokka counts. {long} The quokka habitat survey."),
        paper("2503.00002", "More field notes", f"Habitat loss. {long} A quokka was seen.", day=2),
    ]
    folder = tmp_path / "index"
    write_search_index(folder, papers)
    queries = ({"query": '"quokka habitat"'}, {"query": "quokka habitat "}, {"query": '"habitat quokka"'})
    together, apart, reversed_order = ask(folder, *queries)
    assert together["ids"] == ["2503.00001"]
    assert set(apart["ids"]) == {"2503.00001", "2503.00002"}
    assert reversed_order["ids"] == []


def test_last_word_matches_as_a_prefix_while_typing(index: Path) -> None:
    assert ids(index, "regist") == ["2501.00002"]
    assert ids(index, "regist ") == []  # a finished word is a word
    answer = ask(index, {"query": "protein fold"})[0]
    assert answer["ids"][0] == "2501.00007" and "folding" in answer["words"]


def test_plurals_fold_and_case_and_accents_do_not_matter(index: Path) -> None:
    assert ids(index, "register ") == ["2501.00002"]  # "Registers"
    assert "2501.00002" in ids(index, "TRANSFORMER ")
    assert ids(index, "schrodinger naive ") == ["2501.00012"]


def test_author_org_and_date_filters(index: Path) -> None:
    assert ids(index, "experts author:hinton") == ["2501.00005"]
    assert ids(index, 'author:"geoffrey hinton"') == ["2501.00005"]
    assert ids(index, "diffusion org:nvidia") == ["2501.00007"]
    assert ids(index, "org:microsoft") == ["2501.00001"]
    # Day 400 and later fall in 2026: the year filter keeps only them.
    assert set(ids(index, "diffusion year:2026")) == {"2501.00007", "2501.00008", "2501.00009"}
    assert ids(index, "diffusion year:2025") == []
    assert set(ids(index, "quantum date:2026-05-16..2026-05-16")) == {"2501.00010", "2501.00011"}
    assert ask(index, {"query": "year:20x5"})[0]["problems"] == ["year:20x5 is not a year (2024 or 2023..2025)"]


def test_cjk_text_is_found_by_character_pairs(index: Path) -> None:
    assert ids(index, "语言模型") == ["2501.00006"]  # no spaces in the text or the query
    assert ids(index, "数学") == ["2501.00006"]
    assert ids(index, "推") == ["2501.00006"]  # one character typed: pairs starting with it


def test_equal_scores_are_ordered_newest_first_then_by_id_every_time(index: Path) -> None:
    first, second = ask(index, {"query": "quantum annealing"}, {"query": "quantum annealing"})
    assert first["ids"] == second["ids"] == ["2501.00011", "2501.00010"]
    assert first["scores"][0] == first["scores"][1]


def test_highlighting_marks_matched_words_only(index: Path) -> None:
    answer = ask(
        index, {"highlight": "Vision Transformers need registers, not 语言模型", "words": ["transformer", "语言", "言模"]}
    )[0]
    marked = [text for text, hit in answer["pieces"] if hit]
    assert marked == ["Transformers", "语言模"]
    assert "".join(text for text, _ in answer["pieces"]) == "Vision Transformers need registers, not 语言模型"


def test_python_and_javascript_cut_text_into_the_same_terms(index: Path) -> None:
    texts = [
        "Low-Rank Adaptation of Large Language Models (LoRA) — naïve Schrödinger ΟΔΟΣ 2.5x GPT-4o",
        "大语言模型的推理能力 and 日本語のテキスト 한국어 텍스트 mixed猫text ﬁne-tuning Straße",
        "studies approaches biases boxes processes analysis corpus gas ies a b c",
    ]
    if REAL_DATA.is_dir():
        for path in sorted(REAL_DATA.glob("*.json"))[::25]:
            for item in json.loads(path.read_bytes())[:10]:
                texts.append(
                    item["paper"]["title"] + "\n" + item["paper"]["summary"] + "\n" + item["paper"].get("ai_summary", "")
                )
    answers = ask(index, *({"positioned": text} for text in texts))
    for text, answer in zip(texts, answers, strict=True):
        assert answer["terms"] == positioned(text), text
