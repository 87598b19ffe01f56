"""Config for publishing: [site] cname, [publish], and the base URL a fork gets without editing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config.load import derive_base_url, parse_config
from sitegen.errors import ConfigError


def parse(document: dict, environ: dict[str, str] | None = None):
    return parse_config({"site": {"title": "T"}, **document}, Path("/fork/sitegen.toml"), environ or {})


@pytest.mark.parametrize(
    ("repository", "cname", "expected"),
    [
        ("octo/paper-feeds", None, "https://octo.github.io/paper-feeds/"),
        ("Octo-Cat/Paper-Feeds", None, "https://octo-cat.github.io/Paper-Feeds/"),  # host is lower-case
        ("octo/octo.github.io", None, "https://octo.github.io/"),  # the user site lives at the root
        ("Octo/OCTO.github.io", None, "https://octo.github.io/"),
        ("octo/paper-feeds", "papers.example.org", "https://papers.example.org/"),  # a custom domain wins
        ("", None, None),  # not in Actions: local preview
    ],
)
def test_derive_base_url(repository: str, cname: str | None, expected: str | None) -> None:
    assert derive_base_url(repository, cname) == expected


def test_base_url_comes_from_github_repository_cname_or_config() -> None:
    assert parse({}, {"GITHUB_REPOSITORY": "octo/feeds"}).site.base_url == "https://octo.github.io/feeds/"
    assert parse({"site": {"title": "T", "cname": "papers.example.org"}}, {"GITHUB_REPOSITORY": "octo/feeds"}).site.base_url == "https://papers.example.org/"
    explicit = {"site": {"title": "T", "base_url": "https://example.net/papers"}}
    assert parse(explicit, {"GITHUB_REPOSITORY": "octo/feeds"}).site.base_url == "https://example.net/papers/"
    assert parse({}).site.base_url is None


def test_publish_defaults_and_keys() -> None:
    config = parse({})
    assert (config.publish.branch, config.publish.keep_commits) == ("gh-pages", 1)
    config = parse({"publish": {"branch": "pages", "keep_commits": 5}})
    assert (config.publish.branch, config.publish.keep_commits) == ("pages", 5)


def test_publish_and_cname_problems_are_reported_together() -> None:
    with pytest.raises(ConfigError) as caught:
        parse({
            "site": {"title": "T", "cname": "https://papers.example.org/"},
            "publish": {"keep_commit": 2, "keep_commits": 0, "branch": "gh pages"},
        })
    problems = caught.value.problems
    assert any(p.startswith("site.cname: must be a bare domain name") for p in problems)
    assert "publish.keep_commits: must be at least 1, got 0" in problems
    assert any(p.startswith("publish.branch: must be a plain git branch name") for p in problems)
    assert 'publish.keep_commit: unknown key; did you mean "keep_commits"?' in problems
