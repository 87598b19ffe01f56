"""Tagging the whole archive: reuse what the last build computed, spread the rest over the cores."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, repeat
from operator import is_

from sitegen.config.topics import TopicConfig
from sitegen.forkpool import fork_map, workers_for
from sitegen.rules.tagging import Tagger, TaggingNotes, TopicMatch
from sitegen.store.models import Paper

Tags = tuple[TopicMatch, ...]
MIN_PAPERS_PER_WORKER = 3000  # below this, forking costs more than it saves


def tag_archive(
    topics: tuple[TopicConfig, ...], papers: Mapping[str, Paper], known: Mapping[str, Tags] | None = None
) -> tuple[dict[str, Tags], TaggingNotes]:
    """Every paper's topics (those in `known`, kept from the last build, are not computed again)
    and what went wrong while tagging (regex timeouts: warnings, and tags not to keep)."""
    tagger = Tagger(topics)
    return tag_papers(tagger, papers, known or {}), tagger.notes


def tag_papers(tagger: Tagger, papers: Mapping[str, Paper], known: Mapping[str, Tags]) -> dict[str, Tags]:
    """Tags of every paper, in the papers' order: `known` ones reused, the others computed.

    What went wrong in the workers (regex timeouts) is merged into `tagger.notes`."""
    # One lookup per paper, in C loops: a daily build reuses 100,000 tags and computes 50.
    found = dict(zip(papers, map(known.get, papers), strict=True))
    missing = [papers[arxiv_id] for arxiv_id in compress(found, map(is_, found.values(), repeat(None)))]
    workers = workers_for(len(missing), MIN_PAPERS_PER_WORKER)
    if workers < 2:
        fresh = {paper.arxiv_id: tagger.tag(paper) for paper in missing}
    else:
        step = -(-len(missing) // (workers * 4))
        slices = [(start, min(start + step, len(missing))) for start in range(0, len(missing), step)]

        def tag_slice(bounds: tuple[int, int]) -> tuple[list[Tags], TaggingNotes]:
            tagger.notes = TaggingNotes()  # this slice's own notes (the worker's copy may hold an earlier slice's)
            return [tagger.tag(paper) for paper in missing[bounds[0] : bounds[1]]], tagger.notes

        notes_before = tagger.notes
        parts = list(fork_map(tag_slice, slices, workers))
        tagger.notes = notes_before
        for _, notes in parts:
            tagger.notes.merge(notes)
        fresh = {
            missing[start + offset].arxiv_id: tags
            for (start, _), (part, _) in zip(slices, parts, strict=True)
            for offset, tags in enumerate(part)
        }
    found.update(fresh)  # the papers' order stays: each fresh id is already a key
    return found  # type: ignore[return-value]  # every None was replaced by a fresh tag
