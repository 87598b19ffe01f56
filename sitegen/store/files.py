"""Atomic, change-only file writes and strict JSON reads for the store."""

from __future__ import annotations

import errno
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from sitegen.errors import StoreError


def dump_json(document: Any) -> bytes:
    """Stable formatting: sorted keys, one field per line, UTF-8, trailing newline.

    So a changed upvote count is a one-line diff in git.
    """
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read_json(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise StoreError(
            f"{path}: store file is not valid JSON ({error}). Restore it from git "
            f"(git checkout -- {path}) or fix it by hand; sitegen never overwrites a file it cannot read."
        ) from None
    except OSError as error:
        raise StoreError(f"{path}: cannot read store file ({error.strerror})") from None


@contextmanager
def versioned_document(path: Path, schema: int, what: str) -> Iterator[dict[str, Any]]:
    """The JSON object at `path`, checked to be of `schema`, for reading inside the block.

    A wrong schema, or a missing key, wrong type or bad value met while the block reads it,
    ends as one StoreError naming the file and `what` it is, never a traceback.
    """
    document = read_json(path)
    try:
        if not isinstance(document, dict):
            raise TypeError(f"a JSON object was expected, not {type(document).__name__}")
        if document.get("schema") != schema:
            raise ValueError(f"schema is {document.get('schema')!r}, expected {schema}")
        yield document
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise StoreError(f"{path}: malformed {what} ({error}). Restore it from git.") from None


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write `content` atomically (temp file + rename) unless the file already holds it."""
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror})") from None
    atomic_write(path, content)
    return True


def atomic_write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = _create_temp(path)
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(content)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise StoreError(f"{path}: cannot write ({error.strerror}); nothing was changed") from None


def _create_temp(path: Path) -> tuple[int, str]:
    """A new temp file beside `path`, created with mode 0666 minus the umask (usually 0644).

    Not tempfile.mkstemp: its files are 0600, and os.replace keeps the temp file's mode, so
    store and site files would be unreadable to the web server, other users and group members.
    """
    for _ in range(100):  # bounded: a name clash with a 64-bit random suffix is all but impossible
        name = str(path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name")
