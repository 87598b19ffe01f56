"""`sitegen explain` and `sitegen check` as a fork owner runs them: the real CLI on a real store."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.store.models import DayListing, Paper
from sitegen.store.store import Store

ROOT = Path(__file__).resolve().parent.parent

PAPERS = [
    ("2026-03-02", "2603.00001", "Chain-of-Thought Reasoning in Small Language Models",
     "We show that chain of thought prompting improves small LLMs on math word problems.", 40),
    ("2026-03-02", "2603.00002", "A Survey of Diffusion Models for Video", "We review video diffusion.", 5),
    ("2026-04-15", "2604.00003", "Video Diffusion with Temporal Attention", "A diffusion model for video generation.", 12),
    ("2026-04-15", "2604.00004", "Robots That Reason", "A robot policy trained with RL in a world model.", 8),
    ("2026-05-20", "2605.00005", "Quantization of LLMs to 2 Bits", "Post-training quantization for large language models.", 30),
    ("2026-05-20", "2605.00006", "Speech Tokenizers | <b>$x$</b>", "Neural audio codecs for speech.", 3),
]

CONFIG = """
[site]
title = "Test feeds"

[topics.reasoning]
title = "Reasoning"
any = ["reason*", "chain-of-thought"]
none = ["survey"]

[topics.video]
title = "Video generation"
query = "video AND diffusion AND NOT survey"

[topics.robotics]
title = "Robotics"
any = ["robot*"]
min_upvotes = 5

[topics.music]
title = "Music"
any = ["music"]
"""

OLD_CONFIG = """
[site]
title = "Test feeds"

[topics.reasoning]
title = "Reasoning"
any = ["reasoning"]

[topics.video]
title = "Video generation"
any = ["video"]

[topics.robotics]
title = "Robotics"
any = ["robot*"]
min_upvotes = 5

[topics.speech]
title = "Speech"
any = ["speech"]
"""


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    store = Store(tmp_path / "data")
    for day, arxiv_id, title, abstract, upvotes in PAPERS:
        date = dt.date.fromisoformat(day)
        item = Paper(arxiv_id, title, abstract, ("Ada Lovelace",), (date,), upvotes=upvotes, sources=("huggingface",))
        store.add_listing(DayListing("huggingface", date, (item,)))
    (tmp_path / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "old.toml").write_text(OLD_CONFIG, encoding="utf-8")
    return tmp_path


def sitegen(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_REPOSITORY", None)
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "--config", str(site / "sitegen.toml"), *args],
        capture_output=True, text=True, env=env, cwd=site,
    )


def test_explain_says_why_for_every_topic(site: Path) -> None:
    result = sitegen(site, "explain", "https://arxiv.org/abs/2603.00001v2")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == """\
2603.00001  Chain-of-Thought Reasoning in Small Language Models
listed 2026-03-02 · 40 upvotes · https://arxiv.org/abs/2603.00001

In 1 of 4 topics: reasoning

IN   reasoning (Reasoning)
     ✓ any: 'reason*' matched "Reasoning" in the title: Chain-of-Thought «Reasoning» in Small Language Models
         'chain-of-thought' matched "Chain-of-Thought" in the title: «Chain-of-Thought» Reasoning in Small Language Models
         'chain-of-thought' matched "chain of thought" in the abstract: We show that «chain of thought» prompting improves small LLMs on math…
     ✓ none: no excluded term matched ('survey')

OUT  video (Video generation)
     query: video AND diffusion AND NOT survey
     ✗ video: 'video' is not in the title and the abstract
     ✗ diffusion: 'diffusion' is not in the title and the abstract
     ✓ NOT survey: no excluded term matched ('survey')

OUT  robotics (Robotics)
     ✗ any: none of 'robot*' matched in the title and the abstract
     ✓ min_upvotes: 40 upvotes; at least 5 needed

OUT  music (Music)
     ✗ any: none of 'music' matched in the title and the abstract
"""  # noqa: E501 -- the CLI's output, verbatim
    )


def test_explain_shows_which_clause_excluded_a_paper(site: Path) -> None:
    result = sitegen(site, "explain", "2603.00002")
    assert result.returncode == 0, result.stderr
    assert "OUT  video (Video generation)\n" in result.stdout
    assert (
        "     ✗ NOT survey: excluded: 'survey' matched \"Survey\" in the title: A «Survey» of Diffusion Models for Video\n"
    ) in result.stdout


def test_explain_unknown_paper_is_a_clear_error(site: Path) -> None:
    result = sitegen(site, "explain", "2601.99999")
    assert result.returncode == 1
    assert result.stderr == (
        f"error: 2601.99999: not in the store ({site / 'data'}, 6 papers); fetch the day it was listed first: "
        "sitegen fetch --since YYYY-MM-DD --until YYYY-MM-DD\n"
    )
    result = sitegen(site, "explain", "not-an-id")
    assert (result.returncode, result.stderr) == (1, "error: 'not-an-id' is not an arXiv id; give one such as 2406.12345\n")


def test_check_counts_shares_recent_titles_and_warnings(site: Path) -> None:
    result = sitegen(site, "check")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == """\
Config sitegen.toml is valid: 4 topics.
Archive: 6 papers first listed 2026-03-02 to 2026-05-20; last 30 days = 2026-04-21 to 2026-05-20 (2 papers).

topic      all time   share  last 30 days
reasoning         2   33.3%             0
    2026-04-15 2604.00004 Robots That Reason
    2026-03-02 2603.00001 Chain-of-Thought Reasoning in Small Language Models
video             1   16.7%             0
    2026-04-15 2604.00003 Video Diffusion with Temporal Attention
robotics          1   16.7%             0
    2026-04-15 2604.00004 Robots That Reason
music             0    0.0%             0

warning: reasoning: matches 33.3% of all papers (more than 25%); narrow it with `all` or `none` terms so its feed stays readable
warning: music: matches no paper; try `sitegen explain ARXIV_ID` on a paper that should be in it
"""
    )


def test_check_since_limits_the_archive(site: Path) -> None:
    result = sitegen(site, "check", "--since", "2026-04-01")
    assert result.returncode == 0, result.stderr
    assert "Archive (since 2026-04-01): 4 papers first listed 2026-04-15 to 2026-05-20;" in result.stdout
    assert "reasoning         1   25.0%             0\n" in result.stdout


def test_check_against_lists_added_and_removed_papers(site: Path) -> None:
    result = sitegen(site, "check", "--against", str(site / "old.toml"))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.split("\n\n")[-1]
        == f"""\
Changes against {site / "old.toml"}:
  reasoning: +1 added, -0 removed
    + 2026-04-15 2604.00004 Robots That Reason
  video: +0 added, -1 removed
    - 2026-03-02 2603.00002 A Survey of Diffusion Models for Video
  robotics: unchanged
  music (new topic): 0 papers
  speech (removed topic): had 1 paper
    - 2026-05-20 2605.00006 Speech Tokenizers | <b>$x$</b>
"""
    )


def test_check_against_markdown_for_a_job_summary(site: Path) -> None:
    result = sitegen(site, "check", "--against", str(site / "old.toml"), "--markdown", "--max-listed", "1")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == """\
## sitegen check

Config sitegen.toml is valid: 4 topics.
Archive: 6 papers first listed 2026-03-02 to 2026-05-20; last 30 days = 2026-04-21 to 2026-05-20 (2 papers).

| Topic | All time | Share | Last 30 days | Recent papers |
|---|--:|--:|--:|---|
| Reasoning (`reasoning`) | 2 | 33.3% | 0 | 2026-04-15 [Robots That Reason](https://arxiv.org/abs/2604.00004)<br>2026-03-02 [Chain-of-Thought Reasoning in Small Language Models](https://arxiv.org/abs/2603.00001) |
| Video generation (`video`) | 1 | 16.7% | 0 | 2026-04-15 [Video Diffusion with Temporal Attention](https://arxiv.org/abs/2604.00003) |
| Robotics (`robotics`) | 1 | 16.7% | 0 | 2026-04-15 [Robots That Reason](https://arxiv.org/abs/2604.00004) |
| Music (`music`) | 0 | 0.0% | 0 | — |

**Warnings** (topics with no paper or more than 25% of all papers):

- ⚠️ reasoning: matches 33.3% of all papers (more than 25%); narrow it with \\`all\\` or \\`none\\` terms so its feed stays readable
- ⚠️ music: matches no paper; try \\`sitegen explain ARXIV\\_ID\\` on a paper that should be in it

### Changes against `old.toml`

<details>
<summary>reasoning: +1 added, -0 removed</summary>

- ➕ 2026-04-15 [Robots That Reason](https://arxiv.org/abs/2604.00004)

</details>

<details>
<summary>video: +0 added, -1 removed</summary>

- ➖ 2026-03-02 [A Survey of Diffusion Models for Video](https://arxiv.org/abs/2603.00002)

</details>

music (new topic): 0 papers.

<details>
<summary>speech (removed topic): had 1 paper</summary>

- ➖ 2026-05-20 [Speech Tokenizers \\| \\<b\\>\\$x\\$\\</b\\>](https://arxiv.org/abs/2605.00006)

</details>

Unchanged: `robotics`.
"""  # noqa: E501 -- the CLI's output, verbatim
    )


def test_check_with_an_empty_store_only_validates(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    result = sitegen(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Config sitegen.toml is valid: 4 topics.\n\n"
        f"warning: the store ({tmp_path / 'data'}) holds no papers yet: run `sitegen fetch` to check the topics on real papers\n"
    )


def test_check_against_a_broken_old_config_names_it(site: Path) -> None:
    (site / "old.toml").write_text('[site]\ntitle = "x"\n[topics.a]\ntitle = "A"\nany = ["re:("]\n', encoding="utf-8")
    result = sitegen(site, "check", "--against", str(site / "old.toml"))
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"error: {site / 'old.toml'}: 1 config problem:\n  topics.a.any[0]: invalid regular expression"
    )


def test_check_against_caps_long_lists(site: Path) -> None:
    (site / "old.toml").write_text(OLD_CONFIG.replace('any = ["reasoning"]', 'any = ["no-such-term"]'), encoding="utf-8")
    result = sitegen(site, "check", "--against", str(site / "old.toml"), "--max-listed", "1")
    assert result.returncode == 0, result.stderr
    assert (
        "  reasoning: +2 added, -0 removed\n    + 2026-04-15 2604.00004 Robots That Reason\n    + … and 1 more\n"
    ) in result.stdout


def test_check_since_after_the_last_paper(site: Path) -> None:
    result = sitegen(site, "check", "--since", "2027-01-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Config sitegen.toml is valid: 4 topics.\n\n"
        f"warning: the store ({site / 'data'}) has no paper first listed on or after 2027-01-01\n"
    )
