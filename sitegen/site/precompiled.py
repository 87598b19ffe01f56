"""The shipped theme's templates, compiled ahead of time, so a build does not compile them again.

Jinja compiles a template by parsing it and generating Python in Python: for the templates a
daily build renders that costs about 0.2 s of CPU, a fifth of what the build may take. sitegen
ships the templates of its own `templates/` folder compiled (the folder `compiled_templates/`
beside this module: Jinja's generated Python, one plain-text module per template, and a digest of
what it was made from). Plain text, not an archive, so that a change to it is read in review like
any other code; tests/test_precompiled.py also checks that every module is exactly what Jinja
makes of the templates, so code that is not the templates' cannot hide in it.

A build uses them only when that digest equals the one of the templates folder it is given
(every file's name and bytes), of Jinja's version and of the environment's syntax settings: a
fork that edits, adds or removes a template, or another Jinja, compiles as before. The folder
is part of sitegen's code (imported like any of its modules, never from the output folder).

Compiled code has the environment's settings built in (autoescape above all): an overlay that
changes them must not share this loader (the digest's plain text is made with autoescape off,
so the digest compiles from the sources).

After editing `templates/`, run `python3 -m sitegen.site.precompiled` (tests/test_precompiled.py
says when the folder is out of date; a stale folder is never used, it only costs time).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import jinja2

COMPILED = Path(__file__).with_name("compiled_templates")
# The digest of what the folder was made from, after the Jinja version that made it (which the
# digest covers too): so a check can tell "made by another Jinja" from "out of date".
DIGEST_FILE = "DIGEST"
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
        shipped = (COMPILED / DIGEST_FILE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    digest = theme_digest(env, templates)
    if digest is None or shipped != digest_text(digest):
        return None
    return jinja2.ModuleLoader(str(COMPILED))


def digest_text(digest: str) -> str:
    """The digest file's text: the Jinja that made the folder, then the digest."""
    return f"jinja2 {jinja2.__version__}\n{digest}\n"


def made_by_jinja() -> str | None:
    """The Jinja version the shipped folder was made by (None: no readable folder)."""
    try:
        first = (COMPILED / DIGEST_FILE).read_text(encoding="ascii").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return None
    return first.removeprefix("jinja2 ") if first.startswith("jinja2 ") else None


def compiled_modules(env: jinja2.Environment, templates: Path) -> dict[str, str]:
    """Every file of the compiled folder for `templates` and `env`, by name: one module per
    template and the digest (the same text for the same templates)."""
    digest = theme_digest(env, templates)
    if digest is None:
        raise OSError(f"{templates}: cannot read the templates")
    modules = {DIGEST_FILE: digest_text(digest)}
    for path in sorted(path for path in templates.rglob("*") if path.is_file()):
        name = path.relative_to(templates).as_posix()
        # The template's name as its file name: tracebacks name the template, not this checkout.
        code = env.compile(path.read_text(encoding="utf-8"), name, f"templates/{name}", raw=True, defer_init=True)
        header = f"# Generated by `python3 -m sitegen.site.precompiled` from templates/{name}: do not edit.\n"
        modules[jinja2.ModuleLoader.get_module_filename(name)] = header + code
    return modules


def write_compiled(env: jinja2.Environment, templates: Path, target: Path = COMPILED) -> None:
    """Compile every template of `templates` for `env` into the folder `target`, replacing it."""
    modules = compiled_modules(env, templates)
    temporary = target.with_name(target.name + ".tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    for name, text in modules.items():
        (temporary / name).write_text(text, encoding="utf-8", newline="\n")
    # Only this module's own folder is replaced: the compiled templates it wrote before.
    if target.exists():
        shutil.rmtree(target)
    temporary.replace(target)


if __name__ == "__main__":
    from sitegen.site.templating import make_environment

    write_compiled(make_environment(SHIPPED_TEMPLATES, precompiled=False), SHIPPED_TEMPLATES)
    print(f"wrote {COMPILED}")
