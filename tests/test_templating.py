"""The build's Jinja environment: frozen globals render exactly what live ones do, and stay escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.site.templating import make_environment

MACROS = "{% macro shout(text) -%}<b>{{ prefix }}{{ text }}</b>{%- endmacro %}"
PAGE = '{% from "macros.html" import shout %}<p>{{ shout(title) }} {{ suffix }}</p>'


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "macros.html").write_text(MACROS, encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "later.html").write_text('{% from "macros.html" import shout %}{{ shout(suffix) }}', encoding="utf-8")
    return tmp_path


def test_frozen_globals_render_the_same_bytes_and_escape(templates: Path) -> None:
    env = make_environment(templates)
    env.globals.update(prefix="<i>", suffix="&")
    page = env.get_template("page.html")
    live = page.render(title="<script>")
    env.freeze_globals()
    # Loaded before the freeze (page, macros) and after it (later): the same globals reach both,
    # and untrusted text is escaped as before.
    assert page.render(title="<script>") == live == "<p><b>&lt;i&gt;&lt;script&gt;</b> &amp;</p>"
    assert env.get_template("later.html").render() == "<b>&lt;i&gt;&amp;</b>"


def test_globals_set_before_the_freeze_reach_templates_loaded_earlier(templates: Path) -> None:
    env = make_environment(templates)
    page = env.get_template("page.html")  # loaded while the globals are still being set
    env.globals.update(prefix="[", suffix="]")
    env.freeze_globals()
    assert page.render(title="x") == "<p><b>[x</b> ]</p>"
