"""Session-wide built sites for the site tests (built once, read by many tests).

Import the fixtures into a test module: `from site_fixtures import subpath_site, root_site`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from site_archive import make_site

SUBPATH_BASE = "https://owner.github.io/repo/"
ROOT_BASE = "https://papers.example.org/"
ABOUT = "# About these feeds\n\nThey list *papers*; see the [topics](../topics/). <b>Raw HTML</b> is shown as text.\n"


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive built for https://owner.github.io/repo/, with an about.md page."""
    return make_site(tmp_path_factory.mktemp("subpath"), SUBPATH_BASE, about=ABOUT)


@pytest.fixture(scope="session")
def root_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same archive built for a domain root, without an about page."""
    return make_site(tmp_path_factory.mktemp("root"), ROOT_BASE)
