"""Write a build plan to the output folder: only files whose bytes changed, stale files removed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import BuildError
from sitegen.store.files import atomic_write


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.written) + self.unchanged


def write_plan(output: Path, files: Iterable[tuple[str, bytes]], keep: tuple[str, ...] = ()) -> WriteReport:
    """Write every (relative path, bytes) under `output`; remove files the plan no longer has.

    `keep` lists folders ("search/index") written by another stage, such as the search index,
    that are not this plan's to prune.
    """
    report = WriteReport()
    planned: set[str] = set()
    for relative, content in files:
        if relative in planned:
            raise BuildError(f"two outputs claim the same path {relative!r}; this is a bug in sitegen")
        planned.add(relative)
        path = output / relative
        try:
            if path.read_bytes() == content:
                report.unchanged += 1
                continue
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError as error:
            raise BuildError(f"{path}: cannot read ({error.strerror})") from None
        try:
            atomic_write(path, content)
        except Exception as error:
            raise BuildError(str(error)) from None
        report.written.append(relative)
    if output.exists():
        for path in sorted(output.rglob("*")):
            relative = path.relative_to(output).as_posix()
            if path.is_file() and relative not in planned and not _kept(relative, keep):
                path.unlink()
                report.removed.append(relative)
        for path in sorted(output.rglob("*"), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return report


def _kept(relative: str, keep: tuple[str, ...]) -> bool:
    return any(relative == folder or relative.startswith(folder + "/") for folder in keep)
