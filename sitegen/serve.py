"""`sitegen serve`: preview the built site on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


def make_server(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
