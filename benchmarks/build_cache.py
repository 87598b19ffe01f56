"""The build cache's cost: MessagePack through msgspec (what sitegen writes) against pickle (what it
wrote before issue 11, the reference), on a cache the size of a 100,000-paper site.

    python3 benchmarks/build_cache.py [--papers 100000] [--topics 60] [--repeat 3]

Both formats hold the same data: a (key, digest) pair per output file (a page per paper plus
2,000 other pages) and each paper's store version and two topic matches. "save" is making and
encoding the document; "load" is decoding it and, for MessagePack, validating it and rebuilding
each paper's tags (pickle gets them back as objects). Best of --repeat, one process, one core;
the ratio column is MessagePack / pickle, so a figure near 1 means the safe format costs nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.output.build_cache import _DECODER, _ENCODER, CACHE_FORMAT, _problem, make_cache, placeholder_cache  # noqa: E402  # noqa: E402  (measured as the writer uses them)
from sitegen.rules.tagging import TopicMatch  # noqa: E402


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).digest()


def _best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ids = [f"2603.{i:05d}" for i in range(args.papers)]
    files = {f"papers/{arxiv_id}/index.html": (_digest(arxiv_id, "key"), _digest(arxiv_id, "bytes")) for arxiv_id in ids}
    files.update({f"days/{i}/index.html": (_digest(i, "key"), _digest(i, "bytes")) for i in range(2000)})
    files = dict(sorted(files.items()))
    matches = [TopicMatch(f"topic-{t}", (f"matched 'term {t}' in the title",)) for t in range(args.topics)]
    tags = {
        arxiv_id: (_digest(arxiv_id, "v"), (matches[i % args.topics], matches[i * 7 % args.topics]))
        for i, arxiv_id in enumerate(ids)
    }
    versions = {arxiv_id: version for arxiv_id, (version, _) in tags.items()}
    theme = b"theme-fingerprint"
    assert placeholder_cache().format == CACHE_FORMAT

    old_document = {"format": 1, "files": files, "extra": {"theme": theme, "tags": tags}}
    pickled = pickle.dumps(old_document, protocol=pickle.HIGHEST_PROTOCOL)
    packed = _ENCODER.encode(make_cache(files, theme, tags))

    def load_packed() -> object:
        cache = _DECODER.decode(packed)
        assert _problem(cache) is None
        return cache.tags_for(theme, versions)

    rows = [
        (
            "save",
            _best(args.repeat, lambda: _ENCODER.encode(make_cache(files, theme, tags))),
            _best(args.repeat, lambda: pickle.dumps(old_document, protocol=pickle.HIGHEST_PROTOCOL)),
        ),
        ("load", _best(args.repeat, load_packed), _best(args.repeat, lambda: pickle.loads(pickled))),
    ]
    print(f"{args.papers} papers, {len(files)} files, {args.topics} distinct topic matches")
    print(f"{'':6} {'msgpack':>10} {'pickle':>10} {'ratio':>7}")
    print(f"{'size':6} {len(packed) / 1e6:>8.1f}MB {len(pickled) / 1e6:>8.1f}MB {len(packed) / len(pickled):>7.2f}")
    for name, ours, reference in rows:
        print(f"{name:6} {ours:>9.3f}s {reference:>9.3f}s {ours / reference:>7.2f}")


if __name__ == "__main__":
    main()
