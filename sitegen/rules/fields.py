"""The searchable fields of a paper, as the text a term is matched against."""

from __future__ import annotations

from sitegen.store.models import Paper

# Names of several values are joined with "; " so that a phrase never spans two authors or two
# keywords (a phrase may only cross spaces and hyphens).
_JOIN = "; "

LABELS = {
    "title": "the title",
    "abstract": "the abstract",
    "authors": "the authors",
    "org": "the organization",
    "keywords": "the AI keywords",
    "categories": "the arXiv categories",
}


def field_text(paper: Paper, field: str) -> str:
    if field == "title":
        return paper.title
    if field == "abstract":
        return paper.abstract
    if field == "authors":
        return _JOIN.join(paper.authors)
    if field == "org":
        org = paper.organization
        if org is None:
            return ""
        return org.name if not org.fullname or org.fullname == org.name else f"{org.name}{_JOIN}{org.fullname}"
    if field == "keywords":
        return _JOIN.join(paper.ai_keywords)
    if field == "categories":
        return _JOIN.join(paper.categories)
    raise ValueError(f"unknown field {field!r}")


def labels(fields: list[str] | tuple[str, ...]) -> str:
    """["title", "abstract"] -> "the title and the abstract"."""
    names = [LABELS[field] for field in fields]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def has_category(paper_categories: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """A wanted "cs.CL" matches exactly; a wanted archive "cs" matches every "cs.*"."""
    for category in paper_categories:
        for entry in wanted:
            if category == entry or ("." not in entry and category.startswith(entry + ".")):
                return True
    return False
