"""The shipped theme's templates, compiled ahead (site/precompiled.py): a site built with them is
the site built from the template sources, and a theme that differs in any way is compiled from
its own sources."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import published_files, write_config

from sitegen.build import build
from sitegen.config.load import load_config
from sitegen.site import precompiled
from sitegen.site.templating import make_environment
from sitegen.store.models import DayListing, Organization, Paper
from sitegen.store.store import Store


def test_the_shipped_folder_holds_exactly_what_jinja_makes_of_the_templates() -> None:
    """Byte for byte, every file: so the folder is current, and no code but the templates' (a
    planted line in a generated module, an extra module) can be shipped in it."""
    env = make_environment(precompiled.SHIPPED_TEMPLATES, precompiled=False)
    if precompiled.made_by_jinja() != jinja2.__version__:
        # Made by another Jinja than the one installed (a new release since): never used, so
        # the build compiles the templates, and what the folder holds cannot be checked here.
        assert precompiled.precompiled_loader(env, precompiled.SHIPPED_TEMPLATES) is None
        assert not isinstance(make_environment(precompiled.SHIPPED_TEMPLATES).loader, jinja2.ModuleLoader)
        pytest.skip(f"compiled_templates/ was made by Jinja {precompiled.made_by_jinja()}, {jinja2.__version__} is installed")
    expected = precompiled.compiled_modules(env, precompiled.SHIPPED_TEMPLATES)
    shipped = {
        path.name: path.read_text(encoding="utf-8") for path in precompiled.COMPILED.iterdir() if path.name != "__pycache__"
    }
    assert shipped == expected, (
        "sitegen/site/compiled_templates/ is not what templates/ compiles to: run `python3 -m sitegen.site.precompiled`"
    )
    assert precompiled.precompiled_loader(env, precompiled.SHIPPED_TEMPLATES) is not None
    assert isinstance(make_environment(precompiled.SHIPPED_TEMPLATES).loader, jinja2.ModuleLoader)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = write_config(tmp_path / "site", "http://127.0.0.1:9")
    store = Store(tmp_path / "site" / "data")
    for index in range(8):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=index)
        papers = tuple(
            Paper(
                arxiv_id=f"2603.{3 * index + n:05d}",
                title=f"Study {n} of {topic} & <models> $\\alpha$",
                abstract=f"We study {topic}.\n\nMore.",
                authors=("Zoë Example", f"Author {index}"),
                listing_days=(day,),
                upvotes=index + n,
                sources=("huggingface",),
                organization=Organization("Lab", "The Lab") if n == 0 else None,
            )
            for n, topic in enumerate(["diffusion", "agent", "diffusion"])
        )
        store.add_listing(DayListing("huggingface", day, papers))
    return config


def test_a_site_built_with_the_shipped_compiled_templates_equals_one_compiled_from_source(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_archive = build(load_config(site, environ={}), tmp_path / "with")
    monkeypatch.setattr(precompiled, "COMPILED", tmp_path / "missing")
    from_source = build(load_config(site, environ={}), tmp_path / "source")
    assert published_files(with_archive.output) == published_files(from_source.output)


def test_a_folder_made_by_another_jinja_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_environment(precompiled.SHIPPED_TEMPLATES, precompiled=False)
    precompiled.write_compiled(env, precompiled.SHIPPED_TEMPLATES, tmp_path / "compiled")
    monkeypatch.setattr(precompiled, "COMPILED", tmp_path / "compiled")
    assert precompiled.made_by_jinja() == jinja2.__version__
    assert precompiled.precompiled_loader(env, precompiled.SHIPPED_TEMPLATES) is not None
    monkeypatch.setattr(jinja2, "__version__", "99.0.0")
    assert precompiled.precompiled_loader(env, precompiled.SHIPPED_TEMPLATES) is None


def test_an_edited_theme_is_compiled_from_its_own_templates(site: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(precompiled.SHIPPED_TEMPLATES, theme)
    base = theme / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<main id=", "<p>Our fork</p>\n<main id="), encoding="utf-8")
    site.write_text(site.read_text(encoding="utf-8").replace(precompiled.SHIPPED_TEMPLATES.as_posix(), theme.as_posix()))

    assert not isinstance(make_environment(theme).loader, jinja2.ModuleLoader)
    built = build(load_config(site, environ={}), tmp_path / "out")
    assert "<p>Our fork</p>" in (built.output / "index.html").read_text(encoding="utf-8")
    # A template added to the theme is not in the archive either: still compiled from the folder.
    (theme / "extra.html").write_text("{{ 1 }}", encoding="utf-8")
    assert not isinstance(make_environment(theme).loader, jinja2.ModuleLoader)
