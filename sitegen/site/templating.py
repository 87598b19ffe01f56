"""The Jinja2 environment: autoescape everywhere, StrictUndefined, templates from the config's folder."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from sitegen.site.markdown_text import render_markdown
from sitegen.text.clean import paragraphs, safe_url
from sitegen.text.readable import readable


def make_environment(templates: Path) -> jinja2.Environment:
    if not templates.is_dir():
        from sitegen.errors import BuildError

        raise BuildError(f"{templates}: templates folder not found; set [build] templates in sitegen.toml")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
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
    return env


# After a slash, before a dot: where a long URL may wrap on a phone without splitting a word.
_URL_BREAKS = re.compile(r"(?<=/)(?=[^/])|(?=\.)")


def breakable_url(url: str) -> Markup:
    """`url`, escaped, with <wbr> where it may wrap ("https://o.github.io/r/feeds/x.rss.xml")."""
    return Markup("<wbr>").join(escape(piece) for piece in _URL_BREAKS.split(url))


def tex_filter(value: object) -> str:
    """`readable_tex` for templates: None is empty text, an undefined value still fails loudly."""
    return "" if value is None else readable(str(value))
