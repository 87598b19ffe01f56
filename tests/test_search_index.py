"""The static search index: what it finds, and that a build rebuilds only the chunks that changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import orjson
import pytest

import site_archive as A
from site_fixtures import subpath_site  # noqa: F401
from sitegen import search_index
from sitegen.search_index import normalize, shard_key, write_search_index
from sitegen.store import Store
from conftest import run_sitegen


def lookup(index: Path, word: str) -> list[tuple[str, bool]]:
    """(arXiv id, strong) for every paper holding `word`: the format as static/search.js reads it."""
    manifest = orjson.loads((index / "manifest.json").read_bytes())
    found = []
    for chunk in manifest["chunks"]:
        shard_file = index / chunk["dir"] / "t" / f"{shard_key(word)}.json"
        if not shard_file.exists():
            continue
        value = 0
        for delta in orjson.loads(shard_file.read_bytes()).get(word, []):
            value += delta
            doc = value >> 1
            block = orjson.loads((index / chunk["dir"] / "d" / f"{doc // manifest['block']}.json").read_bytes())
            found.append((block[doc % manifest["block"]][0], bool(value & 1)))
    return found


def test_index_finds_words_of_titles_abstracts_authors_and_organizations(subpath_site: Path) -> None:  # noqa: F811
    index = subpath_site / "search/index"
    assert lookup(index, A.SEARCH_WORD) == [(A.SEARCH_PAPER, False)]  # only in the abstract
    assert (A.LONG_AUTHORS_PAPER, True) in lookup(index, "number17")  # an author's name
    assert ("2605.00003", True) in lookup(index, "acme")  # the organization
    assert ("2605.00003", True) in lookup(index, "divergence")  # the title, TeX made readable
    assert ("2605.00001", True) in lookup(index, normalize("Ångström"))  # accents folded
    assert lookup(index, "the") == []  # a stop word is not indexed
    papers = Store(subpath_site.parent / "data").papers()
    manifest = orjson.loads((index / "manifest.json").read_bytes())
    ids = [doc[0] for chunk in manifest["chunks"] for block in sorted((index / chunk["dir"] / "d").glob("*.json"), key=lambda p: int(p.stem)) for doc in orjson.loads(block.read_bytes())]
    assert sorted(ids) == sorted(papers) and len(ids) == len(set(ids))


def test_teaser_cuts_at_a_word() -> None:
    assert search_index.teaser("short text") == "short text"
    long = "word " * 60
    cut = search_index.teaser(long)
    assert cut.endswith("word…") and len(cut) <= search_index.TEASER + 1


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_only_changed_chunks_are_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "CHUNK_SIZE", 10)
    papers = sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))
    index = tmp_path / "index"
    first = write_search_index(index, papers)
    assert (first.chunks, first.built) == (4, 4) and len(papers) == 39
    before = _files(index)

    again = write_search_index(index, papers)
    assert again.built == 0 and _files(index) == before

    # A new day: only the newest chunk changes; the others keep their files untouched.
    new = dataclasses.replace(papers[0], arxiv_id="2606.00001", title="A new day", listing_days=(dt.date(2026, 6, 1),))
    grown = write_search_index(index, [*papers, new])
    assert (grown.chunks, grown.built, grown.removed) == (4, 1, 1)
    after = _files(index)
    kept = [path for path in before if path in after and path != "manifest.json"]
    assert len(kept) > 0.7 * len(before) and all(after[path] == before[path] for path in kept)

    # A corrected title of an old paper rebuilds its chunk only.
    edited = [dataclasses.replace(papers[3], title="Corrected title"), *papers[:3], *papers[4:], new]
    edited.sort(key=lambda p: (p.first_day, p.arxiv_id))
    assert write_search_index(index, edited).built == 1


def test_a_second_build_writes_nothing(tmp_path: Path) -> None:
    output = A.make_site(tmp_path, "https://owner.github.io/repo/")
    before = _files(output)
    result = run_sitegen(tmp_path / "sitegen.toml", "build")
    assert result.returncode == 0, result.stderr
    assert "0 file(s) written" in result.stderr and "0 rebuilt" in result.stderr
    assert _files(output) == before
