"""Sending one message over SMTP, configured by two secrets from the environment.

- SITEGEN_SMTP_URL: `smtp://user:password@host:587` (STARTTLS, then login), `smtps://user:password@host:465`
  (TLS from the first byte), or `smtp://host:25` (a local relay: no login, no TLS). A password is
  only ever sent over TLS with a verified certificate.
- SITEGEN_EMAIL_TO: comma-separated addresses. They go into the SMTP envelope only, never into a
  header, so no recipient sees another's address.

The password never appears in a message of ours: errors name the server as host:port, and any
reply text from the server is scrubbed of it before it is shown or recorded.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from urllib.parse import quote, unquote, urlsplit

from sitegen.errors import DigestError

URL_VARIABLE = "SITEGEN_SMTP_URL"
TO_VARIABLE = "SITEGEN_EMAIL_TO"
DEFAULT_PORTS = {"smtps": 465, "smtp_login": 587, "smtp": 25}
TIMEOUT = 60.0  # seconds for connecting and for each reply
MAX_RECIPIENTS = 100  # a digest is for a few people; a mailing list needs a list server


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool  # smtps://
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def scrub(self, text: str) -> str:
        """`text` with the password (raw and URL-encoded) replaced, and on one line."""
        for secret in {self.password or "", _encoded(self.password)} - {""}:
            text = text.replace(secret, "***")
        return " ".join(text.split())


@dataclass(frozen=True)
class Delivery:
    server: SmtpServer
    recipients: tuple[str, ...]


def _encoded(password: str | None) -> str:
    return quote(password, safe="") if password else ""


def delivery_from_environment(environ: Mapping[str, str]) -> Delivery:
    url = environ.get(URL_VARIABLE, "").strip()
    if not url:
        raise DigestError(
            f"{URL_VARIABLE} is not set: export it (smtp://user:password@host:587; see README, "
            '"Get it by email"), or preview with --dry-run'
        )
    to = environ.get(TO_VARIABLE, "").strip()
    if not to:
        raise DigestError(f"{TO_VARIABLE} is not set: export it as comma-separated addresses (see README, \"Get it by email\")")
    return Delivery(parse_smtp_url(url), parse_recipients(to))


def parse_smtp_url(url: str) -> SmtpServer:
    """Never quotes `url` in an error: it holds the password."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise DigestError(
            f"{URL_VARIABLE} is not a URL such as smtp://user:password@smtp.example.org:587 (check the port)"
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise DigestError(f"{URL_VARIABLE} must start with smtp:// (STARTTLS) or smtps:// (TLS), not {scheme or 'nothing'}://")
    if not host:
        raise DigestError(f"{URL_VARIABLE} has no server name: smtp://user:password@smtp.example.org:587")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise DigestError(
            f"{URL_VARIABLE} must be only scheme, login and server (no path or query): smtp://user:password@host:587"
        )
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and password is None:
        raise DigestError(f"{URL_VARIABLE} names a user but no password: smtp://user:password@{host}")
    default = DEFAULT_PORTS["smtps" if scheme == "smtps" else "smtp_login" if username else "smtp"]
    return SmtpServer(host=host, port=port or default, implicit_tls=scheme == "smtps", username=username, password=password)


def parse_recipients(text: str) -> tuple[str, ...]:
    addresses: list[str] = []
    for index, (_, address) in enumerate(getaddresses([text]), 1):
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or any(c.isspace() for c in address):
            # Addresses are private: say which one by position, not by content.
            raise DigestError(f"{TO_VARIABLE}: address {index} is not an e-mail address; separate addresses with commas")
        addresses.append(address)
    unique = tuple(dict.fromkeys(addresses))
    if not unique:
        raise DigestError(f"{TO_VARIABLE} holds no address")
    if len(unique) > MAX_RECIPIENTS:
        raise DigestError(f"{TO_VARIABLE} holds {len(unique)} addresses; at most {MAX_RECIPIENTS} (use a mailing list for more)")
    return unique


def send(message: EmailMessage, sender: str, delivery: Delivery, *, ssl_context: ssl.SSLContext | None = None) -> dict[str, str]:
    """Hand `message` to the server for every recipient. Returns the refused recipients (the
    server took the rest) with the reason; raises DigestError when nobody got it."""
    server = delivery.server
    context = ssl_context or ssl.create_default_context()
    try:
        if server.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        with client:
            client.ehlo()
            if server.username and not server.implicit_tls:
                if not client.has_extn("starttls"):
                    raise DigestError(
                        f"{server.where} does not offer STARTTLS, and the password is never sent unencrypted; "
                        "use the provider's submission port (587) or smtps:// on 465"
                    )
                client.starttls(context=context)
                client.ehlo()
            if server.username:
                client.login(server.username, server.password or "")
            refused = client.send_message(message, from_addr=sender, to_addrs=list(delivery.recipients))
    except DigestError:
        raise
    except smtplib.SMTPAuthenticationError as error:
        raise DigestError(
            f"{server.where} refused the login ({_reply(server, error)}); check the user and password in {URL_VARIABLE}"
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        reasons = sorted({_reply(server, reply) for reply in error.recipients.values()})
        raise DigestError(f"{server.where} refused every recipient ({'; '.join(reasons)}); check {TO_VARIABLE}") from None
    except smtplib.SMTPSenderRefused as error:
        raise DigestError(f"{server.where} refused the sender address ({_reply(server, error)}); check [email] from") from None
    except smtplib.SMTPNotSupportedError as error:
        raise DigestError(f"{server.where}: {server.scrub(str(error))}; check {URL_VARIABLE}") from None
    except smtplib.SMTPResponseException as error:
        raise DigestError(f"{server.where} answered {_reply(server, error)}") from None
    except smtplib.SMTPServerDisconnected:
        raise DigestError(f"{server.where} closed the connection before the message was accepted") from None
    except ssl.SSLCertVerificationError as error:
        reason = f"certificate verify failed: {error.verify_message}"
        raise DigestError(
            f"TLS with {server.where} failed ({server.scrub(reason)}); check the host name in {URL_VARIABLE}"
        ) from None
    except ssl.SSLError as error:
        reason = error.reason or "handshake failed"
        raise DigestError(
            f"TLS with {server.where} failed ({server.scrub(str(reason))}); check the host and port in {URL_VARIABLE}"
        ) from None
    except (socket.gaierror, ConnectionError, TimeoutError, OSError) as error:
        raise DigestError(f"cannot connect to {server.where} ({server.scrub(error.strerror or type(error).__name__)})") from None
    return {address: _reply(server, reply) for address, reply in refused.items()}


def _reply(server: SmtpServer, reply: object) -> str:
    """An SMTP reply as "550 text", whatever shape smtplib gives it in."""
    if isinstance(reply, smtplib.SMTPResponseException):
        code, text = reply.smtp_code, reply.smtp_error
    elif isinstance(reply, tuple) and len(reply) == 2:
        code, text = reply
    else:
        return server.scrub(str(reply))
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return server.scrub(f"{code} {text}")[:300]
