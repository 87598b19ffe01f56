"""Organizations: who published each paper (Hugging Face gives `name`, a handle, and `fullname`).

An organization is identified by its exact `name`. Its URL slug (`orgs/<slug>/`,
`feeds/orgs/<slug>.*`) is derived from the name and never from the free-text fullname:
- lower-cased, accents folded to ASCII, every run of other characters one hyphen, at most 60
  characters, no hyphen at either end ("ByteDance-Seed" -> "bytedance-seed"; empty -> "org");
- collisions ("Foo.Bar" and "foo-bar" both give "foo-bar"): the organization whose first paper
  was listed earliest (ties: the name in code-point order) keeps the plain slug, every other one
  gets "-" and the first 8 hex digits of the SHA-256 of its exact name appended. A new
  organization never takes a slug that an older one already has, so slugs stay put as the
  archive grows.

Names and fullnames are untrusted text: templates escape them, feeds pass them through xml_safe.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sitegen.config.load import OrgsConfig
from sitegen.store.models import Paper

MAX_SLUG = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def base_slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")[:MAX_SLUG].strip("-")
    return slug or "org"


def _hashed_slug(name: str, digits: int) -> str:
    return f"{base_slug(name)}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:digits]}"


def org_slugs(names_oldest_first: Sequence[str]) -> dict[str, str]:
    """A unique slug per name; `names_oldest_first` in order of each organization's first paper."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    later: list[str] = []
    for name in names_oldest_first:
        slug = base_slug(name)
        if slug in taken:
            later.append(name)
        else:
            slugs[name] = slug
            taken.add(slug)
    for name in later:
        # Longer hashes only if a plain slug happens to look like a hashed one (bounded: 64 hex digits).
        for digits in (8, 16, 64):
            slug = _hashed_slug(name, digits)
            if slug not in taken:
                break
        slugs[name] = slug
        taken.add(slug)
    return slugs


def org_path(slug: str, page: int | None = None) -> str:
    """The organization's first page (newest papers), or its stable chunk `page` (1 = the oldest)."""
    return f"orgs/{slug}/" if page is None else f"orgs/{slug}/page/{page}/"


@dataclass(frozen=True, slots=True)
class Org:
    name: str  # Hugging Face's handle, as given
    slug: str
    title: str  # the fullname of its newest paper, else the name
    papers: tuple[Paper, ...]  # newest first
    upvotes: int  # total over its papers
    has_page: bool  # enough papers ([orgs] min_papers) for a page and feeds


def build_orgs(newest_first: Sequence[Paper], config: OrgsConfig) -> tuple[Org, ...]:
    """Every organization, most papers first (ties: more upvotes, then the name). Empty when disabled."""
    if not config.enabled:
        return ()
    by_name: dict[str, list[Paper]] = {}
    for paper in newest_first:
        if paper.organization is not None:
            by_name.setdefault(paper.organization.name, []).append(paper)
    # Oldest first paper first (ties: the name), for the collision rule.
    first_seen = sorted(by_name, key=lambda name: (by_name[name][-1].first_day, name))
    slugs = org_slugs(first_seen)
    orgs = []
    for name, papers in by_name.items():
        newest_org = papers[0].organization
        assert newest_org is not None
        orgs.append(
            Org(
                name=name,
                slug=slugs[name],
                # Never an empty link text, whatever Hugging Face sends.
                title=(newest_org.fullname or "").strip() or name.strip() or slugs[name],
                papers=tuple(papers),
                upvotes=sum(p.upvotes or 0 for p in papers),
                has_page=len(papers) >= config.min_papers,
            )
        )
    return tuple(sorted(orgs, key=lambda org: (-len(org.papers), -org.upvotes, org.name)))


def linked_slugs(orgs: Iterable[Org]) -> dict[str, str]:
    """Organization name -> slug, for the organizations that have a page (cards link those)."""
    return {org.name: org.slug for org in orgs if org.has_page}
