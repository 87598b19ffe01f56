"""A stand-in for Hugging Face and arXiv on 127.0.0.1 that misbehaves on command.

It serves:
- Hugging Face: `/api/daily_papers?date=D&limit=L&p=N` and `/papers/date/D` (as tests/hf_server.py);
- arXiv: `/list/<cat>/new` (a page given per category: the real saved page, or one rendered by
  `listing_html` in the same shape) and `/api/query` (Atom in the current format, answering the
  category + submittedDate queries of a backfill from a list of entries).

Every 200 answer carries an ETag and honours `If-None-Match` with 304 (`validators=False` turns
that off). Faults are queued per path prefix and consumed one per request before the normal
answer (`always` applies one forever): a status with headers (429 + Retry-After, 503), a
connection reset, a stall past the client's read timeout, a truncated body, or any other body
(invalid UTF-8, a changed layout, yesterday's listing). `latency` delays every answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from loopback import running


@dataclass(frozen=True)
class Status:
    code: int
    body: bytes = b"failing"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reset:
    """Close the connection without an answer (TCP RST)."""


@dataclass(frozen=True)
class Stall:
    seconds: float


@dataclass(frozen=True)
class Truncate:
    """Announce the full Content-Length, send half the body, close."""


@dataclass(frozen=True)
class Body:
    content: bytes
    content_type: str = "text/html; charset=utf-8"


Fault = Status | Reset | Stall | Truncate | Body


@dataclass
class ApiEntry:
    arxiv_id: str
    title: str
    summary: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]  # primary first
    published: dt.datetime
    version: int = 1
    comment: str | None = None
    journal_ref: str | None = None


@dataclass
class StandIn:
    hf_days: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    listings: dict[str, bytes] = field(default_factory=dict)  # arXiv category -> /list/<cat>/new page
    api_entries: list[ApiEntry] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    always: dict[str, Fault] = field(default_factory=dict)
    latency: float = 0.0
    validators: bool = True
    requests: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # the status of every complete answer
    user_agents: list[str] = field(default_factory=list)
    base_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, prefix: str, *faults: Fault) -> None:
        self.faults[prefix].extend(faults)

    def count(self, prefix: str) -> int:
        return sum(1 for r in self.requests if r.startswith(prefix))

    def fault_for(self, target: str) -> Fault | None:
        with self._lock:
            self.requests.append(target)
            for prefix, queue in self.faults.items():
                if target.startswith(prefix) and queue:
                    return queue.popleft()
        for prefix, fault in self.always.items():
            if target.startswith(prefix):
                return fault
        return None

    def answer(self, target: str) -> tuple[int, bytes, str]:
        parts = urlsplit(target)
        query = parse_qs(parts.query)
        if parts.path == "/api/daily_papers":
            day = query.get("date", [""])[0]
            limit = int(query.get("limit", ["50"])[0])
            page = int(query.get("p", ["0"])[0])
            items = self.hf_days.get(day, [])[page * limit : (page + 1) * limit]
            return 200, json.dumps(items).encode(), "application/json"
        if parts.path.startswith("/papers/date/"):
            day = parts.path.rsplit("/", 1)[1]
            props = html.escape(json.dumps({"dailyPapers": self.hf_days.get(day, []), "dateString": day}), quote=True)
            page = f'<!doctype html><html><body><div data-target="DailyPapers" data-props="{props}"></div></body></html>'
            return 200, page.encode(), "text/html; charset=utf-8"
        match = re.fullmatch(r"/list/([^/]+)/new", parts.path)
        if match and match.group(1) in self.listings:
            return 200, self.listings[match.group(1)], "text/html; charset=utf-8"
        if parts.path == "/api/query":
            return 200, self.api_answer(query), "application/atom+xml; charset=utf-8"
        return 404, b"not found", "text/plain"

    def api_answer(self, query: dict[str, list[str]]) -> bytes:
        search = query.get("search_query", [""])[0]
        cats = set(re.findall(r"cat:([^\s)]+)", search))
        window = re.search(r"submittedDate:\[(\d{12}) TO (\d{12})\]", search)
        start = int(query.get("start", ["0"])[0])
        size = int(query.get("max_results", ["10"])[0])
        low = dt.datetime.strptime(window.group(1), "%Y%m%d%H%M").replace(tzinfo=dt.UTC) if window else None
        high = None
        if window:
            last_minute = dt.datetime.strptime(window.group(2), "%Y%m%d%H%M").replace(tzinfo=dt.UTC)
            high = last_minute + dt.timedelta(seconds=59)
        hits = sorted(
            (e for e in self.api_entries if set(e.categories) & cats and (low is None or low <= e.published <= high)),
            key=lambda e: (e.published, e.arxiv_id),
        )
        return atom_feed(hits[start : start + size], total=len(hits), start=start, size=size)


def atom_feed(entries: list[ApiEntry], total: int, start: int, size: int) -> bytes:
    """An arXiv API answer in the current format (namespaces declared once, as in 2026)."""
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/standin</id>\n  <title>arXiv Query</title>\n  <updated>2026-04-12T00:00:00Z</updated>\n"
        f"  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n  "
        f"<opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
    ]
    for e in entries:
        stamp = e.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        cats = "".join(f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n' for c in e.categories)
        authors = "".join(f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n" for a in e.authors)
        parts.append(
            f"  <entry>\n    <id>http://arxiv.org/abs/{e.arxiv_id}v{e.version}</id>\n    <title>{escape(e.title)}</title>\n"
            f"    <updated>{stamp}</updated>\n    <summary>{escape(e.summary)}</summary>\n{cats}"
            f"    <published>{stamp}</published>\n"
            + (f"    <arxiv:comment>{escape(e.comment)}</arxiv:comment>\n" if e.comment else "")
            + f'    <arxiv:primary_category term="{e.categories[0]}"/>\n'
            + (f"    <arxiv:journal_ref>{escape(e.journal_ref)}</arxiv:journal_ref>\n" if e.journal_ref else "")
            + authors
            + "  </entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")


def listing_html(
    day: dt.date | None,
    category: str,
    new: Sequence[ApiEntry] = (),
    cross: Sequence[ApiEntry] = (),
    replaced: Sequence[ApiEntry] = (),
) -> bytes:
    """A `/list/<cat>/new` page in the shape of the real one (see ../shared/data/arxiv/)."""
    if day is None:
        return (
            f"<!DOCTYPE html><html><head><title>{category}</title></head><body><div id='dlpage'><h1>{category}</h1>"
            "<p>No updates today.</p></div></body></html>"
        ).encode()
    blocks = []
    number = 0
    for title, entries, marker in (
        ("New submissions", new, ""),
        ("Cross submissions", cross, "cross"),
        ("Replacement submissions", replaced, "(replaced)"),
    ):
        if not entries:
            continue
        items = []
        for e in entries:
            number += 1
            note = f"(cross-list from {e.categories[0]})" if marker == "cross" else marker
            authors = ", ".join(
                f'<a href="https://arxiv.org/search/cs?searchtype=author&amp;query={escape(a)}">{escape(a)}</a>'
                for a in e.authors
            )
            subjects = "; ".join(
                (f'<span class="primary-subject">Subject ({c})</span>' if i == 0 else f"Subject ({c})")
                for i, c in enumerate(e.categories)
            )
            comment = (
                "<div class='list-comments mathjax'><span class='descriptor'>Comments:</span>\n          "
                f"{escape(e.comment)}\n        </div>"
                if e.comment
                else ""
            )
            journal = (
                "<div class='list-journal-ref'><span class='descriptor'>Journal-ref:</span>\n          "
                f"{escape(e.journal_ref)}\n        </div>"
                if e.journal_ref
                else ""
            )
            abstract = "\n<br>".join(escape(p) for p in e.summary.split("\n\n"))
            items.append(
                f"""    <dt>
      <a name='item{number}'>[{number}]</a>
      <a href ="/abs/{e.arxiv_id}" title="Abstract" id="{e.arxiv_id}">
        arXiv:{e.arxiv_id}
      </a>
          {note}
        [<a href="/pdf/{e.arxiv_id}" title="Download PDF">pdf</a>, <a href="https://arxiv.org/html/{e.arxiv_id}v{e.version}" title="View HTML">html</a>]
    </dt>
    <dd>
      <div class='meta'>
        <div class='list-title mathjax'><span class='descriptor'>Title:</span>
          {escape(e.title)}
        </div>
        <div class='list-authors'>{authors}</div>
        {comment}
        {journal}
        <div class='list-subjects'><span class='descriptor'>Subjects:</span>
          {subjects}
        </div>
        <p class='mathjax'>
          {abstract}
        </p>
      </div>
    </dd>"""  # noqa: E501 -- arXiv's listing markup, as served
            )
        blocks.append(
            f"      <dl id='articles'>\n    <h3>{title} (showing {len(entries)} of {len(entries)} entries)</h3>\n"
            + "\n".join(items)
            + "\n</dl>"
        )
    total = len(new) + len(cross) + len(replaced)
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>{category}</title></head><body><div id='dlpage'>
  <h1>{category}</h1>
<h3>Showing new listings for {day.strftime("%A")}, {day.day} {day.strftime("%B %Y")}</h3>
      <div class='paging'>Total of {total} entries
    </div>
{"".join(blocks)}
</div></body></html>
""".encode()


@contextmanager
def serve(stand_in: StandIn) -> Iterator[StandIn]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers: one connection for arXiv

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            with stand_in._lock:
                stand_in.user_agents.append(self.headers.get("User-Agent", ""))
            fault = stand_in.fault_for(self.path)
            if stand_in.latency:
                time.sleep(stand_in.latency)
            if isinstance(fault, Reset):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            if isinstance(fault, Stall):
                time.sleep(fault.seconds)
                fault = None
            if isinstance(fault, Status):
                return self._send(fault.code, fault.body, "text/plain", fault.headers)
            status, body, content_type = stand_in.answer(self.path)
            if isinstance(fault, Body):
                status, body, content_type = 200, fault.content, fault.content_type
            headers: tuple[tuple[str, str], ...] = ()
            if status == 200 and stand_in.validators:
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", content_type, (("ETag", etag),))
                headers = (("ETag", etag),)
            if isinstance(fault, Truncate):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(status, body, content_type, headers)

        def _send(self, status: int, body: bytes, content_type: str, headers: tuple[tuple[str, str], ...]) -> None:
            with stand_in._lock:
                stand_in.statuses.append(status)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)) if status != 304 else "0")
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except OSError:
                self.close_connection = True  # the client gave up (stall past its timeout)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # resets and stalls make handlers fail on purpose

    with running(Server(("127.0.0.1", 0), Handler)) as url:
        stand_in.base_url = url
        yield stand_in
