"""A GitHub stand-in for git over HTTPS: `git http-backend` behind a server on 127.0.0.1.

It serves bare repositories under a folder (`/owner/repo.git`) and, like GitHub with the token
of an Actions job, accepts a request only with `Authorization: Basic base64(x-access-token:TOKEN)`;
anything else gets 401. It records the Authorization headers it saw.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from loopback import running


@dataclass
class GitHost:
    root: Path
    token: str
    seen_auth: list[str] = field(default_factory=list)
    url: str = ""

    def authorized(self, header: str | None) -> bool:
        expected = "Basic " + base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
        return header is not None and header.lower() == expected.lower()


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().strip(), 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


@contextmanager
def serve_git(host: GitHost) -> Iterator[GitHost]:
    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            header = self.headers.get("Authorization")
            self.server_seen(header)
            body = _read_body(self) if self.command == "POST" else b""
            if not host.authorized(header):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="GitHub stand-in"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = urlsplit(self.path)
            env = {
                "GIT_PROJECT_ROOT": str(host.root),
                "GIT_HTTP_EXPORT_ALL": "1",
                "REMOTE_USER": "x-access-token",  # lets http-backend accept pushes
                "REMOTE_ADDR": "127.0.0.1",
                "REQUEST_METHOD": self.command,
                "PATH_INFO": target.path,
                "QUERY_STRING": target.query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                "GIT_CONFIG_NOSYSTEM": "1",
                "PATH": "/usr/bin:/bin:/usr/local/bin",
            }
            result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=60)
            head, _, payload = result.stdout.partition(b"\r\n\r\n")
            status = 200
            headers = []
            for line in head.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def server_seen(self, header: str | None) -> None:
            host.seen_auth.append(header or "")

        do_GET = _handle
        do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        host.url = url
        yield host
