"""One digest as an e-mail: multipart/alternative, plain text and HTML, both from the theme.

`templates/digest.txt` (no escaping: it is not markup) and `templates/digest.html` (autoescaped
like every page: scraped titles and summaries are text, never markup). The headers make a list
message that clients thread and filter: List-Id, List-Unsubscribe (a mailto: to the sender), and
a Message-ID derived from the site, the cadence and the period only, so the same digest always
has the same id and a client that somehow gets it twice shows it once. Only the Date changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from urllib.parse import urlsplit

import jinja2

from sitegen.config.load import Config
from sitegen.digest.content import Digest
from sitegen.digest.periods import Period
from sitegen.errors import BuildError
from sitegen.text.clean import clean_line

TEXT_TEMPLATE = "digest.txt"
HTML_TEMPLATE = "digest.html"
# Where the preview's sender points when no [email] from is set: `.invalid` can never be delivered.
PREVIEW_SENDER = Address("sitegen", "digest", "example.invalid")


def site_host(config: Config) -> str:
    return (urlsplit(config.site.absolute_url).hostname or "localhost").lower()


def message_id(config: Config, period: Period) -> str:
    site = hashlib.sha256(config.site.absolute_url.encode("utf-8")).hexdigest()[:12]
    return f"<digest.{period.cadence}.{period.key}.{site}@{site_host(config)}>"


def list_id(config: Config, cadence: str) -> str:
    """RFC 2919: a name and a dotted label unique to this site and cadence."""
    path = [re.sub(r"[^a-z0-9-]", "-", part.lower()) for part in urlsplit(config.site.absolute_url).path.split("/") if part]
    label = ".".join([f"{cadence}-digest", *reversed(path), site_host(config)])
    return f"{clean_line(config.site.title)} <{label}>"


def subject(config: Config, digest: Digest) -> str:
    return clean_line(
        config.email.subject.format(
            site=clean_line(config.site.title), count=digest.count, date=digest.period.key, topics=digest.topics
        )
    )


def compose(config: Config, env: jinja2.Environment, digest: Digest, sender: Address, now: dt.datetime) -> EmailMessage:
    title = subject(config, digest)
    context = {
        "site": config.site,
        "digest": digest,
        "period": digest.period,
        "subject": title,
        "sender": sender,
        "unsubscribe": f"mailto:{sender.addr_spec}?subject=unsubscribe",
    }
    text = _render(env.overlay(autoescape=False), TEXT_TEMPLATE, context)
    html = _render(env, HTML_TEMPLATE, context)
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    # The list's own address, as on a mailing list: the recipients are in the envelope only.
    message["To"] = sender
    message["Subject"] = title
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = message_id(config, digest.period)
    message["List-Id"] = list_id(config, digest.period.cadence)
    message["List-Unsubscribe"] = f"<{context['unsubscribe']}>"
    # RFC 3834: no vacation auto-replies to a digest.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps every line short and 7-bit, whatever the server supports.
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # A boundary from the content (never random), so the same digest is the same bytes.
    message.set_boundary("=_sitegen_" + hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:32])
    return message


def _render(env: jinja2.Environment, name: str, context: dict[str, object]) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}" if isinstance(error, jinja2.TemplateSyntaxError) else name
        raise BuildError(f"{where}: {type(error).__name__}: {error} (rendering the e-mail digest); fix the template") from None
