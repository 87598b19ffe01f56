"""The `[email]` table of `sitegen.toml`: what `sitegen digest` mails (never how or to whom).

Where it is delivered and to whom are secrets (SITEGEN_SMTP_URL, SITEGEN_EMAIL_TO) and come from
the environment only, so a public repository never holds an address or a password.
"""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass
from email.errors import HeaderParseError
from typing import TYPE_CHECKING

from sitegen.config.reader import TableReader

if TYPE_CHECKING:  # imported when a sender is parsed: about 20 ms of the config's 120 ms import
    from email.headerregistry import Address

CADENCES = ("daily", "weekly")
SUBJECT_PLACEHOLDERS = ("site", "count", "date", "topics")
DEFAULT_SUBJECT = "{site}: {count} new papers, {date}"


@dataclass(frozen=True)
class EmailConfig:
    # "Name <address>" or a bare address; None: the SMTP login, when it is an address (Gmail).
    sender: str | None = None
    subject: str = DEFAULT_SUBJECT
    cadence: str = "daily"
    topics: tuple[str, ...] = ()  # empty: one section with every paper
    max_papers: int = 25  # per section, most upvoted first
    min_upvotes: int = 0


def parse_email(table: TableReader, topic_slugs: tuple[str, ...]) -> EmailConfig:
    sender = table.text("from", None, nonempty=True)
    if isinstance(sender, str) and sender.strip() and parse_sender(sender) is None:
        table.problem(
            table.key_path("from"), f'must be an e-mail address such as "Paper feeds <feeds@example.org>", got {sender!r}'
        )
        sender = None
    subject = table.text("subject", DEFAULT_SUBJECT, nonempty=True)
    if isinstance(subject, str):
        problem = subject_problem(subject)
        if problem:
            table.problem(table.key_path("subject"), problem)
            subject = DEFAULT_SUBJECT
    cadence = table.text("cadence", "daily")
    if cadence not in CADENCES:
        table.problem(table.key_path("cadence"), f'must be "daily" or "weekly", got {cadence!r}')
        cadence = "daily"
    topics = table.text_list("topics")
    for index, slug in enumerate(topics):
        if slug not in topic_slugs:
            hint = difflib.get_close_matches(slug, topic_slugs, n=1)
            advice = f'did you mean "{hint[0]}"?' if hint else f"known topics: {', '.join(topic_slugs) or 'none'}"
            table.problem(f"{table.key_path('topics')}[{index}]", f'no topic "{slug}" in [topics]; {advice}')
    config = EmailConfig(
        sender=sender.strip() if isinstance(sender, str) else None,
        subject=subject or DEFAULT_SUBJECT,
        cadence=cadence,
        topics=tuple(dict.fromkeys(slug for slug in topics if slug in topic_slugs)),
        max_papers=table.integer("max_papers", 25, minimum=1),
        min_upvotes=table.integer("min_upvotes", 0, minimum=0),
    )
    table.finish()
    return config


def parse_sender(text: str) -> Address | None:
    """`Name <user@host>` or `user@host` as an Address, or None when it is not one address."""
    from email.headerregistry import Address

    try:
        name, addr_spec = _name_and_address(text)
        address = Address(display_name=name, addr_spec=addr_spec)
    except (HeaderParseError, IndexError, ValueError):
        return None
    if not address.username or "." not in address.domain or any(c in address.addr_spec for c in " \r\n"):
        return None
    return address


def _name_and_address(text: str) -> tuple[str, str]:
    """(display name, addr-spec) of `Name <user@host>`; ("", text) of a bare `user@host`."""
    if "<" not in text:
        return "", text.strip()
    name, _, rest = text.strip().partition("<")
    if not rest.endswith(">"):
        raise ValueError("no closing >")
    return name.strip().strip('"'), rest[:-1].strip()


def subject_problem(subject: str) -> str | None:
    """Why a subject template cannot be filled, or None: only the known {placeholders}."""
    try:
        parsed = list(string.Formatter().parse(subject))
    except ValueError as error:
        return f"is not a valid template ({error}); write {{{{ and }}}} for literal braces"
    known = ", ".join("{" + name + "}" for name in SUBJECT_PLACEHOLDERS)
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in SUBJECT_PLACEHOLDERS:
            return f"unknown placeholder {{{name}}}; use {known}"
        if spec or conversion:
            return f"write the placeholder as plain {{{name}}}, without a format"
    return None
