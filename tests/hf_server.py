"""A Hugging Face Daily Papers stand-in: a real HTTP server on 127.0.0.1 for tests.

It serves `/api/daily_papers?date=D&limit=L&p=N` from per-day item lists, and the web page
`/papers/date/D` with the items HTML-escaped in `data-props`, like the real site. Faults are
scripted per path prefix: a queue of (status, body) answers consumed before the normal answer.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from loopback import running

# Each fixture era (tests/fixtures/hf_*.json) served as one day of a week; 2026-05-28 is an
# empty, weekend-like day. Shared by the end-to-end and newsboat tests.
FIXTURE_WEEK: dict[str, str | None] = {
    "2026-05-25": "hf_2024-05-27.json",
    "2026-05-26": "hf_2025-04-01.json",
    "2026-05-27": "hf_2025-11-03.json",
    "2026-05-28": None,
    "2026-05-29": "hf_2026-05-29.json",
}


@dataclass
class HFStandIn:
    days: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # path prefix -> queued (status, body bytes, content type) answers, consumed first
    faults: dict[str, deque[tuple[int, bytes, str]]] = field(default_factory=lambda: defaultdict(deque))
    # path prefixes answered with this status every time
    always: dict[str, int] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""

    def fail(self, prefix: str, status: int, body: bytes = b"", content_type: str = "text/plain", times: int = 1) -> None:
        for _ in range(times):
            self.faults[prefix].append((status, body, content_type))

    def answer(self, target: str) -> tuple[int, bytes, str]:
        self.requests.append(target)
        path = urlsplit(target).path
        for prefix, queue in self.faults.items():
            if target.startswith(prefix) and queue:
                return queue.popleft()
        for prefix, status in self.always.items():
            if target.startswith(prefix):
                return status, b"failing", "text/plain"
        query = parse_qs(urlsplit(target).query)
        if path == "/api/daily_papers":
            day = query.get("date", [""])[0]
            limit = int(query.get("limit", ["50"])[0])
            page = int(query.get("p", ["0"])[0])
            items = listed_on(self.days.get(day, []), day)[page * limit : (page + 1) * limit]
            return 200, json.dumps(items).encode(), "application/json"
        if path.startswith("/papers/date/"):
            day = path.rsplit("/", 1)[1]
            props = html.escape(
                json.dumps({"dailyPapers": listed_on(self.days.get(day, []), day), "dateString": day}), quote=True
            )
            page = f'<!doctype html><html><body><div data-target="DailyPapers" data-props="{props}"></div></body></html>'
            return 200, page.encode(), "text/html; charset=utf-8"
        return 404, b"not found", "text/plain"


def listed_on(items: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    """The items as the real service lists them on `day`: items that carry a listing date
    (`paper.submittedOnDailyAt`, since 2025-03) carry `day`, whichever day a fixture came from."""
    listed = []
    for item in items:
        paper = item.get("paper")
        if isinstance(paper, dict) and "submittedOnDailyAt" in paper:
            item = {**item, "paper": {**paper, "submittedOnDailyAt": f"{day}T00:00:00.000Z"}}
        listed.append(item)
    return listed


@contextmanager
def serve(stand_in: HFStandIn) -> Iterator[HFStandIn]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            status, body, content_type = stand_in.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        stand_in.base_url = url
        yield stand_in
