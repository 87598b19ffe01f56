"""Delivery of the digest: TLS and logins against real servers with a self-signed certificate,
the two secrets as the command line reads them, and the password kept out of every output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import run_sitegen
from digest_fixtures import FRIDAY, at, write_site
from smtp_server import Inbox, self_signed, smtp_server

from sitegen.digest.delivery import parse_recipients, parse_smtp_url
from sitegen.digest.run import DigestOptions, run_digest
from sitegen.errors import ConfigError, DigestError

PASSWORD = "s3cret p@ss/word"  # spaces and URL syntax: percent-encoded in the URL
ENCODED = "s3cret%20p%40ss%2Fword"
USER = "feeds@example.org"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return self_signed(tmp_path_factory.mktemp("tls"))


def test_starttls_and_login_on_a_server_that_requires_both(tmp_path: Path, certificate) -> None:  # type: ignore[no-untyped-def]
    config = write_site(tmp_path)
    inbox = Inbox(users={USER: PASSWORD})
    options = {"tls_context": certificate.server_context(), "require_starttls": True, "auth_required": True}
    with smtp_server(inbox, **options) as port:
        environ = {
            "SITEGEN_SMTP_URL": f"smtp://feeds%40example.org:{ENCODED}@localhost:{port}",
            "SITEGEN_EMAIL_TO": "ada@example.org",
        }
        run_digest(config, DigestOptions(), environ, at(dt.date(2026, 5, 30)), ssl_context=certificate.client_context())
    [received] = inbox.received
    assert received.tls and received.login == USER and received.rcpt_tos == ["ada@example.org"]


# aiosmtpd cannot tell that a connection which was TLS from the first byte is encrypted, so its
# "AUTH must come after STARTTLS" rule is off here, and it warns about that.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_with_smtps(tmp_path: Path, certificate) -> None:  # type: ignore[no-untyped-def]
    config = write_site(tmp_path)
    inbox = Inbox(users={USER: PASSWORD})
    with smtp_server(inbox, ssl_context=certificate.server_context(), auth_required=True, auth_require_tls=False) as port:
        environ = {
            "SITEGEN_SMTP_URL": f"smtps://feeds%40example.org:{ENCODED}@localhost:{port}",
            "SITEGEN_EMAIL_TO": "ada@example.org",
        }
        run_digest(config, DigestOptions(), environ, at(dt.date(2026, 5, 30)), ssl_context=certificate.client_context())
    assert [r.tls for r in inbox.received] == [True]


def test_an_untrusted_certificate_is_refused_before_the_password_is_sent(tmp_path: Path, certificate) -> None:  # type: ignore[no-untyped-def]
    config = write_site(tmp_path)
    inbox = Inbox(users={USER: PASSWORD})
    with smtp_server(inbox, tls_context=certificate.server_context(), require_starttls=True, auth_required=True) as port:
        environ = {
            "SITEGEN_SMTP_URL": f"smtp://feeds%40example.org:{ENCODED}@localhost:{port}",
            "SITEGEN_EMAIL_TO": "ada@example.org",
        }
        with pytest.raises(
            DigestError, match=rf"TLS with localhost:{port} failed \(certificate verify failed: self.signed certificate\)"
        ):
            run_digest(config, DigestOptions(), environ, at(dt.date(2026, 5, 30)))  # the system's trust store only
    assert inbox.received == []


def test_a_password_is_never_sent_without_tls(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    inbox = Inbox()
    with smtp_server(inbox) as port:  # no STARTTLS on offer
        environ = {"SITEGEN_SMTP_URL": f"smtp://user:{ENCODED}@127.0.0.1:{port}", "SITEGEN_EMAIL_TO": "ada@example.org"}
        with pytest.raises(DigestError, match="does not offer STARTTLS, and the password is never sent unencrypted"):
            run_digest(config, DigestOptions(), environ, at(dt.date(2026, 5, 30)))
    assert inbox.received == []


def test_a_wrong_password_fails_with_one_line_and_never_shows_it(tmp_path: Path, certificate) -> None:  # type: ignore[no-untyped-def]
    """The real command line: exit 1, one line, the ledger untouched, the failure recorded for the
    status page, and the password nowhere (stdout, stderr, the store, the built status page)."""
    config = write_site(tmp_path)
    inbox = Inbox(users={USER: "the right one"})
    options = {"tls_context": certificate.server_context(), "require_starttls": True, "auth_required": True}
    with smtp_server(inbox, **options) as port:
        env = {
            "SITEGEN_SMTP_URL": f"smtp://feeds%40example.org:{ENCODED}@localhost:{port}",
            "SITEGEN_EMAIL_TO": "ada@example.org",
            "SSL_CERT_FILE": str(certificate.cert),  # the client trusts the test's certificate
        }
        result = run_sitegen(config.path, "digest", env=env)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the daily digest of ")
    assert f"localhost:{port} refused the login (535 5.7.8 Authentication credentials invalid)" in lines[0]
    assert lines[0].endswith("check the user and password in SITEGEN_SMTP_URL; the next run retries")
    assert inbox.received == []
    digests = config.store.path / "digests"
    assert not (digests / "sent.json").exists()
    built = run_sitegen(config.path, "build")
    assert built.returncode == 0, built.stderr
    status_page = (tmp_path / "output" / "status" / "index.html").read_text(encoding="utf-8")
    assert "E-mail digest" in status_page and "refused the login" in status_page
    status = json.loads((tmp_path / "output" / "status.json").read_text(encoding="utf-8"))
    assert "refused the login" in status["digest"]["last_error"]["error"] and status["digest"]["last_sent"] is None
    everything = (
        result.stdout + result.stderr + "".join(p.read_text() for p in digests.iterdir()) + status_page + json.dumps(status)
    )
    for secret in (PASSWORD, ENCODED, "s3cret"):
        assert secret not in everything


def test_the_command_line_previews_and_explains_missing_secrets(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    missing = run_sitegen(config.path, "digest", env={"SITEGEN_SMTP_URL": "", "SITEGEN_EMAIL_TO": ""})
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: SITEGEN_SMTP_URL is not set: export it") and "--dry-run" in missing.stderr
    preview = run_sitegen(config.path, "digest", "--dry-run", "--day", FRIDAY.isoformat())
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("Digest feeds: 6 new papers, 2026-05-29\n")
    assert preview.stderr == "dry run: the daily digest of 2026-05-29 (6 papers) was not sent\n"
    eml = tmp_path / "friday.eml"
    written = run_sitegen(config.path, "digest", "--to-file", str(eml), "--day", FRIDAY.isoformat())
    assert written.returncode == 0 and eml.read_bytes().startswith(b"From: Digest feeds <feeds@example.org>\r\n")
    assert not (config.store.path / "digests").exists()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://user:pw@host", "must start with smtp:// (STARTTLS) or smtps:// (TLS), not http://"),
        ("smtp://user:pw@host:notaport", "is not a URL such as"),
        ("smtp://user@host", "names a user but no password"),
        ("smtp://user:pw@host/inbox", "no path or query"),
    ],
)
def test_a_bad_smtp_url_is_explained_without_quoting_it(url: str, problem: str) -> None:
    with pytest.raises(DigestError) as error:
        parse_smtp_url(url)
    assert problem in str(error.value) and "pw" not in str(error.value)


def test_the_smtp_url_and_recipients_as_documented() -> None:
    gmail = parse_smtp_url(f"smtp://me%40gmail.com:{ENCODED}@smtp.gmail.com:587")
    assert (gmail.host, gmail.port, gmail.username, gmail.password, gmail.implicit_tls) == (
        "smtp.gmail.com",
        587,
        "me@gmail.com",
        PASSWORD,
        False,
    )
    assert PASSWORD not in repr(gmail)
    assert parse_smtp_url("smtps://u:p@mail.example.org").port == 465
    assert parse_smtp_url("smtp://relay.local").port == 25 and parse_smtp_url("smtp://relay.local").username is None
    assert parse_recipients("ada@example.org, Alan <alan@example.net>,ada@example.org") == ("ada@example.org", "alan@example.net")
    with pytest.raises(DigestError, match="address 2 is not an e-mail address"):
        parse_recipients("ada@example.org, not-an-address")


def test_the_email_table_is_checked_like_every_other(tmp_path: Path) -> None:
    email = 'cadance = "weekly"\ncadence = "hourly"\ntopics = ["difusion"]\nsubject = "{site} {when}"\nmax_papers = 0'
    with pytest.raises(ConfigError) as error:
        write_site(tmp_path, email, sender="not an address")
    assert error.value.problems == [
        "email.from: must be an e-mail address such as \"Paper feeds <feeds@example.org>\", got 'not an address'",
        "email.subject: unknown placeholder {when}; use {site}, {count}, {date}, {topics}",
        'email.cadence: must be "daily" or "weekly", got \'hourly\'',
        'email.topics[0]: no topic "difusion" in [topics]; did you mean "diffusion"?',
        "email.max_papers: must be at least 1, got 0",
        'email.cadance: unknown key; did you mean "cadence"?',
    ]
