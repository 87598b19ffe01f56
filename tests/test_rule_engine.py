"""The fast tagger must say exactly what the reference matcher (one regex per term) says.

Checked on generated texts built from the pieces that make matching hard (hyphens, dashes,
accents, ligatures, capitals, plurals, punctuation inside words), and on the whole real archive
with the shipped topics and a stress set of topics.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import paper, topic

from sitegen.config.load import load_config
from sitegen.fetch.sources.huggingface_parse import parse_api_json
from sitegen.rules.normalize import fold, with_offsets
from sitegen.rules.reference import ReferenceTagger
from sitegen.rules.tagging import Tagger

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT.parent / "shared" / "data" / "hf-daily-papers"

TERMS = [
    "pre-training", "pretraining", "training", "reason*", "reasoning model*", "LLM", "LLM*", "RL",
    "language model", "chain-of-thought", "naive", "café", "strasse", "fine-tuning", "C++", "Llama-3.1",
    "GPT-4", "world model", "bias", "s", "es", "3D", "o1", "e", "model*", "title:model", "re:\\bo[1-4]\\b",
    "re:pre.?train", "abstract:reason*", "title:LLM", "x-y-z", "RL*", "_", "a_b", "ΑΛΦΑ", "élan", "ÉLAN",
]
PIECES = [
    "pre", "training", "Pre", "TRAINING", "pretraining", "-", " ", "  ", "–", "—", "\n", ",", ".", "LLM", "LLMs",
    "llm", "Llm", "s", "es", "reason", "reasoning", "Reasoner", "model", "models", "modeling", "language", "é",
    "e\u0301", "ß", "ss", "stra", "ﬁ", "ne", "tuning", "C", "++", "+", "3", ".1", "Llama", "llama", "RL", "rl",
    "world", "WORLD", "_", "a", "b", "GPT", "4", "o1", "O1", "chain", "of", "thought", "naïve", "naive", "café",
    "x", "y", "z", "bias", "biases", "ΑΛΦΑ", "αλφα", "élan", "ELAN", "3D", "3d", "\u00ad", "(", ")", "'",
]


def _tagger_pair() -> tuple[Tagger, ReferenceTagger]:
    topics = tuple(topic(f"t{index}", any=(term,)) for index, term in enumerate(TERMS))
    tagger = Tagger(topics)
    return tagger, ReferenceTagger(tagger.rules)


FAST, REFERENCE = _tagger_pair()
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(title=texts, abstract=texts)
def test_fast_tagger_agrees_with_reference_on_generated_text(title: str, abstract: str) -> None:
    item = paper(title=title or "x", abstract=abstract)
    assert tuple(m.slug for m in FAST.tag(item)) == REFERENCE.tag(item)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_offsets_map_every_folded_character_back(text: str) -> None:
    folded, offsets = with_offsets(text, folded=True)
    assert folded == fold(text)
    assert len(offsets) == len(folded) + 1
    assert offsets == sorted(offsets) and all(0 <= o <= len(text) for o in offsets)


@functools.cache
def _archive() -> list:
    papers: dict = {}
    for path in sorted(ARCHIVE.glob("*.json")):
        for item in parse_api_json(path.read_bytes(), dt.date.fromisoformat(path.stem), str(path)):
            papers.setdefault(item.arxiv_id, item)
    return list(papers.values())


STRESS = (
    topic("phrases", any=("language model", "chain-of-thought", "test-time scaling", "reasoning model*", "pre-training")),
    topic("acronyms", any=("RL", "LLM*", "GAN", "SAM", "VLM", "GPT-4", "MoE")),
    topic("complex", any=("C++", "Llama-3.1", "o1-preview", "re:\\bo[1-4]\\b", "title:re:^towards\\b")),
    topic("scoped", any=("title:agent*", "keywords:world model", "org:meta", "authors:Wang"), none=("title:survey",)),
    topic("query", query='(title:"diffusion model" OR video) AND NOT (survey OR benchmark*) AND NOT RL'),
    topic("all", any=("video", "image"), all=("LLM | language model | re:\\bVLMs?\\b", "generat*")),
)


@pytest.mark.parametrize("which", ["shipped", "stress"])
def test_fast_tagger_agrees_with_reference_on_the_real_archive(which: str) -> None:
    if not ARCHIVE.is_dir():
        pytest.skip(f"{ARCHIVE} is absent")
    papers = _archive()
    topics = load_config(ROOT / "sitegen.toml").topics if which == "shipped" else STRESS
    tagger = Tagger(topics)
    reference = ReferenceTagger(tagger.rules)
    disagreements = []
    counts = dict.fromkeys((t.slug for t in topics), 0)
    for item in papers:
        fast = tuple(m.slug for m in tagger.tag(item))
        if fast != reference.tag(item):
            disagreements.append((item.arxiv_id, fast, reference.tag(item)))
        for slug in fast:
            counts[slug] += 1
    assert disagreements == []
    # Every topic really is exercised, so this is not agreement on "nothing matches".
    assert all(count > 0 for count in counts.values()), counts
