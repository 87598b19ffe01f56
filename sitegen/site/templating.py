"""The Jinja2 environment: autoescape everywhere, StrictUndefined, templates from the config's folder."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from sitegen.site.bibtex import HIGHWIRE_SEPARATOR, highwire_authors
from sitegen.site.markdown_text import render_markdown
from sitegen.text.clean import paragraphs, safe_url
from sitegen.text.readable import readable


class SiteEnvironment(jinja2.Environment):
    """A Jinja environment whose globals can be frozen once the build has set them all.

    Jinja gives every template a live view of the environment's globals (a ChainMap), so a global
    set after a template is loaded still reaches it. Each render pays for that view: a new context
    copies the globals key by key, and each `{% from "_macros.html" import ... %}` compares the
    page's global names with the macros' (Python-level ChainMap operations, about a fifth of a
    paper page's render time). `freeze_globals()`, called when every global is set, gives each
    template a plain dict of the same globals, so those steps run at C speed; what a page sees is
    the same."""

    frozen = False

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        if self.frozen:
            return {**self.globals, **(d or {})}
        return super().make_globals(d)

    def freeze_globals(self) -> None:
        """From now on the globals must not change (templates loaded later get the same dict)."""
        self.frozen = True
        if self.cache is not None:
            for template in self.cache.values():
                template.globals = dict(template.globals)


def make_environment(templates: Path, *, precompiled: bool = True) -> SiteEnvironment:
    """The environment of a theme folder. `precompiled`: take the templates sitegen ships compiled
    when `templates` holds exactly those (site/precompiled.py), instead of compiling them."""
    if not templates.is_dir():
        from sitegen.errors import BuildError

        raise BuildError(f"{templates}: templates folder not found; set [build] templates in sitegen.toml")
    env = SiteEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        # A build renders from templates read once: no stat() of the template file on every
        # page to check whether it changed meanwhile.
        auto_reload=False,
        # Scraped text is untrusted: every page and feed template escapes by default.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["safe_url"] = safe_url
    env.filters["markdown"] = render_markdown
    # TeX in scraped titles and abstracts as readable Unicode: {{ paper.title|tex }}.
    env.filters["tex"] = tex_filter
    env.filters["longdate"] = lambda d: d.strftime("%A, %d %B %Y") if isinstance(d, dt.date) else ""
    env.filters["breakable_url"] = breakable_url
    env.filters["highwire_authors"] = lambda authors: HIGHWIRE_SEPARATOR.join(highwire_authors(authors))
    if precompiled:
        from sitegen.site.precompiled import precompiled_loader

        env.loader = precompiled_loader(env, templates) or env.loader
    return env


# After a slash, before a dot: where a long URL may wrap on a phone without splitting a word.
_URL_BREAKS = re.compile(r"(?<=/)(?=[^/])|(?=\.)")


def breakable_url(url: str) -> Markup:
    """`url`, escaped, with <wbr> where it may wrap ("https://o.github.io/r/feeds/x.rss.xml")."""
    return Markup("<wbr>").join(escape(piece) for piece in _URL_BREAKS.split(url))


def tex_filter(value: object) -> str:
    """`readable_tex` for templates: None is empty text, an undefined value still fails loudly."""
    return "" if value is None else readable(str(value))
