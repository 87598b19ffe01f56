"""The theme's files the build reads besides the templates: `static/` and the about page.

The build reads them and hands them on, so rendering (site/) does no I/O of its own.

The `static/` folder is copied into the site without reaching outside it.

Everything in `static/` is published. A symbolic link in it could publish any file the build
can read (`static/key -> ~/.ssh/id_rsa`, or `.git/config` with a CI token), so a link is
followed only when its target lies inside the static folder itself; any other link is an
error that names it. Links inside are followed once (a link loop is skipped, not walked
forever), and the walk is bounded in the number of files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sitegen.errors import BuildError

MAX_STATIC_FILES = 10_000
ABOUT_FILE = "about.md"  # beside sitegen.toml; when present, the site gets an about/ page

Output = tuple[str, bytes]


def static_files(static: Path) -> Iterator[Output]:
    """(path under `static/` in the site, bytes) for every file, in a stable order."""
    if not static.is_dir():
        raise BuildError(f"{static}: static folder not found; set [build] static in sitegen.toml")
    root = static.resolve()
    found: list[tuple[str, Path]] = []
    visited: set[Path] = {root}
    pending: list[tuple[Path, str]] = [(static, "")]
    while pending:
        folder, prefix = pending.pop()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path = Path(entry.path)
            name = f"{prefix}{entry.name}"
            target = _inside(path, root) if entry.is_symlink() else path
            if target.is_dir():
                real = target.resolve()
                if real not in visited:  # a link back up the tree would loop
                    visited.add(real)
                    pending.append((path, f"{name}/"))
            elif target.is_file():
                found.append((name, path))
                if len(found) > MAX_STATIC_FILES:
                    raise BuildError(
                        f"{static}: more than {MAX_STATIC_FILES:,} files; the theme's static folder is not the place for data"
                    )
    for name, path in sorted(found):
        yield f"static/{name}", path.read_bytes()


def _inside(link: Path, root: Path) -> Path:
    """The link's target when it lies inside `root`; otherwise a BuildError naming both."""
    target = link.resolve()
    if not target.is_relative_to(root):
        raise BuildError(
            f"{link}: a link to {target}, outside the static folder {root}; sitegen publishes everything in static/, "
            "so it does not follow links out of it: copy the file into the static folder instead, or remove the link"
        )
    return target


def read_about(config_root: Path) -> str | None:
    """The about page's Markdown, or None when the site has no `about.md`."""
    path = config_root / ABOUT_FILE
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"{path}: cannot read the about page ({error}); fix or remove the file") from None
