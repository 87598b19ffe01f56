"""Paper -> JSON object, for the store. Absent or empty fields are omitted, keys sorted.

The way back is day_file.py, which decodes strictly into typed records."""

from __future__ import annotations

from typing import Any

from sitegen.store.models import Paper


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

