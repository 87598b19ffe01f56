"""Tagging the whole archive: reuse what the last build computed, spread the rest over the cores."""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping

from sitegen.gcpause import gc_paused
from sitegen.output.parallel import default_workers
from sitegen.rules.tagging import Tagger, TaggingNotes, TopicMatch
from sitegen.store.models import Paper

Tags = tuple[TopicMatch, ...]
MIN_PAPERS_PER_WORKER = 3000  # below this, forking costs more than it saves

# Set just before forking; workers inherit them (nothing is pickled on the way in).
_WORK: tuple[Tagger, list[Paper]] | None = None


def tag_papers(tagger: Tagger, papers: Mapping[str, Paper], known: Mapping[str, Tags]) -> dict[str, Tags]:
    """Tags of every paper, in the papers' order: `known` ones reused, the others computed.

    What went wrong in the workers (regex timeouts) is merged into `tagger.notes`."""
    global _WORK
    missing = [paper for arxiv_id, paper in papers.items() if arxiv_id not in known]
    workers = min(default_workers(), len(missing) // MIN_PAPERS_PER_WORKER)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        fresh = {paper.arxiv_id: tagger.tag(paper) for paper in missing}
    else:
        _WORK = (tagger, missing)
        step = -(-len(missing) // (workers * 4))
        slices = [(start, min(start + step, len(missing))) for start in range(0, len(missing), step)]
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_tag_slice, slices)
        finally:
            _WORK = None
        for _, notes in parts:
            tagger.notes.merge(notes)
        fresh = {
            missing[start + offset].arxiv_id: tags
            for (start, _), (part, _) in zip(slices, parts, strict=True)
            for offset, tags in enumerate(part)
        }
    return {arxiv_id: known[arxiv_id] if arxiv_id in known else fresh[arxiv_id] for arxiv_id in papers}


def _tag_slice(bounds: tuple[int, int]) -> tuple[list[Tags], TaggingNotes]:
    assert _WORK is not None
    tagger, missing = _WORK
    tagger.notes = TaggingNotes()  # this slice's own notes (the worker's copy may hold an earlier slice's)
    with gc_paused():
        return [tagger.tag(paper) for paper in missing[bounds[0] : bounds[1]]], tagger.notes
