"""Hostile HTTP servers on 127.0.0.1 for the fetch-limit tests: raw sockets, so they can do what
no well-behaved server library would (trickle the status line, lie about sizes).

Every server is bounded: a trickle ends after a fixed number of bytes, and stops at once when the
test ends (the pause between bytes waits on an Event that teardown sets), so no thread outlives
its test and no test waits on a server.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from loopback import running


@dataclass
class Trickle:
    """Send `head` at once, then `body` one byte every `pause` seconds (or all of it, if the
    head is the part trickled: `trickle_head`)."""

    body: bytes
    pause: float
    trickle_head: bool = False
    sent: int = 0  # bytes of the trickled part written before the client hung up or it ended
    finished: bool = False  # every byte was sent: the client waited for all of it
    requests: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def head(self) -> bytes:
        length = len(self.body)
        headers = f"Content-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n"
        return f"HTTP/1.1 200 OK\r\n{headers}\r\n".encode()


@contextmanager
def serve_trickle(trickle: Trickle) -> Iterator[str]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            trickle.requests += 1
            self.request.recv(65536)  # the request (small GET): read, not parsed
            slow, fast = (trickle.head(), trickle.body) if trickle.trickle_head else (trickle.body, b"")
            try:
                if not trickle.trickle_head:
                    self.request.sendall(trickle.head())
                for index in range(len(slow)):  # bounded by the body's length
                    if trickle.stop.wait(trickle.pause):
                        return
                    self.request.sendall(slow[index : index + 1])
                    trickle.sent = index + 1
                self.request.sendall(fast)
                trickle.finished = True
            except OSError:
                return  # the client hung up: what the deadline is for

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    try:
        with running(server) as url:  # type: ignore[arg-type]
            yield url
    finally:
        trickle.stop.set()


@dataclass
class Canned:
    """Answer every request with `raw` (a whole HTTP response) and record the request lines."""

    raw: bytes
    requests: list[str] = field(default_factory=list)


@contextmanager
def serve_canned(canned: Canned, host: str = "127.0.0.1") -> Iterator[str]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = self.request.recv(65536)
            canned.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
            try:
                self.request.sendall(canned.raw)
            except OSError:
                return

    server = socketserver.ThreadingTCPServer((host, 0), Handler)
    server.daemon_threads = True
    with running(server) as url:  # type: ignore[arg-type]
        yield url.replace("127.0.0.1", host)


def gzip_bomb(decoded_mb: int) -> bytes:
    """A gzip body of zeros that decodes to `decoded_mb` MB (about 1/1000 of that sent)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1_000_000)
    return b"".join(compressor.compress(block) for _ in range(decoded_mb)) + compressor.flush()


def response(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers, f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode() + body


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released): connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
