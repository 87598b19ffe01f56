"""`sitegen explain`: find a stored paper and explain every topic's verdict on it."""

from __future__ import annotations

import re

from sitegen.config.load import Config
from sitegen.errors import SitegenError
from sitegen.rules.explain import explain, render_text
from sitegen.rules.tagging import compile_topics
from sitegen.store.models import normalize_arxiv_id
from sitegen.store.store import Store

# Accept what people paste: "2406.12345", "2406.12345v2", "arXiv:2406.12345", or an abs/pdf/HF URL.
_ID_PREFIX = re.compile(r"^(?:arxiv:|https?://[^/]+/(?:abs|pdf|papers)/)", re.IGNORECASE)


def explain_paper(config: Config, raw_id: str) -> str:
    try:
        arxiv_id = normalize_arxiv_id(_ID_PREFIX.sub("", raw_id.strip()).removesuffix(".pdf"))
    except ValueError:
        raise SitegenError(f"{raw_id!r} is not an arXiv id; give one such as 2406.12345") from None
    papers = Store(config.store.path).papers()
    paper = papers.get(arxiv_id)
    if paper is None:
        raise SitegenError(
            f"{arxiv_id}: not in the store ({config.store.path}, {len(papers):,} papers); "
            "fetch the day it was listed first: sitegen fetch --since YYYY-MM-DD --until YYYY-MM-DD"
        )
    rules = compile_topics(config.topics)
    titles = {topic.slug: topic.title for topic in config.topics}
    return render_text(paper, explain(rules, titles, paper))
