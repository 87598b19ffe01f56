"""Serve a built site on 127.0.0.1 under a sub-path, as GitHub Pages serves a project site.

`/repo/x/` serves `output/x/index.html`; a missing file gets the site's 404.html with status 404.
"""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from loopback import running

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".png": "image/png", ".xml": "application/xml", ".txt": "text/plain"}


@contextmanager
def serve_site(output: Path, prefix: str = "/repo/") -> Iterator[str]:
    """Yield the site's URL (http://127.0.0.1:PORT/repo/) while a server thread serves `output`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            path = unquote(urlsplit(self.path).path)
            target = None
            if path.startswith(prefix):
                local = path[len(prefix):]
                candidate = output / (local + "index.html" if local == "" or local.endswith("/") else local)
                if ".." not in Path(local).parts and candidate.is_file():
                    target = candidate
                elif (output / local).is_dir() and not local.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return
            status = 200 if target else 404
            target = target or output / "404.html"
            body = target.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", TYPES.get(target.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield f"{url}{prefix}"
