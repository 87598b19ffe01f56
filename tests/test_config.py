"""Config loading: every problem at once with its key path, did-you-mean, base URL derivation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config.load import derive_base_url, load_config
from sitegen.errors import ConfigError


def test_valid_config_loads_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text('[site]\ntitle = "T"\n[sources.huggingface]\n[topics.x]\ntitle = "X"\nany = ["a"]\n')
    config = load_config(path, environ={})
    assert config.store.path == tmp_path / "data"
    assert config.build.output == tmp_path / "output"
    assert config.sources.huggingface is not None and config.sources.huggingface.base_url == "https://huggingface.co"
    assert config.sources.huggingface.refetch_days == 3
    assert config.site.base_url is None and config.site.absolute_url == "http://127.0.0.1:8000/"
    assert [t.slug for t in config.topics] == ["x"]


def test_every_problem_is_reported_at_once_with_key_paths(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text(
        """
[site]
titel = "typo"
base_url = "ftp://example.org"

[sources.huggingface]
refetch_days = "three"

[topics.diffusion]
title = "Diffusion"
any = ["diffusion", "", 3]
nonee = ["survey"]

[topics."Bad Slug"]
title = "x"
"""
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert raised.value.problems == [
        "site.title: is required (a string)",
        "site.base_url: must be an http(s) URL such as \"https://owner.github.io/repo/\", got 'ftp://example.org'",
        'site.titel: unknown key; did you mean "title"?',
        "sources.huggingface.refetch_days: must be an integer, got a string",
        "topics.diffusion.any[1]: must not be empty",
        "topics.diffusion.any[2]: must be a string, got an integer",
        'topics.diffusion.nonee: unknown key; did you mean "none"?',
        'topics."Bad Slug": a topic\'s key is its URL slug: use lower-case letters, digits and hyphens, e.g. '
        '[topics.llm-reasoning]',
    ]
    assert str(raised.value).startswith(f"{path}: 8 config problems:\n  site.title")


def test_toml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text("[site\n")
    with pytest.raises(ConfigError, match="TOML syntax error"):
        load_config(path, environ={})
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml", environ={})


@pytest.mark.parametrize(
    ("repository", "cname", "expected"),
    [
        ("alice/papers", None, "https://alice.github.io/papers/"),
        ("Alice/Alice.github.io", None, "https://alice.github.io/"),
        ("alice/papers", "papers.example.org", "https://papers.example.org/"),
        ("", None, None),
    ],
)
def test_base_url_derived_from_github_repository(repository: str, cname: str | None, expected: str | None) -> None:
    assert derive_base_url(repository, cname) == expected


def test_explicit_base_url_wins_and_gets_a_trailing_slash(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text('[site]\ntitle = "T"\nbase_url = "https://example.org/sub"\n')
    assert load_config(path, environ={"GITHUB_REPOSITORY": "a/b"}).site.base_url == "https://example.org/sub/"
    path.write_text('[site]\ntitle = "T"\n')
    assert load_config(path, environ={"GITHUB_REPOSITORY": "a/b"}).site.base_url == "https://a.github.io/b/"
