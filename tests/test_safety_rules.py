"""Topic rules written by a careless or hostile owner cannot freeze or break the build.

- a regular expression that backtracks catastrophically runs out of its time budget: the paper
  is left out of that topic with a warning naming topic and paper, and every other paper and
  topic is tagged as usual (the test is bounded by the CLI's subprocess timeout, never timed);
- regexes and queries that would cost too much to compile or to recurse over are config errors;
- a property test: whatever text is written as a term, regex or query, compiling gives a rule or
  the documented config error, and tagging hostile text with it gives topics, never an exception.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_sitegen
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import paper, topic

from sitegen.errors import ConfigError, RuleTimeout
from sitegen.rules.reference import PaperTexts, find
from sitegen.rules.tagging import Tagger
from sitegen.rules.terms import RuleError, parse_term
from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

DAY = dt.date(2026, 5, 4)
# Exponential for a backtracking engine: "a" * 40 followed by a character that is not "a".
EXPLOSIVE = "a" * 40 + "!"


def write_site(folder: Path, papers: tuple[Paper, ...], topics: str) -> Path:
    Store(folder / "data").add_listing(DayListing("huggingface", DAY, papers))
    config = folder / "sitegen.toml"
    config.write_text(
        f"""
[site]
title = "Feeds"
base_url = "https://o.github.io/r/"
[build]
templates = "{(REPO_ROOT / 'templates').as_posix()}"
static = "{(REPO_ROOT / 'static').as_posix()}"
{topics}
""",
        encoding="utf-8",
    )
    return config


def feed_ids(output: Path, slug: str) -> set[str]:
    items = json.loads((output / "feeds" / f"{slug}.json").read_text(encoding="utf-8"))["items"]
    return {item["url"].rstrip("/").rsplit("/", 1)[-1] for item in items}


def test_catastrophic_regex_leaves_one_paper_out_and_the_build_goes_on(tmp_path: Path) -> None:
    hostile = tuple(Paper(f"2605.0001{n}", EXPLOSIVE, "", ("A B",), (DAY,)) for n in range(4))
    ordinary = (
        Paper("2605.00001", "Diffusion models at scale", "A diffusion model.", ("A B",), (DAY,)),
        Paper("2605.00002", "Llama", "A llama.", ("C D",), (DAY,)),
    )
    config = write_site(
        tmp_path,
        ordinary + hostile,
        """
[topics.issue-example]
title = "The issue's example"
any = ["re:(a+)+$"]
[topics.explosive]
title = "Backtracks"
any = ["re:(a|aa)+$"]
[topics.diffusion]
title = "Diffusion"
any = ["diffusion"]
""",
    )
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    # The other topic and the regexes' ordinary matches are all there.
    assert feed_ids(output, "diffusion") == {"2605.00001"}
    assert "2605.00002" in feed_ids(output, "explosive")  # "Llama" ends in "a"
    assert "2605.00002" in feed_ids(output, "issue-example")
    # The hostile papers are not in the topic whose regex ran out of time on them ...
    assert not feed_ids(output, "explosive") & {p.arxiv_id for p in hostile}
    # ... and the warnings say which topic, which paper, and what to do. After three timeouts the
    # regex is not run again, so the fourth paper costs nothing and is counted instead.
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: topics.explosive:")]
    timed_out = [p.arxiv_id for p in hostile if any(f"on paper {p.arxiv_id}," in line for line in warnings)]
    assert len(timed_out) == 3, result.stderr
    assert all("'re:(a|aa)+$' ran out of its 0.1 s time budget" in line for line in warnings[:3])
    assert "simplify the expression" in warnings[0]
    assert "timed out 3 times, so it was not run on 1 more paper(s)" in warnings[3]
    # Every paper still has its page.
    assert all((output / "papers" / p.arxiv_id / "index.html").is_file() for p in ordinary + hostile)


def test_a_timed_out_paper_is_tried_again_by_the_next_build(tmp_path: Path) -> None:
    hostile = Paper("2605.00010", EXPLOSIVE, "", ("A B",), (DAY,))
    config = write_site(tmp_path, (hostile,), '[topics.explosive]\ntitle = "B"\nany = ["re:(a|aa)+$"]\n')
    first = run_sitegen(config, "build")
    second = run_sitegen(config, "build")
    assert first.returncode == second.returncode == 0
    # Its tags were not kept as if complete: the second build runs the regex (and warns) again.
    assert "on paper 2605.00010" in first.stderr and "on paper 2605.00010" in second.stderr


def test_check_warns_about_a_timed_out_regex(tmp_path: Path) -> None:
    hostile = Paper("2605.00010", EXPLOSIVE, "", ("A B",), (DAY,))
    config = write_site(tmp_path, (hostile,), '[topics.explosive]\ntitle = "B"\nany = ["re:(a|aa)+$"]\n')
    result = run_sitegen(config, "check")
    assert result.returncode == 0, result.stderr
    assert (
        "topics.explosive: the regular expression 're:(a|aa)+$' ran out of its 0.1 s time budget on paper 2605.00010"
        in result.stdout + result.stderr
    )


def test_explain_reports_a_timeout_as_a_clear_error() -> None:
    term = parse_term("re:(a|aa)+$")
    with pytest.raises(RuleTimeout, match=r"'re:\(a\|aa\)\+\$' ran out of its 0\.1 s time budget on the title"):
        find(term, "title", PaperTexts(paper(EXPLOSIVE), offsets=True))


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(a{1000}){1000}", "multiply to more than 10,000"),  # a million nodes: seconds to compile
        ("((a{100}){100}){100}", "multiply to more than 10,000"),
        ("a{99999999999999999999}", "multiply to more than 10,000"),
        ("(" * 21 + "a" + ")" * 21, "nests groups more than 20 deep"),
        ("a" * 1001, "1001 characters long; at most 1000"),
    ],
)
def test_regexes_too_costly_to_compile_are_refused(pattern: str, problem: str) -> None:
    with pytest.raises(RuleError, match="invalid regular expression") as caught:
        parse_term(f"re:{pattern}")
    assert problem in caught.value.message


@pytest.mark.parametrize(
    "pattern", [r"\bo[1-4](?:-mini|-preview)?\b", "a{1,100}", "[{}]{3}x", r"(\w+\s?){2,10}end", "(" * 20 + "a" + ")" * 20]
)
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    assert parse_term(f"re:{pattern}").is_regex


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("(" * 31 + "x" + ")" * 31, "nest more than 30 deep"),
        ("NOT " * 31 + "x", "nest more than 30 deep"),
        (" OR ".join(f"w{n}" for n in range(501)), "501 terms; at most 500"),
        ("x " * 5001, "at most 10,000 are allowed"),
    ],
)
def test_queries_too_deep_or_too_big_are_config_errors(query: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Tagger((topic(query=query),))
    assert caught.value.problems[0].startswith("topics.t.query: ") and problem in caught.value.problems[0]


# --- property: the rule compiler with hostile input -------------------------------------------

# Regex and query syntax, quotes, field prefixes, operators, and any other character.
_SYNTAX = st.sampled_from(
    list("()[]{}|*+?^$\\.,:-\"'!#<>=~ \n\t") + ["re:", "title:", "AND", "OR", "NOT", "(?", "\\1", "{9999}", "a"]
)
HOSTILE = st.lists(st.one_of(_SYNTAX, st.characters(), st.text(max_size=3)), max_size=40).map("".join)


def _compile_or_config_error(**rules: object) -> Tagger | None:
    try:
        return Tagger((topic(**rules),))
    except ConfigError as error:
        assert error.problems and all(p.startswith("topics.t.") for p in error.problems)
        return None


@settings(max_examples=200, deadline=None)
@given(rule=HOSTILE, text=HOSTILE)
def test_any_rule_text_compiles_or_is_a_config_error_and_tags_without_raising(rule: str, text: str) -> None:
    target = paper(title=text + EXPLOSIVE[:12], abstract=text * 3)
    for rules in ({"any": (rule,)}, {"any": (f"re:{rule}",)}, {"query": rule}, {"all": (rule,), "none": (f"title:re:{rule}",)}):
        if any(not value or (isinstance(value, tuple) and not value[0].strip()) for value in rules.values()):
            continue  # the config reader refuses empty strings before the compiler sees them
        tagger = _compile_or_config_error(**rules)
        if tagger is not None:
            tags = tagger.tag(target)
            assert {match.slug for match in tags} <= {"t"}
