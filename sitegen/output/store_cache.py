"""`<output>/.sitegen-listing`: each day file's listing records by its digest (store/listed.py), so
that a build decodes only the day files that changed since the last one. MessagePack decoded by
msgspec into fixed types with the day file's constraints, never pickle: the output folder may be
a restored CI cache, and whatever is found there must at worst be rejected. Hot path (as
store/day_file.py): decoded with plain strings, then every text checked in one scan (ids against
the canonical form, the rest for control characters); anything the scan finds is decoded again
with every text checked by a pattern, which is exact. A file that does not decode, or has
another format, is ignored with a warning (every day file is then decoded, as without it: it
only costs time) and replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Annotated, Any

import msgspec

from sitegen.output.state_file import STORE_CACHE_NAME, decode_state, write_state
from sitegen.store.day_file import FORBIDDEN_IN_LINE
from sitegen.store.ids import CANONICAL_ID_PATTERN
from sitegen.store.listed import ListedFile, ListedRecord, StrictListedRecord

STORE_CACHE_FORMAT = 1
MAX_DAY_FILES = 1_000_000  # as the store's walk (output/inputs.py)
MAX_PAPERS_PER_FILE = 1_000_000

Digest = Annotated[bytes, msgspec.Meta(min_length=16, max_length=16)]
StorePath = Annotated[str, msgspec.Meta(max_length=1000)]


class _Listing(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    files: Annotated[
        dict[StorePath, tuple[Digest, Annotated[list[ListedRecord], msgspec.Meta(max_length=MAX_PAPERS_PER_FILE)]]],
        msgspec.Meta(max_length=MAX_DAY_FILES),
    ]


class _StrictListing(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    files: Annotated[
        dict[StorePath, tuple[Digest, Annotated[list[StrictListedRecord], msgspec.Meta(max_length=MAX_PAPERS_PER_FILE)]]],
        msgspec.Meta(max_length=MAX_DAY_FILES),
    ]


@dataclass(frozen=True)
class StoreCacheRead:
    files: dict[str, ListedFile]
    warning: str | None = None
    content: bytes = b""  # the file as read: saving the same bytes again is skipped


_DECODER = msgspec.msgpack.Decoder(_Listing)
_STRICT_DECODER = msgspec.msgpack.Decoder(_StrictListing)
_ENCODER = msgspec.msgpack.Encoder()
_IDS = re.compile(f"{CANONICAL_ID_PATTERN}(?:\\n{CANONICAL_ID_PATTERN})*")
# What _has_forbidden looks for, written out: the characters FORBIDDEN_IN_LINE names.
assert FORBIDDEN_IN_LINE == "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_ID, _TITLE, _SOURCES, _ORGANIZATION = (attrgetter(name) for name in ("arxiv_id", "title", "sources", "organization"))


def plain_records(files: dict[str, ListedFile]) -> bool:
    """True when every record's text is what StrictListedRecord's patterns accept: each id is
    canonical and no text holds a control character (a newline included) or a lone surrogate."""
    records = [record for _, listed in files.values() for record in listed]
    ids = "\n".join(map(_ID, records))
    # No id holds a newline (as many as the records less one), and together they are canonical.
    if ids and (ids.count("\n") != len(records) - 1 or not _IDS.fullmatch(ids)):
        return False
    # A record type made by msgspec.defstruct (store/day_file.py): mypy sees no attributes on it.
    organizations: list[Any] = [organization for organization in map(_ORGANIZATION, records) if organization is not None]
    # Joined by a space, which no pattern forbids: a forbidden character is in the joined text
    # exactly when it is in one of the texts.
    text = " ".join(
        [
            *map(_TITLE, records),
            *chain.from_iterable(map(_SOURCES, records)),
            *(organization.name for organization in organizations),
            *(organization.fullname or "" for organization in organizations),
            *(organization.avatar or "" for organization in organizations),
        ]
    )
    return not _has_forbidden(text)


def _has_forbidden(text: str) -> bool:
    """Whether `text` holds a character of FORBIDDEN_IN_LINE (control characters, lone
    surrogates): a scan in C, three times as fast as the regular expression on 8 MB of titles."""
    if text.isascii():
        # ASCII: anything left once the printable characters are deleted is forbidden.
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    import numpy as np  # only here: the no-change build imports this module, and not NumPy

    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return bool(((points < 0x20) | ((points >= 0x7F) & (points <= 0x9F)) | ((points >= 0xD800) & (points <= 0xDFFF))).any())


def read_store_cache(output: Path) -> StoreCacheRead:
    path = output / STORE_CACHE_NAME
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return StoreCacheRead({})
    except OSError as error:
        return StoreCacheRead({}, _ignored(path, f"cannot read it ({error.strerror})"))
    decoded = decode_state(  # then unpacked: mypy infers the type from the call alone
        content, _DECODER, STORE_CACHE_FORMAT, "a listing"
    )
    listing, why = decoded
    if listing is not None and not plain_records(listing.files):
        # Decoded again with every text checked by its pattern, for the exact reason.
        checked = decode_state(content, _STRICT_DECODER, STORE_CACHE_FORMAT, "a listing")
        if checked[0] is None:
            listing, why = None, checked[1]
    if listing is None:
        return StoreCacheRead({}, _ignored(path, why))
    if listing.format != STORE_CACHE_FORMAT:
        return StoreCacheRead({}, _ignored(path, f"it has format {listing.format}, this sitegen writes {STORE_CACHE_FORMAT}"))
    return StoreCacheRead(listing.files, content=content)


def save_store_cache(output: Path, files: dict[str, ListedFile], read: bytes = b"") -> None:
    """Write the records unless the file holds these bytes already (`read`: as this build read it)."""
    content = _ENCODER.encode(_Listing(STORE_CACHE_FORMAT, files))
    write_state(output / STORE_CACHE_NAME, content, read, "the store's listing records")


def _ignored(path: Path, why: str) -> str:
    return f"{path}: ignoring the kept listing records: {why}. This build decodes every day file (slower, nothing is lost)"
