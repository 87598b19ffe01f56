"""The build's own state files in the output folder (the build cache, the listing records):
MessagePack with a format number, decoded strictly and replaced atomically.

The output folder may be a restored CI cache, so whatever is found there is decoded by msgspec
into fixed types (never pickle) and at worst rejected with a reason; a file of another format
(another sitegen's) is named as such, so the warning says why it is not used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

import msgspec

from sitegen.errors import BuildError

T = TypeVar("T")
# The listing records' file (store_cache.py), named here so that the size measurement, which
# leaves it out, does not import the store's decoders with it.
STORE_CACHE_NAME = ".sitegen-listing"


class _Format(msgspec.Struct):
    format: int


_FORMAT = msgspec.msgpack.Decoder(_Format)


def decode_state(content: bytes, decoder: msgspec.msgpack.Decoder[T], expected_format: int, kind: str) -> tuple[T | None, str]:
    """`content` decoded, or None and why not (`kind` names the file in the reason: "a build cache")."""
    try:
        return decoder.decode(content), ""
    except msgspec.DecodeError as error:  # ValidationError included: a subclass
        try:
            found = _FORMAT.decode(content).format
        except msgspec.DecodeError:
            found = expected_format
        if found != expected_format:
            return None, f"it has format {found}, this sitegen writes {expected_format}"
        return None, f"it is not {kind} this sitegen can read ({error})"


def write_state(path: Path, content: bytes, read: bytes, what: str) -> None:
    """Replace `path` with `content` atomically (a killed build leaves the old file or none), unless
    it holds these bytes already: `read` is the file as this build read it (b"": not read), so the
    file is not read back to compare, and a file that changed is told by its length before any
    digest of megabytes is made (a daily build's caches always change). `what` names the file in an error."""
    temp = path.with_name(path.name + ".tmp")
    try:
        if read and content == read and path.is_file():
            return
        if not read and path.is_file() and path.read_bytes() == content:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(content)
        os.replace(temp, path)
    except OSError as error:
        raise BuildError(f"{path}: cannot write {what} ({error.strerror})") from None
