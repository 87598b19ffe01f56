"""The Nu HTML checker (vnu-jar from npm, on Java 17) finds no error in any page type."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import site_archive as A
from conftest import REPO_ROOT
from site_fixtures import subpath_site  # noqa: F401

VNU = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = [
    "index.html",
    f"days/{A.DAYS[5].isoformat()}/index.html",
    "archive/index.html",
    "topics/index.html",
    "topics/diffusion/page/2/index.html",
    f"papers/{A.LONG_AUTHORS_PAPER}/index.html",
    "papers/2605.00006/index.html",
    f"papers/{A.MARKUP_PAPER}/index.html",
    "search/index.html",
    "weeks/2026-W21/index.html",
    "weeks/2026-W22/index.html",
    "months/2026-05/index.html",
    "orgs/index.html",
    "orgs/acme/index.html",
    "orgs/acme/page/1/index.html",
    "status/index.html",
    "about/index.html",
    "404.html",
]


def _vnu(*args: str) -> subprocess.CompletedProcess[str]:
    if not VNU.exists() or not shutil.which("java"):
        pytest.skip("needs Java 17 and `npm ci` (vnu-jar); .ci/run installs both")
    return subprocess.run(["java", "-jar", str(VNU), "--errors-only", *args], capture_output=True, text=True, timeout=300)


def test_pages_are_valid_html(subpath_site: Path) -> None:  # noqa: F811
    result = _vnu(*(str(subpath_site / page) for page in PAGES))
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_checker_reports_invalid_html(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p><div>block in p</div></span>")
    result = _vnu(str(page))
    assert result.returncode != 0 and "error" in result.stderr
