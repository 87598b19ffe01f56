"""The static search index: what it finds, and that a build rebuilds only the chunks that changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import numpy as np
import orjson
import pytest
import site_archive as A
from conftest import run_sitegen
from site_fixtures import subpath_site  # noqa: F401
from test_search_ranking import NODE, SPLIT_SHARD_BYTES, ask, typed_split_papers

from sitegen.search import chunk as search_chunk
from sitegen.search import index as search_index
from sitegen.search.index import chunk_sizes, write_search_index
from sitegen.search.packed import DIGITS, pack, unpack
from sitegen.store.store import Store


def test_index_finds_words_of_titles_abstracts_authors_and_organizations(subpath_site: Path) -> None:  # noqa: F811
    index = subpath_site / "search/index"
    found = ask(
        index,
        {"query": A.SEARCH_WORD},
        {"query": "number17"},
        {"query": "org:acme"},
        {"query": "divergence"},
        {"query": "Ångström"},
        {"query": "the"},
    )
    assert found[0]["ids"] == [A.SEARCH_PAPER]  # only in the abstract
    assert A.LONG_AUTHORS_PAPER in found[1]["ids"]  # an author's name
    assert "2605.00003" in found[2]["ids"]  # the organization
    assert "2605.00003" in found[3]["ids"]  # the title, TeX made readable
    assert found[4]["found"] == 37  # accents folded: every paper but two (7 and 9) has an author Zoë Ångström
    assert found[5]["ids"] == []  # a stop word is not indexed
    papers = Store(subpath_site.parent / "data").papers()
    manifest = orjson.loads((index / "manifest.json").read_bytes())
    ids = [
        doc[0]
        for chunk in manifest["chunks"]
        for block in sorted((index / chunk["dir"] / "d").glob("*.json"), key=lambda p: int(p.stem))
        for doc in orjson.loads(block.read_bytes())
    ]
    assert sorted(ids) == sorted(papers) and len(ids) == len(set(ids))
    assert manifest["papers"] == len(papers)


def test_teaser_cuts_at_a_word() -> None:
    assert search_chunk.teaser("short text") == "short text"
    long = "word " * 60
    cut = search_chunk.teaser(long)
    assert cut.endswith("word…") and len(cut) <= search_chunk.TEASER + 1


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_chunk_sizes_depend_on_the_count_alone() -> None:
    assert chunk_sizes(8206) == [4096, 4096, 14]
    assert chunk_sizes(100_000) == [65536, 16384, 16384, 1024, 256, 256, 64, 64, 32]
    assert chunk_sizes(63) == [63] and chunk_sizes(64) == [64] and chunk_sizes(0) == []


@pytest.mark.skipif(NODE is None, reason="node runs static/search-core.js")
def test_only_changed_chunks_are_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "TAIL", 4)
    papers = sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))
    index = tmp_path / "index"
    first = write_search_index(index, papers)
    assert (first.chunks, first.built) == (4, 4) and len(papers) == 39  # 16 + 16 + 4 + 3
    before = _files(index)

    again = write_search_index(index, papers)
    assert again.built == 0 and _files(index) == before

    # A new day: only the newest chunk changes; the others keep their files untouched.
    new = dataclasses.replace(
        papers[0], arxiv_id="2606.00001", title="A new day for zebrafish", listing_days=(dt.date(2026, 6, 1),)
    )
    grown = write_search_index(index, [*papers, new])
    assert (grown.chunks, grown.built, grown.removed) == (4, 1, 1)
    after = _files(index)
    kept = [path for path in before if path in after and path not in ("manifest.json", "head.json")]  # rewritten daily, small
    assert len(kept) > 0.7 * len(before) and all(after[path] == before[path] for path in kept)
    rewritten = sum(len(content) for path, (content, _) in after.items() if path not in kept and path != "head.json")
    assert rewritten < 0.25 * sum(len(content) for content, _ in after.values())
    # ...and the new paper is found, ranked by the query's words, and by its first two letters.
    found = ask(index, {"query": "zebrafish new day"}, {"query": "ze"})
    assert found[0]["ids"][0] == "2606.00001"
    assert "2606.00001" in found[1]["ids"] and "zebrafish" in found[1]["words"]

    # A corrected title of an old paper rebuilds its chunk only.
    edited = [dataclasses.replace(papers[3], title="Corrected title"), *papers[:3], *papers[4:], new]
    edited.sort(key=lambda p: (p.first_day, p.arxiv_id))
    assert write_search_index(index, edited).built == 1


def test_chunks_indexed_in_forked_workers_equal_those_indexed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "TAIL", 4)
    papers = sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))
    here = write_search_index(tmp_path / "here", papers)
    monkeypatch.setattr(search_index, "IN_PROCESS", 0)  # fork for these few papers too
    forked = write_search_index(tmp_path / "forked", papers)
    assert here.built == forked.built == 4
    files = {path: content for path, (content, _) in _files(tmp_path / "here").items()}
    assert {path: content for path, (content, _) in _files(tmp_path / "forked").items()} == files
    assert len(files) > 20


def test_a_second_build_writes_nothing(tmp_path: Path) -> None:
    output = A.make_site(tmp_path, "https://owner.github.io/repo/")
    before = _files(output)
    result = run_sitegen(tmp_path / "sitegen.toml", "build")
    assert result.returncode == 0, result.stderr
    assert "0 file(s) written" in result.stderr and "0 rebuilt" in result.stderr
    assert _files(output) == before


@pytest.mark.skipif(NODE is None, reason="node runs static/search-core.js")
def test_two_characters_are_answered_by_the_head_with_papers_that_have_such_a_word(tmp_path: Path) -> None:
    papers = sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))
    index = tmp_path / "index"
    write_search_index(index, papers)
    head = orjson.loads((index / "head.json").read_bytes())
    prefixes = sorted(head["prefixes"])
    assert len(prefixes) > 20
    answers = ask(index, *({"query": prefix} for prefix in prefixes))
    full = ask(index, *({"query": answer["words"][0] + " "} for answer in answers))  # a finished word: the chunks
    for prefix, answer, by_word in zip(prefixes, answers, full, strict=True):
        assert 1 <= len(answer["ids"]) <= 3 and all(word.startswith(prefix) for word in answer["words"])
        # Every paper shown has a word it matched: a full search for that word finds it too.
        assert set(answer["ids"]) & set(by_word["ids"]), (prefix, answer, by_word)
    # A two-character start of no word finds nothing, without asking the chunks.
    assert ask(index, {"query": "qx"})[0]["ids"] == []
    # The head is small: a few papers per prefix, no teasers.
    assert len((index / "head.json").read_bytes()) < 400 * len(prefixes)


def test_the_manifest_lists_every_shard_file_under_a_split_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page reads which files exist under a split prefix from the manifest (to complete a
    word being typed without asking for files that are not there): it must match the disk."""
    monkeypatch.setattr(search_chunk, "SHARD_BYTES", SPLIT_SHARD_BYTES)  # small: prefixes split
    papers = sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))
    index = tmp_path / "index"
    write_search_index(index, [*papers, *typed_split_papers()])
    for chunk in orjson.loads((index / "manifest.json").read_bytes())["chunks"]:
        splits, leaves = chunk["splits"].split(" "), chunk["leaves"].split("|")
        assert len(splits) == len(leaves) > 5
        listed, large = set(), set()
        for prefix, entry in zip(splits, leaves, strict=True):
            for key, star in re.findall(r"(=|[^=*])(\*?)", entry):
                listed.add(prefix if key == "=" else prefix + key)
                if star:
                    large.add(prefix if key == "=" else prefix + key)
        on_disk = {path.stem for path in (index / chunk["dir"] / "t").glob("*.json")}
        # A file marked large holds one common word's postings, more than a shard's worth.
        assert large
        for key in large:
            words = orjson.loads((index / chunk["dir"] / "t" / f"{search_chunk.file_name(key)}.json").read_bytes())
            assert [word for word in words if not word.startswith("@")] == [key]
            # The shard plan's estimate of its size (chunk.py: 4 bytes a posting, 3 a name's doc).
            estimate = sum(len(docs) * (3 if word.startswith("@") else 4) + len(word) for word, docs in words.items())
            assert estimate > SPLIT_SHARD_BYTES
        assert {search_chunk.file_name(key) for key in listed} <= on_disk
        # Every other file is a first character that was not split.
        others = on_disk - {search_chunk.file_name(key) for key in listed}
        assert all(len(name) == 1 or re.fullmatch(r"_[0-9a-f]+", name) for name in others), others
        assert not any(search_chunk.shard_key(key, splits) != key for key in listed)


def test_positions_are_packed_text_that_reads_back_exactly() -> None:
    # The phrase positions are written as text (packed.py), one character per 5 bits: numbers
    # across every digit boundary read back as written, and each takes the characters it should.
    values = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 2**40, 7]
    text, offsets = pack(np.array(values))
    assert unpack(text.decode("ascii")) == values
    assert np.diff(offsets).tolist() == [1, 1, 1, 2, 2, 3, 3, 4, 9, 1]
    assert set(text.decode("ascii")) <= set(DIGITS) and pack(np.array([], dtype=np.int64))[0] == b""
    with pytest.raises(ValueError):
        pack(np.array([3, -1]))
    with pytest.raises(ValueError):
        unpack("1W")  # ends inside a number
