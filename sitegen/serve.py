"""`sitegen serve`: preview the built site on 127.0.0.1 as a static host (GitHub Pages) serves it.

Like the host: a missing path gets the site's own `404.html` with status 404, and feeds and data
files get their real media types, so a feed reader or a browser pointed at the preview behaves as
it will on the published site.
"""

from __future__ import annotations

import errno
import functools
import http.server
from pathlib import Path

from sitegen.errors import SitegenError

# What GitHub Pages sends for the files a site holds (mime-db's choices).
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
    ".opml": "text/x-opml",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}
NOT_FOUND_PAGE = "404.html"


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MEDIA_TYPES}

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", MEDIA_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A server on 127.0.0.1:port for `directory`; a port in use is a SitegenError saying what to do."""
    handler = functools.partial(SiteRequestHandler, directory=str(directory))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SitegenError(
                f"port {port} on 127.0.0.1 is in use (another `sitegen serve`?); "
                f"stop that program or pick another port: sitegen serve --port {port + 1}"
            ) from None
        if error.errno == errno.EACCES:
            raise SitegenError(
                f"port {port} needs administrator rights; pick one above 1023: sitegen serve --port 8000"
            ) from None
        raise SitegenError(f"cannot serve on 127.0.0.1:{port}: {error.strerror}") from None
