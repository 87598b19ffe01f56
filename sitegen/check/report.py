"""`sitegen check`'s report as plain text (a terminal) or Markdown (a GitHub job summary).

Titles are scraped text: in Markdown every ASCII punctuation character is backslash-escaped
(CommonMark allows it for all of them), so a title can neither break the table (`|`), inject
HTML (`<`), nor turn into a link or TeX math (`$`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sitegen.check.run import BROAD_SHARE, RECENT_DAYS, CheckReport, TopicDiff
from sitegen.store.models import Paper

TITLE_WIDTH = 100
# Characters that can start emphasis, code, links, HTML, entities, math or break a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~&!{}#])")


def _short(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1].rstrip() + "…"


def _summary(report: CheckReport) -> list[str]:
    topics = len(report.stats)
    lines = [f"Config {report.config_path.name} is valid: {topics} topic{'s' if topics != 1 else ''}."]
    if report.papers:
        scope = f" (since {report.since})" if report.since else ""
        lines.append(
            f"Archive{scope}: {report.papers:,} papers first listed {report.first_day} to {report.newest_day}; "
            f"last {RECENT_DAYS} days = {report.window_start} to {report.newest_day} ({report.recent_papers:,} papers)."
        )
    return lines


# --- plain text ------------------------------------------------------------------------------


def render_text(report: CheckReport, max_listed: int = 20) -> str:
    lines = _summary(report)
    if report.papers:
        width = max([len("topic")] + [len(item.slug) for item in report.stats])
        lines += ["", f"{'topic':<{width}}  {'all time':>8}  {'share':>6}  {f'last {RECENT_DAYS} days':>12}"]
        for item in report.stats:
            lines.append(f"{item.slug:<{width}}  {item.count:>8,}  {item.share:>6.1%}  {item.recent_count:>12,}")
            lines.extend(f"    {_paper_line(paper)}" for paper in item.recent)
    if report.warnings:
        lines.append("")
        lines.extend(f"warning: {warning}" for warning in report.warnings)
    if report.against is not None:
        lines += ["", f"Changes against {report.against}:"]
        for diff in report.diffs:
            lines.append(f"  {_diff_heading(diff)}")
            lines.extend(_listed(diff, max_listed, lambda sign, text: f"    {sign} {text}", _paper_line))
    return "\n".join(lines) + "\n"


def _paper_line(paper: Paper) -> str:
    return f"{paper.first_day} {paper.arxiv_id} {_short(paper.title)}"


def _count(papers: tuple[Paper, ...]) -> str:
    return f"{len(papers):,} paper{'' if len(papers) == 1 else 's'}"


def _diff_heading(diff: TopicDiff) -> str:
    if diff.status == "new":
        return f"{diff.slug} (new topic): {_count(diff.added)}"
    if diff.status == "removed":
        return f"{diff.slug} (removed topic): had {_count(diff.removed)}"
    if diff.status == "unchanged":
        return f"{diff.slug}: unchanged"
    return f"{diff.slug}: +{len(diff.added):,} added, -{len(diff.removed):,} removed"


def _listed(diff: TopicDiff, max_listed: int, line: Callable[[str, str], str], paper_text: Callable[[Paper], str]) -> list[str]:
    """Lines for the papers a change adds and removes, at most `max_listed` each (0: all)."""
    if diff.status in ("new", "removed"):
        groups = [("+", diff.added)] if diff.status == "new" else [("-", diff.removed)]
    else:
        groups = [("+", diff.added), ("-", diff.removed)]
    out: list[str] = []
    for sign, papers in groups:
        shown = papers if max_listed <= 0 else papers[:max_listed]
        out.extend(line(sign, paper_text(paper)) for paper in shown)
        if len(papers) > len(shown):
            out.append(line(sign, f"… and {len(papers) - len(shown):,} more"))
    return out


# --- Markdown --------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _md_paper(paper: Paper) -> str:
    return f"{paper.first_day} [{md_escape(_short(paper.title))}](https://arxiv.org/abs/{paper.arxiv_id})"


def render_markdown(report: CheckReport, max_listed: int = 20) -> str:
    lines = ["## sitegen check", ""]
    lines += [md_escape(line) for line in _summary(report)]
    if report.papers:
        lines += [
            "",
            f"| Topic | All time | Share | Last {RECENT_DAYS} days | Recent papers |",
            "|---|--:|--:|--:|---|",
        ]
        for item in report.stats:
            recent = "<br>".join(_md_paper(paper) for paper in item.recent) or "—"
            lines.append(
                f"| {md_escape(item.title)} (`{item.slug}`) | {item.count:,} | {item.share:.1%} | {item.recent_count:,} | "
                f"{recent} |"
            )
    if report.warnings:
        lines += ["", f"**Warnings** (topics with no paper or more than {BROAD_SHARE:.0%} of all papers):", ""]
        lines += [f"- ⚠️ {md_escape(warning)}" for warning in report.warnings]
    if report.against is not None:
        lines += ["", f"### Changes against `{report.against.name}`", ""]
        changed = [diff for diff in report.diffs if diff.status != "unchanged"]
        if not changed:
            lines.append("No topic gains or loses a paper.")
        for diff in changed:
            listed = _listed(diff, max_listed, lambda sign, text: f"- {'➕' if sign == '+' else '➖'} {text}", _md_paper)
            if not listed:
                lines += [f"{md_escape(_diff_heading(diff))}.", ""]
                continue
            lines += ["<details>", f"<summary>{md_escape(_diff_heading(diff))}</summary>", ""]
            lines += listed
            lines += ["", "</details>", ""]
        unchanged = [diff.slug for diff in report.diffs if diff.status == "unchanged"]
        if unchanged:
            lines.append(f"Unchanged: {', '.join(f'`{slug}`' for slug in unchanged)}.")
    return "\n".join(lines).rstrip("\n") + "\n"
