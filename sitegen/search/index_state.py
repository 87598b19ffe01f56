"""What the search index keeps between builds, in the search state (build.py SEARCH_STATE):
which store versions gave which chunk name, and the head's summaries (search/head.py).

MessagePack decoded by msgspec into fixed types, never pickle. The summary of the unchanged
chunks, the largest part, is a file of its own, written only when those chunks change. A state
that does not decode only costs time: the build says so and computes everything again.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from sitegen.search.head import HeadState
from sitegen.search.head_words import StoredWords
from sitegen.store.files import atomic_write

STATE_FORMAT = 1


class IndexState(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    names: dict[str, str] = {}  # versions digest of a chunk -> its folder name
    head: HeadState = HeadState()


class _Stored(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    names: dict[str, str]
    head: HeadState  # without its base words: see _Base


class _Base(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    chunks: list[str]
    words: StoredWords


def _base_path(path: Path) -> Path:
    return path.with_name(path.stem + "-base.msgpack")


def read_index_state(path: Path) -> tuple[IndexState, list[str]]:
    """The kept state (empty when there is none), and a warning when it could not be read."""
    if not path.exists():
        return IndexState(), []
    try:
        stored = msgspec.msgpack.decode(path.read_bytes(), type=_Stored)
        if stored.format != STATE_FORMAT:
            return IndexState(), []
        head = stored.head
        base_path = _base_path(path)
        if head.base and base_path.exists():
            base = msgspec.msgpack.decode(base_path.read_bytes(), type=_Base)
            if base.chunks == head.base:
                head = msgspec.structs.replace(head, base_words=base.words)
        if head.base_words is None:
            head = msgspec.structs.replace(head, base=[])
        return IndexState(stored.names, head), []
    except (OSError, msgspec.DecodeError) as error:
        return IndexState(), [f"{path}: the search index's state cannot be read ({error}); the head is computed again"]


def write_index_state(path: Path, state: IndexState, base_read: list[str]) -> None:
    """Keep `state`; its base summary only when it is not the one read (of chunks `base_read`)."""
    head = state.head
    if head.base_words is not None and head.base and head.base != base_read:
        atomic_write(_base_path(path), msgspec.msgpack.encode(_Base(head.base, head.base_words)))
    stored = _Stored(STATE_FORMAT, state.names, msgspec.structs.replace(head, base_words=None))
    atomic_write(path, msgspec.msgpack.encode(stored))
