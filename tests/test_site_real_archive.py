"""The whole saved Hugging Face archive (../shared/data/hf-daily-papers) becomes a complete site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import HF_REAL_DATA, run_sitegen
from linkcheck import site_problems
from real_archive import fill_store, write_config

pytestmark = pytest.mark.skipif(not HF_REAL_DATA.is_dir(), reason="../shared/data/hf-daily-papers is absent")
BASE = "https://owner.github.io/repo/"


def test_every_page_of_the_real_archive_exists_and_links_resolve(tmp_path: Path) -> None:
    count = fill_store(tmp_path / "data")
    config = write_config(tmp_path, base_url=BASE)
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    days = sorted(path.stem for path in HF_REAL_DATA.glob("*.json") if json.loads(path.read_bytes()))
    assert sorted(p.name for p in (output / "days").iterdir()) == days
    papers = {p.name for p in (output / "papers").iterdir() if (p / "index.html").is_file()}
    assert len(papers) == count > 8000
    assert (output / "search/index/manifest.json").is_file() and f"search index: {count} paper(s)" in result.stderr
    assert site_problems(output, BASE) == []  # no broken internal link, nothing from another host
