"""Paper <-> JSON object, for the store. Absent or empty fields are omitted, keys sorted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitegen.models import Organization, Paper


def paper_to_json(paper: Paper) -> dict[str, Any]:
    record: dict[str, Any] = {
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "listing_days": [d.isoformat() for d in paper.listing_days],
        "sources": list(paper.sources),
    }
    optional: dict[str, Any] = {
        "published": paper.published.isoformat() if paper.published else None,
        "upvotes": paper.upvotes,
        "num_comments": paper.num_comments,
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.ai_keywords) or None,
        "thumbnail": paper.thumbnail,
        "submitter": paper.submitter,
        "categories": list(paper.categories) or None,
        "arxiv_comments": paper.arxiv_comments,
        "journal_ref": paper.journal_ref,
        "version": paper.version,
    }
    if paper.organization:
        optional["organization"] = {
            key: value
            for key, value in (
                ("name", paper.organization.name),
                ("fullname", paper.organization.fullname),
                ("avatar", paper.organization.avatar),
            )
            if value is not None
        }
    record.update({key: value for key, value in optional.items() if value is not None})
    return record


def paper_from_json(arxiv_id: str, record: dict[str, Any]) -> Paper:
    """Inverse of paper_to_json. Raises KeyError/TypeError/ValueError on a malformed record."""
    org = record.get("organization")
    published = record.get("published")
    return Paper(
        arxiv_id=arxiv_id,
        title=record["title"],
        abstract=record["abstract"],
        authors=tuple(record["authors"]),
        listing_days=tuple(dt.date.fromisoformat(d) for d in record["listing_days"]),
        published=dt.datetime.fromisoformat(published) if published else None,
        upvotes=record.get("upvotes"),
        num_comments=record.get("num_comments"),
        organization=Organization(org["name"], org.get("fullname"), org.get("avatar")) if org else None,
        github_repo=record.get("github_repo"),
        github_stars=record.get("github_stars"),
        project_page=record.get("project_page"),
        ai_summary=record.get("ai_summary"),
        ai_keywords=tuple(record.get("ai_keywords", ())),
        thumbnail=record.get("thumbnail"),
        submitter=record.get("submitter"),
        categories=tuple(record.get("categories", ())),
        arxiv_comments=record.get("arxiv_comments"),
        journal_ref=record.get("journal_ref"),
        version=record.get("version"),
        sources=tuple(record.get("sources", ())),
    )
