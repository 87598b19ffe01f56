"""`sitegen digest`, top to bottom: secrets, store, which periods are due, their digests, then
preview them or send them and record each send.

Exactly once: a period is sent only if the ledger does not have it, and it goes into the ledger
only after the server accepted the message. A failure leaves the ledger as it was (the next run
retries), is recorded for the status page, and stops the run with one line.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from sitegen.config.email import parse_sender
from sitegen.config.load import Config
from sitegen.digest.content import Digest, build_digests
from sitegen.digest.delivery import Delivery, delivery_from_environment, send
from sitegen.digest.ledger import DigestFailure, SentDigest, SentLedger
from sitegen.digest.message import PREVIEW_SENDER, compose
from sitegen.digest.periods import CATCH_UP_LIMIT, Period, due_periods, period_of
from sitegen.errors import DigestError
from sitegen.fetch.clock import utc_stamp
from sitegen.site.templating import make_environment
from sitegen.store.files import atomic_write
from sitegen.store.store import Store


@dataclass(frozen=True)
class DigestOptions:
    dry_run: bool = False  # print the plain-text part instead of sending
    to_file: Path | None = None  # write the whole message (.eml) instead of sending
    day: dt.date | None = None  # the digest of this day (or of its week), not the newest due
    catch_up: bool = False  # every missed period (up to CATCH_UP_LIMIT), not only the newest

    @property
    def preview(self) -> bool:
        return self.dry_run or self.to_file is not None


@dataclass
class DigestReport:
    lines: list[str] = field(default_factory=list)  # what happened, one line each (stderr)
    texts: list[str] = field(default_factory=list)  # --dry-run: the plain-text parts (stdout)
    sent: list[SentDigest] = field(default_factory=list)
    # Told each line as it happens, so a send reported before a later failure is not lost.
    on_line: Callable[[str], None] | None = None

    def say(self, line: str) -> None:
        self.lines.append(line)
        if self.on_line is not None:
            self.on_line(line)


def run_digest(
    config: Config,
    options: DigestOptions,
    environ: Mapping[str, str],
    now: dt.datetime,
    *,
    ssl_context: ssl.SSLContext | None = None,
    on_line: Callable[[str], None] | None = None,
) -> DigestReport:
    cadence = config.email.cadence
    delivery = None if options.preview else delivery_from_environment(environ)
    sender = _sender(config, delivery, options.preview)
    store = Store(config.store.path)
    ledger = SentLedger(store.root)
    papers = store.papers().values()
    report = DigestReport(on_line=on_line)
    if options.day is not None:
        candidates = [period_of(options.day, cadence)]
    else:
        candidates = due_periods({paper.first_day for paper in papers}, cadence, ledger.newest(cadence), now)
    # Compiled from the sources, not the shipped precompiled templates: the plain-text part is
    # rendered by an overlay without autoescape (message.py), and precompiled code has the
    # site's autoescape built in. A digest renders a few templates once; compiling is cheap here.
    env = make_environment(config.build.templates, precompiled=False)
    digests = build_digests(config, env, papers, candidates)
    chosen = [digests[period] for period in candidates if digests[period].sections]
    chosen = chosen[:CATCH_UP_LIMIT] if options.catch_up else chosen[:1]
    if not chosen:
        report.say(_nothing_to_send(candidates, options.day, cadence))
        return report
    for digest in sorted(chosen, key=lambda d: d.period):
        already = ledger.get(digest.period)
        if already is not None and not options.preview:
            report.say(f"the {cadence} digest of {digest.period.key} was sent at {already.at}; not sending it again")
            continue
        message = compose(config, env, digest, sender, now)
        if options.preview:
            _preview(message, digest, options, report)
            continue
        assert delivery is not None
        report.sent.append(_send(message, digest, sender, delivery, ledger, now, ssl_context, report))
    return report


def _sender(config: Config, delivery: Delivery | None, preview: bool) -> Address:
    if config.email.sender:
        address = parse_sender(config.email.sender)
        assert address is not None  # validated with the config
        return address if address.display_name else Address(config.site.title, addr_spec=address.addr_spec)
    login = delivery.server.username if delivery else None
    if login and parse_sender(login):
        # Gmail and most providers send only as the account that logged in.
        return Address(config.site.title, addr_spec=login)
    if preview:
        return Address(config.site.title, addr_spec=PREVIEW_SENDER.addr_spec)
    raise DigestError(
        '[email] from is not set and the SMTP login is not an address: set from = "Name <you@example.org>" in sitegen.toml'
    )


def _nothing_to_send(candidates: list[Period], day: dt.date | None, cadence: str) -> str:
    if day is not None:
        return f"nothing to send: the {cadence} digest of {candidates[0].key} has no papers"
    if candidates:
        more = " …" if len(candidates) > 3 else ""
        return f"nothing to send: no papers for the digest in {', '.join(p.key for p in candidates[:3])}{more}"
    period = "day" if cadence == "daily" else "week"
    return f"nothing to send: no {cadence} digest is due (every finished {period} with papers was sent)"


def _preview(message: EmailMessage, digest: Digest, options: DigestOptions, report: DigestReport) -> None:
    if options.dry_run:
        text = message.get_body(("plain",))
        assert text is not None
        report.texts.append(text.get_content())
    if options.to_file is not None:
        atomic_write(options.to_file, message.as_bytes())
        report.say(
            f"wrote the {digest.period.cadence} digest of {digest.period.key} ({digest.count} papers) to {options.to_file}"
        )
    else:
        report.say(f"dry run: the {digest.period.cadence} digest of {digest.period.key} ({digest.count} papers) was not sent")


def _send(
    message: EmailMessage,
    digest: Digest,
    sender: Address,
    delivery: Delivery,
    ledger: SentLedger,
    now: dt.datetime,
    ssl_context: ssl.SSLContext | None,
    report: DigestReport,
) -> SentDigest:
    period = digest.period
    try:
        refused = send(message, sender.addr_spec, delivery, ssl_context=ssl_context)
    except DigestError as error:
        ledger.record_failure(DigestFailure(period.cadence, period.key, str(error), utc_stamp(now)))
        raise DigestError(f"the {period.cadence} digest of {period.key} was not sent: {error}; the next run retries") from None
    accepted = len(delivery.recipients) - len(refused)
    record = SentDigest(
        cadence=period.cadence,
        day=period.first.isoformat(),
        last_day=period.last.isoformat(),
        period=period.key,
        message_id=str(message["Message-ID"]),
        recipients=accepted,
        papers=digest.count,
        at=utc_stamp(now),
    )
    # The server has it: record it now, so nothing can send it twice.
    ledger.record(period, record)
    report.say(
        f"sent the {period.cadence} digest of {period.key} ({digest.count} papers) to {accepted} recipient(s) via "
        f"{delivery.server.where}"
    )
    if refused:
        reasons = "; ".join(sorted(set(refused.values())))
        problem = (
            f"{delivery.server.where} refused {len(refused)} of {len(delivery.recipients)} recipient(s) ({reasons}); "
            "check SITEGEN_EMAIL_TO"
        )
        ledger.record_failure(DigestFailure(period.cadence, period.key, problem, utc_stamp(now)))
        raise DigestError(f"the {period.cadence} digest of {period.key} went to {accepted} recipient(s) only: {problem}")
    return record
