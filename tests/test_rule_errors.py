"""A bad rule is a config problem with its key path (and, for a query, its column), all at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rules_helpers import topic

from sitegen.config.load import parse_config
from sitegen.errors import ConfigError
from sitegen.rules.tagging import Tagger

ROOT = Path(__file__).resolve().parent.parent


def problems(topic_table: dict) -> list[str]:
    document = {"site": {"title": "x"}, "topics": {"t": {"title": "T", **topic_table}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(document, Path("/fork/sitegen.toml"), {})
    return caught.value.problems


LIST_ERRORS = [
    (
        ["re:(unclosed"],
        'topics.t.any[0]: invalid regular expression "(unclosed": missing ), unterminated subpattern at position 0',
    ),
    (["re:x?"], 'topics.t.any[0]: regular expression "x?" matches an empty string, so it would match every paper'),
    (["re:"], 'topics.t.any[0]: "re:" needs a regular expression after the colon'),
    (["titel:diffusion"], 'topics.t.any[0]: unknown field "titel" in "titel:diffusion"; did you mean "title"?'),
    (
        ["venue:NeurIPS"],
        'topics.t.any[0]: unknown field "venue" in "venue:NeurIPS"; fields are title, abstract, authors, org, keywords, '
        'categories',
    ),
    (["title:"], 'topics.t.any[0]: "title:" needs a term after the colon'),
    (["rea*son"], 'topics.t.any[0]: "rea*son": "*" may only end a term, as a prefix wildcard such as reason*'),
    (["reason *"], 'topics.t.any[0]: "reason *": "*" must follow a word directly, as in reason*'),
    (["--"], 'topics.t.any[0]: "--" has no letter or digit to match'),
    (["a |"], 'topics.t.any[0]: "a |" has an empty alternative next to "|"'),
    ([""], "topics.t.any[0]: must not be empty"),
]


@pytest.mark.parametrize(("terms", "message"), LIST_ERRORS, ids=[m.split(": ", 1)[1][:40] for _, m in LIST_ERRORS])
def test_term_errors(terms: list[str], message: str) -> None:
    assert problems({"any": terms}) == [message]


def caret(query: str, column: int) -> str:
    return f"\n      {query}\n      {' ' * (column - 1)}^"


QUERY_ERRORS = [
    ("diffusion AND", 14, 'expected a term or "(" after AND, found the end of the query'),
    ("OR video", 1, 'expected a term or "(", found OR'),
    ("video NOT", 10, 'expected a term or "(" after NOT, found the end of the query'),
    ("(video OR 3D", 1, 'this "(" is never closed'),
    ('title:"diffusion model" AND (video OR 3D)) AND NOT survey', 42, '")" has no matching "("'),
    ("(video AND )", 12, 'expected a term or "(" after AND, found ")"'),
    ("()", 1, "empty parentheses"),
    ("video and 3D", 7, '"and": write AND, OR and NOT in capitals; to search for the word itself, quote it ("and")'),
    ('video OR "unclosed', 10, "this quote is never closed"),
    ('vid"eo', 4, 'a quote inside a word; put quotes around a whole phrase, as in title:"diffusion model"'),
    ('""', 1, "empty quotes"),
    ("video AND titel:x", 11, 'unknown field "titel" in "titel:x"; did you mean "title"?'),
    ('video AND re:"(x"', 11, 'invalid regular expression "(x": missing ), unterminated subpattern at position 0'),
    ("venue:(a OR b)", 1, '"venue:(" needs a field name before the colon (title, abstract, authors, org, keywords, categories)'),
]


@pytest.mark.parametrize(("query", "column", "message"), QUERY_ERRORS, ids=[q for q, _, _ in QUERY_ERRORS])
def test_query_errors_point_at_the_column(query: str, column: int, message: str) -> None:
    assert problems({"query": query}) == [f"topics.t.query: syntax error at column {column}: {message}{caret(query, column)}"]


def test_query_and_lists_are_exclusive() -> None:
    assert problems({"query": "video", "any": ["x"]}) == ["topics.t.query: use either query or the any/all/none lists, not both"]


def test_other_topic_keys() -> None:
    assert problems({"fields": ["title", "abstrct"], "categories": ["CS CL"], "min_upvotes": -1}) == [
        "topics.t.min_upvotes: must be at least 0, got -1",
        'topics.t.fields[1]: unknown field "abstrct"; did you mean "abstract"?',
        'topics.t.categories[0]: "CS CL" is not an arXiv category such as "cs.CL" or "cs"',
    ]


def test_every_problem_of_every_topic_at_once() -> None:
    document = {
        "site": {"title": "x"},
        "topics": {
            "a": {"title": "A", "any": ["re:(", "ok"], "all": ["LLM || language model"], "nne": ["x"]},
            "b": {"title": "B", "query": "x AND"},
        },
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(document, Path("/fork/sitegen.toml"), {})
    assert caught.value.problems == [
        'topics.a.nne: unknown key; did you mean "none"?',
        'topics.a.any[0]: invalid regular expression "(": missing ), unterminated subpattern at position 0',
        'topics.a.all[0]: "LLM || language model" has an empty alternative next to "|"',
        'topics.b.query: syntax error at column 6: expected a term or "(" after AND, found the end of the '
        f'query{caret("x AND", 6)}',
    ]


def test_tagger_rejects_a_bad_topic_built_in_code() -> None:
    with pytest.raises(ConfigError, match=r"topics\.t\.any\[0\]: invalid regular expression"):
        Tagger((topic(any=("re:[",)),))


def test_cli_reports_rule_errors_and_exits_1(tmp_path: Path) -> None:
    config = tmp_path / "sitegen.toml"
    config.write_text('[site]\ntitle = "x"\n[topics.t]\ntitle = "T"\nquery = "video OR"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--config", str(config), "check"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {config}: 1 config problem:\n"
        '  topics.t.query: syntax error at column 9: expected a term or "(" after OR, found the end of the '
        f'query{caret("video OR", 9)}\n'
    )
