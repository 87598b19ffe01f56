"""A BibTeX entry for a paper page, in the form arXiv itself suggests (@misc with eprint)."""

from __future__ import annotations

import re

from sitegen.store.models import Paper

_KEY_WORD = re.compile(r"[A-Za-z]+")
HIGHWIRE_SEPARATOR = "; "


def highwire_authors(authors: tuple[str, ...] | list[str]) -> list[str]:
    """The authors as the paper page's one `citation_author` tag lists them (joined by
    HIGHWIRE_SEPARATOR): Zotero's Embedded Metadata translator splits each citation_author on
    semicolons, so one tag names them all (a tag per author cost about 550 bytes on every paper
    page). A semicolon inside a name would split it, so it is written as a comma, here and in
    the BibTeX entry site.js makes from the tag."""
    return [author.replace(";", ",") for author in authors]


def _braces_balanced(text: str) -> bool:
    if "{" not in text and "}" not in text:
        return True  # nearly every title and author list: no need to walk it character by character
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _field(text: str) -> str:
    """A value safe inside `{...}`: an unbalanced brace from scraped text would end the field."""
    text = " ".join(text.split())
    return text if _braces_balanced(text) else text.replace("{", "(").replace("}", ")")


def citation_key(paper: Paper) -> str:
    """`lastnameYYYYfirstword`, like Google Scholar's keys; ASCII letters only, never empty."""
    year = (paper.published.year if paper.published else paper.first_day.year)
    # The first author's last name: the last word with ASCII letters ("Ada Lovelace 6" -> lovelace).
    names = [w for part in reversed(paper.authors[0].split()) for w in _KEY_WORD.findall(part)][:1] if paper.authors else []
    last = names
    words = [w for w in _KEY_WORD.findall(paper.title) if len(w) > 3]
    key = f"{(last[0] if last else 'arxiv').lower()}{year}{(words[0] if words else '').lower()}"
    return key


def bibtex_entry(paper: Paper) -> str:
    year = paper.published.year if paper.published else paper.first_day.year
    lines = [
        f"@misc{{{citation_key(paper)},",
        f"  title = {{{_field(paper.title)}}},",
        f"  author = {{{_field(' and '.join(highwire_authors(paper.authors)) or 'Unknown')}}},",
        f"  year = {{{year}}},",
        f"  eprint = {{{paper.arxiv_id}}},",
        "  archivePrefix = {arXiv},",
    ]
    if paper.categories:
        lines.append(f"  primaryClass = {{{paper.categories[0]}}},")
    lines.append(f"  url = {{https://arxiv.org/abs/{paper.arxiv_id}}}")
    lines.append("}")
    return "\n".join(lines)
