"""TeX made readable, or the text as written: one paper's text never stops a build.

The TeX converter (sitegen/text/tex.py) is bounded, but it runs on text anyone can submit; if it
fails on one title or abstract, that text is shown exactly as written (templates escape it like
any other text) and a warning names whose text it was, so the build goes on.
"""

from __future__ import annotations

import logging

from sitegen.text.tex import readable_tex

LOG = logging.getLogger(__name__)
EXCERPT_CHARS = 60


def readable(text: str, paper_id: str | None = None) -> str:
    """`readable_tex(text)`, or `text` itself when that fails, with a warning naming the paper
    (or, where no paper is at hand, the start of the text)."""
    try:
        return readable_tex(text)
    except Exception as error:  # noqa: BLE001 - whatever the converter hits, the build goes on
        whose = f"paper {paper_id}" if paper_id else f"the text {_excerpt(text)}"
        LOG.warning("%s: its TeX could not be made readable (%s); it is shown as written", whose, type(error).__name__)
        return text


def _excerpt(text: str) -> str:
    return repr(text[:EXCERPT_CHARS] + ("..." if len(text) > EXCERPT_CHARS else ""))
