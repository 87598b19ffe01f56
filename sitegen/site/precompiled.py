"""The shipped theme's templates, compiled ahead of time, so a build does not compile them again.

Jinja compiles a template by parsing it and generating Python in Python: for the templates a
daily build renders that costs about 0.2 s of CPU, a fifth of what the build may take. sitegen
ships the templates of its own `templates/` folder compiled (`templates.zip` beside this
module: Jinja's generated Python, one module per template, and a digest of what it was made
from). A build uses them only when that digest equals the one of the templates folder it is
given (every file's name and bytes), of Jinja's version and of the environment's syntax settings:
a fork that edits, adds or removes a template, or another Jinja, compiles as before. The archive
is part of sitegen's code (loaded like any of its modules, never from the output folder).

After editing `templates/`, run `python3 -m sitegen.site.precompiled` (tests/test_precompiled.py
says when the archive is out of date; a stale archive is never used, it only costs time).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import jinja2

ARCHIVE = Path(__file__).with_name("templates.zip")
DIGEST_ENTRY = "DIGEST"
# sitegen's own theme, which the archive holds (the repository's templates/ folder).
SHIPPED_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MAX_TEMPLATE_FILES = 1000  # a bound on the walk: a theme has a few dozen


def theme_digest(env: jinja2.Environment, templates: Path) -> str | None:
    """What compiled code depends on: Jinja's version, the syntax settings and every template
    file (name and bytes). None: the folder cannot be read whole (then nothing is precompiled)."""
    hasher = hashlib.sha256()
    settings = (
        jinja2.__version__,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.optimized, env.autoescape, sorted(env.extensions),
    )  # fmt: skip
    hasher.update(repr(settings).encode("utf-8"))
    try:
        files = sorted(path for path in templates.rglob("*") if path.is_file())
        if len(files) > MAX_TEMPLATE_FILES:
            return None
        for path in files:
            name = path.relative_to(templates).as_posix()
            content = path.read_bytes()
            hasher.update(f"\x00{name}\x00{len(content)}\x00".encode("utf-8", "surrogatepass"))
            hasher.update(content)
    except OSError:
        return None
    return hasher.hexdigest()


def precompiled_loader(env: jinja2.Environment, templates: Path) -> jinja2.BaseLoader | None:
    """A loader of the shipped compiled templates when they are `templates` compiled for `env`."""
    try:
        with zipfile.ZipFile(ARCHIVE) as archive:
            shipped = archive.read(DIGEST_ENTRY).decode("ascii")
    except (OSError, KeyError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    if shipped != theme_digest(env, templates):
        return None
    return jinja2.ModuleLoader(str(ARCHIVE))


def write_archive(env: jinja2.Environment, templates: Path, target: Path = ARCHIVE) -> None:
    """Compile every template of `templates` for `env` into `target` (the same bytes for the same
    templates: fixed names, dates and order)."""
    digest = theme_digest(env, templates)
    if digest is None:
        raise OSError(f"{templates}: cannot read the templates")
    files = sorted(path for path in templates.rglob("*") if path.is_file())
    temporary = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            name = path.relative_to(templates).as_posix()
            # The template's name as its file name: tracebacks name the template, not this checkout.
            code = env.compile(path.read_text(encoding="utf-8"), name, f"templates/{name}", raw=True, defer_init=True)
            archive.writestr(_entry(jinja2.ModuleLoader.get_module_filename(name)), code)
        archive.writestr(_entry(DIGEST_ENTRY), digest)
    temporary.replace(target)


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name)  # dated 1980-01-01: the same templates give the same bytes
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


if __name__ == "__main__":
    from sitegen.site.templating import make_environment

    write_archive(make_environment(SHIPPED_TEMPLATES, precompiled=False), SHIPPED_TEMPLATES)
    print(f"wrote {ARCHIVE}")
