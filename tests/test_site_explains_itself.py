"""A site without papers, or with papers but no fetch record, says what happened and where to look."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import site_archive as A
from conftest import run_sitegen


def text_of(path: Path) -> str:
    return " ".join(lxml.html.fromstring(path.read_bytes()).text_content().split())


def test_papers_without_a_ledger_are_shown_as_imported_not_as_never_fetched(tmp_path: Path) -> None:
    papers = A.fill_store(tmp_path / "data")
    shutil.rmtree(tmp_path / "data" / "sources")  # a store copied in without its fetch records
    result = run_sitegen(A.write_config(tmp_path, "https://o.github.io/r/"), "build")
    assert result.returncode == 0, result.stderr
    status = text_of(tmp_path / "output" / "status" / "index.html")
    assert f"Imported, never fetched: the store holds {len(papers)} papers from Hugging Face" in status
    assert "Not fetched yet" not in status and "Last successful day never" not in status
    document = json.loads((tmp_path / "output" / "status.json").read_text(encoding="utf-8"))
    (source,) = document["sources"]
    assert (source["name"], source["papers"], source["days"]) == ("huggingface", len(papers), {})


def test_an_empty_site_after_a_failed_fetch_shows_the_error_and_links_the_status_page(tmp_path: Path) -> None:
    config = A.write_config(tmp_path, "https://o.github.io/r/")
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    text = config.read_text(encoding="utf-8")
    config.write_text(text + '\n[sources.huggingface]\nbase_url = "http://127.0.0.1:9"\nrefetch_days = 1\n', encoding="utf-8")
    result = run_sitegen(config, "run")
    assert result.returncode != 0
    index = tmp_path / "output" / "index.html"
    page = lxml.html.fromstring(index.read_bytes())
    words = " ".join(page.text_content().split())
    assert "No papers yet." in words and "What the last fetch saw" in words
    errors = page.xpath("//ul[@class='empty-sources']//span[@class='error']")
    assert errors and errors[0].text_content().strip()  # the ledger's last error, as recorded
    assert page.xpath("//main//a[@href='status/']")
    assert "sitegen run" in words


def test_a_new_site_that_never_fetched_says_how_to_start(tmp_path: Path) -> None:
    config = A.write_config(tmp_path, "https://o.github.io/r/")
    (tmp_path / "data").mkdir()
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    words = text_of(tmp_path / "output" / "index.html")
    assert "Nothing has been fetched yet: run sitegen run" in words and "The status page shows" in words
