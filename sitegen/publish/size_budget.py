"""The size budget: a site that outgrows its host is stopped at publish, with what to do.

GitHub Pages refuses a published site over 1 GB (GitLab Pages too, and GitLab also refuses over
200,000 files), and an archive grows every day. So `[build] max_site_mb` (default 1000) is the
budget: `sitegen build` prints the site's size on every run and, from 80% of the budget on, a
warning naming the largest sections and what shrinks each; at 100% the build still completes
(the site is right, only too big), but `sitegen publish` refuses with the same explanation, so a
scheduled run fails loudly before the host rejects the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import PublishError
from sitegen.publish.site_size import OTHER, SiteSize, human_size, measure_site

WARN_SHARE = 0.8  # warn from this share of the budget on
MB = 1_000_000  # the unit of max_site_mb: decimal megabytes, as hosts state their limits
SECTIONS_NAMED = 3

# What makes each section smaller, in the words of the config keys (README "Configuration").
ADVICE: dict[str, str] = {
    "papers": "one page per paper, so it grows with the archive: fetch fewer sources or categories ([sources] in sitegen.toml)",
    "topics": (
        "fewer or narrower topics ([topics.<slug>] in sitegen.toml): a paper is listed on the page of every topic it matches"
    ),
    "feeds": "a smaller [feeds] max_items or [orgs] feed_items, a larger [orgs] min_papers, or fewer topics (3 feed files each)",
    "orgs": "a larger [orgs] min_papers (fewer organizations get pages and feeds), or [orgs] enabled = false",
    "search": "the search index, about 1 KB per paper: it grows with the archive",
    "days": "one page per listing day, each paper once: it grows with the archive",
    "weeks": "one page per week: it grows with the archive",
    "months": "one page per month: it grows with the archive",
    "static": "the theme's files ([build] static): keep its images and scripts small",
    OTHER: "the site-wide files (index, sitemap, 404 page)",
}
FILE_COUNT_ADVICE = "a larger [build] page_size puts more papers on each topic and organization page (fewer files)"


@dataclass(frozen=True)
class SizeBudget:
    size: SiteSize
    max_site_mb: float

    @property
    def share(self) -> float:
        return self.size.bytes / (self.max_site_mb * MB)

    @property
    def near(self) -> bool:
        return self.share >= WARN_SHARE

    @property
    def over(self) -> bool:
        return self.share >= 1.0

    def summary(self) -> str:
        """One line for every build: the size, the file count, the share of the budget."""
        return (
            f"site size: {human_size(self.size.bytes)} in {self.size.files:,} file(s), "
            f"{self.share:.0%} of [build] max_site_mb = {self.max_site_mb:g}"
        )

    def explanation(self) -> str:
        """What is big and what to do: the warning of a build, the refusal of a publish."""
        state = "is over" if self.over else "is near"
        lines = [
            (
                f"the site {state} its size budget: {human_size(self.size.bytes)} in {self.size.files:,} file(s) is "
                f"{self.share:.0%} of [build] max_site_mb = {self.max_site_mb:g} (GitHub Pages refuses a site over 1 GB; "
                "`sitegen publish` refuses from 100%)"
            ),
            "  largest sections and what makes each smaller:",
        ]
        for section in self.size.largest(SECTIONS_NAMED):
            name = "top-level files" if section.name == OTHER else f"{section.name}/"
            advice = advice_for(section.name)
            lines.append(f"    {name} {human_size(section.bytes)} in {section.files:,} file(s): {advice}")
        lines.append(f"    also: {FILE_COUNT_ADVICE}")
        lines.append(
            "  then run `sitegen build` again (it removes the pages it no longer writes); raise [build] max_site_mb "
            "only if your host allows a larger site"
        )
        return "\n".join(lines)


def advice_for(section: str) -> str:
    return ADVICE.get(section, f"the pages of {section}/")


def check_site_size(output: Path, max_site_mb: float) -> SizeBudget:
    return SizeBudget(measure_site(output), max_site_mb)


def refuse_over_budget(output: Path, max_site_mb: float) -> None:
    """Raise PublishError when the built site in `output` is at or over its budget."""
    budget = check_site_size(output, max_site_mb)
    if budget.over:
        raise PublishError(f"{output}: not published: {budget.explanation()}")
