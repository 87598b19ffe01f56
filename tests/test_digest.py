"""`sitegen digest` against a real SMTP server on 127.0.0.1: what arrives, and that it arrives once.

Messages are parsed back with the standard `email` package. Every run passes an explicit `now`.
"""

from __future__ import annotations

import datetime as dt
import json
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from digest_fixtures import (
    ARXIV_ONLY_ID,
    FRIDAY,
    HOSTILE,
    HOSTILE_ID,
    MANY_AUTHORS_ID,
    OFF_TOPIC_DAY,
    SITE,
    TEX_ID,
    WEEK_22,
    at,
    day_papers,
    fill,
    stored_papers,
    write_site,
)
from lxml import html as lxml_html
from smtp_server import Inbox, free_port, smtp_server

from sitegen.config.load import Config
from sitegen.digest.run import DigestOptions, run_digest
from sitegen.errors import DigestError

RECIPIENTS = ("ada@example.org", "alan@example.net", "zoe@example.com")


def environ(port: int, to: tuple[str, ...] = RECIPIENTS) -> dict[str, str]:
    return {"SITEGEN_SMTP_URL": f"smtp://127.0.0.1:{port}", "SITEGEN_EMAIL_TO": ", ".join(to)}


def send(config: Config, port: int, now: dt.datetime, **options: object) -> list[str]:
    return run_digest(config, DigestOptions(**options), environ(port), now).lines  # type: ignore[arg-type]


def sections(message: EmailMessage) -> dict[str, list[str]]:
    """The HTML part's sections: heading -> the arXiv ids of its papers' page links, in order."""
    body = message.get_body(("html",))
    assert body is not None
    tree = lxml_html.fromstring(body.get_content())
    found: dict[str, list[str]] = {}
    current = None
    for element in tree.iter("h2", "h3"):
        if element.tag == "h2":
            current = element.text_content().strip()
            found[current] = []
        else:
            href = element.find("a").get("href")
            assert href.startswith(f"{SITE}papers/"), href
            found[current].append(href.removeprefix(f"{SITE}papers/").strip("/"))
    return found


def ledger(config: Config) -> dict[str, dict[str, object]]:
    return json.loads((config.store.path / "digests" / "sent.json").read_text(encoding="utf-8"))["sent"]


def test_the_daily_digest_reaches_every_recipient_and_no_one_sees_another(tmp_path: Path) -> None:
    config = write_site(tmp_path, 'topics = ["diffusion", "agents"]')
    inbox = Inbox()
    now = at(dt.date(2026, 5, 30))
    with smtp_server(inbox) as port:
        lines = send(config, port, now)
    assert lines == [f"sent the daily digest of 2026-05-29 (6 papers) to 3 recipient(s) via 127.0.0.1:{port}"]
    [received] = inbox.received
    assert sorted(received.rcpt_tos) == sorted(RECIPIENTS)
    assert received.mail_from == "feeds@example.org"
    message = received.message
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    assert not any(address in headers for address in RECIPIENTS)
    assert message["To"] == "Digest feeds <feeds@example.org>" and message["Cc"] is None and message["Bcc"] is None
    assert message["Subject"] == "Digest feeds: 6 new papers, 2026-05-29"
    assert message["List-Unsubscribe"] == "<mailto:feeds@example.org?subject=unsubscribe>"
    assert message["List-Id"] == "Digest feeds <daily-digest.papers.owner.github.io>"
    assert message["Message-ID"].startswith("<digest.daily.2026-05-29.") and message["Message-ID"].endswith("@owner.github.io>")
    assert parsedate_to_datetime(message["Date"]) == now
    assert message.get_content_type() == "multipart/alternative"
    parts = [part for part in message.iter_parts()]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    # Every paper of the day in each of its topics, most upvoted first, once per section.
    friday = {p.arxiv_id: p for p in day_papers(FRIDAY)}
    expected_diffusion = sorted(
        (i for i, p in friday.items() if "iffusion" in p.title), key=lambda i: (-(friday[i].upvotes or 0), i)
    )
    expected_agents = sorted((i for i, p in friday.items() if "gents" in p.title), key=lambda i: (-(friday[i].upvotes or 0), i))
    assert sections(message) == {"Diffusion & friends": expected_diffusion, "Agents": expected_agents}
    assert expected_agents[0] == HOSTILE_ID and expected_diffusion[-1] == ARXIV_ONLY_ID
    text = message.get_body(("plain",)).get_content()
    flat = " ".join(text.split())  # the plain text is wrapped for terminals
    for arxiv_id in friday:
        assert text.count(f"{SITE}papers/{arxiv_id}/") == (arxiv_id in expected_diffusion) + (arxiv_id in expected_agents)
        assert f"https://arxiv.org/abs/{arxiv_id}" in text
    assert "2. α-Diffusion in " in flat and "\\alpha" not in text and "$" not in text  # TeX made readable
    assert "Author Number1, Author Number2, Author Number3, Author Number4 and 36 more" in flat
    assert "Acme Research Lab · 11 upvotes" in flat and "AI summary: A diffusion model that is **fast**." in flat
    assert "Why it matched: matched 'diffusion' in the title" in flat


def test_a_hostile_title_is_text_in_the_html_part(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        send(config, port, at(dt.date(2026, 5, 30)))
    html = inbox.received[0].message.get_body(("html",)).get_content()
    tree = lxml_html.fromstring(html)
    assert tree.xpath("//script") == [] and tree.xpath("//img") == []
    assert not any(name.startswith("on") for element in tree.iter() for name in element.attrib)
    titles = [h.text_content() for h in tree.iter("h3")]
    assert HOSTILE in titles
    # Nothing is loaded from anywhere: every link is the site's or arXiv's, no src= at all.
    assert "src=" not in html.replace("src=x", "")
    assert {link.split("/")[2] for link in tree.xpath("//a/@href") if link.startswith("http")} <= {"owner.github.io", "arxiv.org"}


def test_a_digest_is_sent_once_whatever_reruns_and_retries(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    inbox = Inbox()
    now = at(dt.date(2026, 5, 30))
    with smtp_server(inbox) as port:
        send(config, port, now)
        first = ledger(config)
        # A rerun the same hour, a second workflow run later that day, a retried job.
        assert send(config, port, now) == ["nothing to send: no daily digest is due (every finished day with papers was sent)"]
        send(config, port, now + dt.timedelta(hours=7))
        assert send(config, port, now, day=FRIDAY) == [
            f"the daily digest of 2026-05-29 was sent at {first['daily 2026-05-29']['at']}; not sending it again"
        ]
    assert len(inbox.received) == 1
    assert ledger(config) == first
    assert first == {
        "daily 2026-05-29": {
            "cadence": "daily",
            "day": "2026-05-29",
            "last_day": "2026-05-29",
            "period": "2026-05-29",
            "papers": 6,
            "recipients": 3,
            "message_id": inbox.received[0].message["Message-ID"],
            "at": "2026-05-30T06:00:00+00:00",
        }
    }


def test_after_days_without_runs_only_the_newest_day_is_sent_unless_catching_up(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        # The first run ever, days after the newest listing: one digest, not one per day.
        send(config, port, at(dt.date(2026, 5, 27)), day=dt.date(2026, 5, 25))
        send(config, port, at(dt.date(2026, 6, 3)))
        assert [r.message["Message-ID"].split(".")[2] for r in inbox.received] == ["2026-05-25", "2026-06-02"]
        # Not due: today is not over yet.
        assert send(config, port, at(dt.date(2026, 6, 3), 23))[0].startswith("nothing to send")

    config = write_site(tmp_path / "catch-up")
    inbox = Inbox()
    with smtp_server(inbox) as port:
        send(config, port, at(dt.date(2026, 5, 27)), day=dt.date(2026, 5, 26))
        lines = send(config, port, at(dt.date(2026, 6, 3)), catch_up=True)
    # Every missed day with papers, oldest first (no topics are set: Thursday's paper counts).
    sent = [r.message["Message-ID"].split(".")[2] for r in inbox.received]
    assert sent == ["2026-05-26", "2026-05-27", "2026-05-28", "2026-05-29", "2026-06-01", "2026-06-02"]
    assert len(lines) == 5 and sorted(ledger(config)) == [f"daily {day}" for day in sent]


def test_a_day_with_no_papers_sends_nothing(tmp_path: Path) -> None:
    config = write_site(tmp_path, 'topics = ["diffusion", "agents"]')
    inbox = Inbox()
    with smtp_server(inbox) as port:
        assert send(config, port, at(FRIDAY), day=OFF_TOPIC_DAY) == [
            "nothing to send: the daily digest of 2026-05-28 has no papers"
        ]
        assert send(config, port, at(FRIDAY), day=dt.date(2026, 5, 30)) == [
            "nothing to send: the daily digest of 2026-05-30 has no papers"
        ]
        # The newest finished day (Thursday) has no paper in the topics: Wednesday's is sent.
        send(config, port, at(FRIDAY))
    assert [r.message["Message-ID"].split(".")[2] for r in inbox.received] == ["2026-05-27"]
    assert not (config.store.path / "digests" / "last-error.json").exists()


def test_a_backfill_never_mails_old_days(tmp_path: Path) -> None:
    config = write_site(tmp_path, days=[FRIDAY])
    inbox = Inbox()
    with smtp_server(inbox) as port:
        send(config, port, at(dt.date(2026, 5, 30)))
        # `sitegen fetch --since` far in the past adds older days, never mailed.
        fill(config.store.path, [dt.date(2026, 5, d) for d in range(1, 29)])
        assert send(config, port, at(dt.date(2026, 5, 30), 13))[0].startswith("nothing to send")
        assert send(config, port, at(dt.date(2026, 5, 30), 19), catch_up=True)[0].startswith("nothing to send")
    assert len(inbox.received) == 1


def test_a_refused_send_changes_nothing_and_the_next_run_sends_it(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    inbox = Inbox(refuse_rcpt="550 5.1.1 mailbox unavailable")
    now = at(dt.date(2026, 5, 30))
    with smtp_server(inbox) as port:
        with pytest.raises(DigestError) as refused:
            send(config, port, now)
        assert str(refused.value) == (
            f"the daily digest of 2026-05-29 was not sent: 127.0.0.1:{port} refused every recipient "
            "(550 5.1.1 mailbox unavailable); check SITEGEN_EMAIL_TO; the next run retries"
        )
        assert not (config.store.path / "digests" / "sent.json").exists()
        inbox.refuse_rcpt = None
        inbox.refuse_data = "421 4.3.2 Service not available, try again later"
        with pytest.raises(DigestError, match=r"127\.0\.0\.1:\d+ answered 421 4\.3\.2 Service not available"):
            send(config, port, now + dt.timedelta(hours=6))
        assert not (config.store.path / "digests" / "sent.json").exists()
        failure = json.loads((config.store.path / "digests" / "last-error.json").read_text())
        assert failure["at"] == "2026-05-30T12:00:00+00:00" and "421" in failure["error"]
        inbox.refuse_data = None
        send(config, port, now + dt.timedelta(hours=12))
    assert len(inbox.received) == 1
    assert list(ledger(config)) == ["daily 2026-05-29"]


def test_a_server_that_is_not_there_is_one_clear_error(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    port = free_port()
    with pytest.raises(
        DigestError,
        match=rf"^the daily digest of 2026-05-29 was not sent: cannot connect to 127\.0\.0\.1:{port} \(Connection refused\)",
    ):
        send(config, port, at(dt.date(2026, 5, 30)))
    assert not (config.store.path / "digests" / "sent.json").exists()


def test_one_refused_recipient_is_reported_and_the_others_are_not_mailed_again(tmp_path: Path) -> None:
    config = write_site(tmp_path)

    class PickyInbox(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            if address.endswith("example.net"):
                return "550 5.1.1 no such user"
            return await super().handle_RCPT(server, session, envelope, address, options)

    inbox = PickyInbox()
    with smtp_server(inbox) as port:
        with pytest.raises(
            DigestError, match=r"went to 2 recipient\(s\) only: .* refused 1 of 3 recipient\(s\) \(550 5\.1\.1 no such user\)"
        ):
            send(config, port, at(dt.date(2026, 5, 30)))
        send(config, port, at(dt.date(2026, 5, 30), 12))
    assert [sorted(r.rcpt_tos) for r in inbox.received] == [["ada@example.org", "zoe@example.com"]]
    assert ledger(config)["daily 2026-05-29"]["recipients"] == 2


def test_the_weekly_digest_waits_for_the_week_to_end(tmp_path: Path) -> None:
    config = write_site(tmp_path, 'cadence = "weekly"\nmax_papers = 3')
    inbox = Inbox()
    with smtp_server(inbox) as port:
        # Sunday of week 22: not over yet. Monday: week 22 is sent.
        assert send(config, port, at(dt.date(2026, 5, 31), 23))[0].startswith("nothing to send")
        send(config, port, at(dt.date(2026, 6, 1), 1))
        # During week 23, nothing more; once it is over, week 23.
        assert send(config, port, at(dt.date(2026, 6, 5)))[0].startswith("nothing to send")
        send(config, port, at(dt.date(2026, 6, 8), 1))
        send(config, port, at(dt.date(2026, 6, 8), 7))
    first, second = (r.message for r in inbox.received)
    assert first["Message-ID"].startswith("<digest.weekly.2026-W22.") and second["Message-ID"].startswith(
        "<digest.weekly.2026-W23."
    )
    assert first["Subject"] == "Digest feeds: 3 new papers, 2026-W22"
    # The top three of the whole week by upvotes (no topics set: every paper), then "and N more".
    week = [p for day in [*WEEK_22, OFF_TOPIC_DAY] for p in stored_papers(day)]
    top = sorted(week, key=lambda p: (-(p.upvotes or 0), p.arxiv_id))[:3]
    assert [p.arxiv_id for p in top][:2] == [HOSTILE_ID, "2605.90099"]
    assert sections(first) == {"All papers": [p.arxiv_id for p in top]}
    text = first.get_body(("plain",)).get_content()
    assert "Week 22 of 2026 (25–31 May)" in text
    assert f"and {len(week) - 3} more: {SITE}weeks/2026-W22/" in text
    assert sorted(ledger(config)) == ["weekly 2026-W22", "weekly 2026-W23"]


def test_dry_run_and_to_file_preview_without_secrets_or_sending(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    report = run_digest(config, DigestOptions(dry_run=True), {}, at(dt.date(2026, 5, 30)))
    [text] = report.texts
    assert text.startswith("Digest feeds: 6 new papers, 2026-05-29\n") and HOSTILE in " ".join(text.split()) and TEX_ID in text
    eml = tmp_path / "digest.eml"
    run_digest(config, DigestOptions(to_file=eml, day=dt.date(2026, 5, 26)), {}, at(dt.date(2026, 5, 30)))
    from email import message_from_bytes, policy

    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Message-ID"].startswith("<digest.daily.2026-05-26.") and message.get_body(("html",)) is not None
    assert not (config.store.path / "digests").exists()
    # The same inputs give the same bytes.
    again = tmp_path / "again.eml"
    run_digest(config, DigestOptions(to_file=again, day=dt.date(2026, 5, 26)), {}, at(dt.date(2026, 5, 30)))
    assert again.read_bytes() == eml.read_bytes()
    assert MANY_AUTHORS_ID not in eml.read_text()
