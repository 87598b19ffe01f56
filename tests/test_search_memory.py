"""The search index's large chunks are indexed in the build's own process, the rest on every core,
and the files are the same as when everything is indexed in one process."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
import site_archive as A

from sitegen.search import index as search_index
from sitegen.search.index import write_search_index
from sitegen.store.models import Paper


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_large_chunks_are_indexed_here_each_chunk_once_with_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "TAIL", 4)
    papers = sorted(A.fill_store(tmp_path / "data").values(), key=lambda p: (p.first_day, p.arxiv_id))
    one_process = write_search_index(tmp_path / "one", papers)  # few papers: all in this process

    # Chunks of 16 papers or more are "large" now; the others go to a forked worker and this process.
    monkeypatch.setattr(search_index, "ALONE", 16)
    monkeypatch.setattr(search_index, "IN_PROCESS", 0)
    log = tmp_path / "indexed-by"
    original = search_index._write_chunk

    def recording(target: Path, chunk: Sequence[Paper]) -> None:
        with log.open("a", encoding="utf-8") as handle:  # a file: forked workers write it too
            handle.write(f"{os.getpid()} {len(chunk)}\n")
        original(target, chunk)

    monkeypatch.setattr(search_index, "_write_chunk", recording)
    split = write_search_index(tmp_path / "split", papers)

    indexed = [tuple(map(int, line.split())) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(size for _, size in indexed) == [3, 4, 16, 16]  # every chunk, once
    assert {pid for pid, size in indexed if size >= 16} == {os.getpid()}
    assert one_process.built == split.built == 4
    files = _contents(tmp_path / "one")
    assert len(files) > 20 and _contents(tmp_path / "split") == files
