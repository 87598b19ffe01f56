"""arXiv ids: the one place that says what an id is, and the one function that turns one into a path.

A paper's id becomes a folder of the site (`papers/<id>/`), a feed GUID and a store key, so it
is data that names files. Only canonical ids are accepted there:
- new style `YYMM.NNNN` or `YYMM.NNNNN`, ASCII digits, month 01-12 (`2405.15738`);
- old style `archive[.SUB]/YYMMNNN`, a lower-case archive name (`hep-th/9901001`,
  `math.GT/0309136`, `cond-mat.mes-hall/0401234`).
No version suffix, no whitespace, no full-width digits, no `..`: anything else is refused, so no
id can climb out of `papers/` or make two records of one paper.

Sources call `normalize_arxiv_id` on what they receive (a version or a capitalised archive is
fixed, anything else refused); everything that builds a path calls `paper_dir`, which only
accepts what is canonical already.
"""

from __future__ import annotations

import functools
import re

# [0-9] and [a-z], never \d or \w: those match full-width and other non-ASCII digits and letters.
_NEW_STYLE = r"[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5}"
_ARCHIVE = r"[a-z]+(?:-[a-z]+)?"
_SUBJECT = r"(?:[A-Z]{2}|[a-z]+(?:-[a-z]+)?)"  # math.GT, cs.AI; cond-mat.mes-hall
_OLD_STYLE = rf"{_ARCHIVE}(?:\.{_SUBJECT})?/[0-9]{{2}}(?:0[1-9]|1[0-2])[0-9]{{3}}"
CANONICAL_ID_PATTERN = rf"(?:{_NEW_STYLE}|{_OLD_STYLE})"
_CANONICAL = re.compile(CANONICAL_ID_PATTERN)
_VERSION_SUFFIX = re.compile(r"v[0-9]{1,4}\Z")
_OLD_STYLE_PARTS = re.compile(
    r"(?P<archive>[A-Za-z]+(?:-[A-Za-z]+)?)(?:\.(?P<subject>[A-Za-z]+(?:-[A-Za-z]+)?))?/(?P<number>[0-9]{7})"
)
MAX_RAW_ID_CHARS = 64  # a bound before any regex runs on text from a server


class InvalidArxivId(ValueError):
    """Raised for text that is not (or, for `paper_dir`, not canonically) an arXiv id."""


def is_canonical_arxiv_id(text: str) -> bool:
    return isinstance(text, str) and _CANONICAL.fullmatch(text) is not None


def canonical_arxiv_id(text: str) -> str:
    """`text` itself when it is a canonical arXiv id; InvalidArxivId otherwise."""
    if not is_canonical_arxiv_id(text):
        raise InvalidArxivId(f"not a canonical arXiv id: {text!r}")
    return text


def normalize_arxiv_id(raw: str) -> str:
    """The canonical, version-less id of what a source sent (" HEP-TH/9901001v2 " -> "hep-th/9901001").

    Only surrounding whitespace, a version suffix and the case of an old-style archive name are
    fixed; anything else that is not an id raises InvalidArxivId (a ValueError), so a garbled id
    is skipped by its source and never becomes a path on disk, a store key or a feed GUID.
    """
    if not isinstance(raw, str) or len(raw) > MAX_RAW_ID_CHARS:
        raise InvalidArxivId(f"not an arXiv id: {raw!r}"[: MAX_RAW_ID_CHARS + 40])
    candidate = _VERSION_SUFFIX.sub("", raw.strip())
    old_style = _OLD_STYLE_PARTS.fullmatch(candidate)
    if old_style:
        subject = old_style["subject"]
        if subject is not None:
            # Two-letter subject classes are upper-case (math.GT); hyphenated ones lower-case.
            subject = subject.upper() if len(subject) == 2 else subject.lower()
        candidate = old_style["archive"].lower() + (f".{subject}" if subject else "") + "/" + old_style["number"]
    if _CANONICAL.fullmatch(candidate) is None:
        raise InvalidArxivId(f"not an arXiv id: {raw!r}")
    return candidate


@functools.lru_cache(maxsize=1 << 18)  # every card links a paper: check each id once per process
def paper_dir(arxiv_id: str) -> str:
    """The site folder of a paper, `papers/<id>/`: the only way a path is made from an id.

    Raises InvalidArxivId for anything but a canonical id, whatever its origin.
    """
    return f"papers/{canonical_arxiv_id(arxiv_id)}/"
