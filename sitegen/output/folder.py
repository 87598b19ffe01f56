"""Where the built site may go: a folder of its own, never one that holds the user's files.

A build replaces and deletes files in its output folder, so the output may not be the config's
folder, the store, the theme, a folder that contains any of them or a `.git`, or a folder inside
the store or a `.git`. Checked when the config is loaded (`[build] output`) and for
`sitegen build --output`, before anything is read or written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import ConfigError

if TYPE_CHECKING:
    from sitegen.config.load import Config

ADVICE = 'give the site a folder of its own, such as "output" (the default) or "site"'


def output_folder_problem(output: Path, config_folder: Path, store: Path, theme: tuple[Path, ...] = ()) -> str | None:
    """Why `output` cannot be the output folder, or None when it can."""
    target = output.resolve()
    protected = [
        (config_folder.resolve(), "the folder that holds sitegen.toml"),
        (store.resolve(), "the store ([store] path)"),
        *((folder.resolve(), f"the theme folder {folder}") for folder in theme),
    ]
    for folder, what in protected:
        if target == folder:
            return f"{output} is {what}; {ADVICE}"
        if folder.is_relative_to(target):
            return f"{output} contains {what} ({folder}); {ADVICE}"
    if target.is_relative_to(store.resolve()):
        return f"{output} is inside the store ({store}); {ADVICE} outside it"
    if ".git" in target.parts:
        return f"{output} is inside a .git folder; {ADVICE}"
    if (target / ".git").exists():
        return f"{output} holds a .git (it is a git repository or worktree); {ADVICE}"
    return None


def check_output_folder(output: Path, config: Config, option: str) -> None:
    """Raise a ConfigError when `output` (given as `option`, e.g. --output) may not be written."""
    problem = output_folder_problem(output, config.root, config.store.path, (config.build.templates, config.build.static))
    if problem:
        raise ConfigError(str(config.path), [f"{option}: {problem}"])
