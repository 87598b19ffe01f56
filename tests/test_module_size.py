"""The project rule "small modules with one job each": no module of the package passes 400 lines.

A module that grows past it is split by job (as config/load.py was into sources.py and topics.py),
not trimmed by squeezing lines together.
"""

from __future__ import annotations

from pathlib import Path

import sitegen

MAX_LINES = 400
PACKAGE = Path(sitegen.__file__).parent


def test_every_module_is_under_400_lines() -> None:
    # Not the templates Jinja compiled (site/precompiled.py): generated, never edited by hand.
    modules = sorted(path for path in PACKAGE.rglob("*.py") if "compiled_templates" not in path.relative_to(PACKAGE).parts)
    assert len(modules) > 50, f"found only {len(modules)} modules under {PACKAGE}"
    too_long = {}
    for module in modules:
        lines = len(module.read_text(encoding="utf-8").splitlines())
        if lines >= MAX_LINES:
            too_long[str(module.relative_to(PACKAGE.parent))] = lines
    assert not too_long, f"modules of {MAX_LINES} lines or more; split them by job: {too_long}"
