"""Merging a fresh listing of a paper into what the store already has."""

from __future__ import annotations

import dataclasses
from typing import Any

from sitegen.store.models import Paper

# Counts that legitimately change between fetches: the newest answer wins even when smaller.
_LIVE_COUNTS = ("upvotes", "num_comments", "github_stars")
# Fields both sources know, and which one wins once it has listed the paper. Without an owner,
# a paper listed by both would flip between their spellings on every run (and every run would
# rewrite its file). arXiv is the origin of the metadata; Hugging Face's author list leaves out
# authors who asked to be hidden, which must stay respected.
OWNER = {
    "title": "arxiv",
    "abstract": "arxiv",
    "published": "arxiv",
    "version": "arxiv",
    "authors": "huggingface",
}


def merge_paper(stored: Paper, fresh: Paper) -> Paper:
    """The stored record enriched by `fresh`.

    A field the fresh answer lacks (None or empty) keeps its stored value: nothing disappears
    because a later answer omitted it. Listing days and sources are unions. A listing of an
    older day than the stored record's latest only fills gaps: otherwise re-fetching a range
    would flip counts back and forth between days' snapshots and rewrite files on every run.
    """
    changes: dict[str, Any] = {}  # field name -> new value, of that field's type
    fills_gaps_only = bool(fresh.listing_days) and max(fresh.listing_days) < max(stored.listing_days)
    for field in dataclasses.fields(Paper):
        name = field.name
        if name in ("arxiv_id", "listing_days", "sources"):
            continue
        new = getattr(fresh, name)
        if new is None or new == () or new == "":
            continue
        if fills_gaps_only and getattr(stored, name) not in (None, (), ""):
            continue
        owner = OWNER.get(name)
        if owner and owner in stored.sources and owner not in fresh.sources:
            continue
        if name == "version" and stored.version is not None and new < stored.version:
            continue  # an older listing never takes a paper back a version
        if name in _LIVE_COUNTS or new != getattr(stored, name):
            changes[name] = new
    changes["listing_days"] = tuple(sorted(set(stored.listing_days) | set(fresh.listing_days)))
    changes["sources"] = tuple(sorted(set(stored.sources) | set(fresh.sources)))
    return dataclasses.replace(stored, **changes)
