"""Hard limits on one HTTP request: an overall deadline and a bounded body.

httpx's timeouts are per network operation, so a server that sends one byte every second never
trips them and can hold a request for hours. Here every read, write and connect of a request is
given at most the time left until the request's deadline, so connect + headers + body together
end by the deadline (name resolution is the operating system's and not covered).

Bodies are read raw and decompressed here, in bounded steps, counting both the bytes received and
the bytes decoded: a 1 MB gzip bomb stops at `max_decoded_mb` instead of filling memory.
"""

from __future__ import annotations

import functools
import ssl
import time
import typing
import zlib
from collections.abc import Iterable

import httpcore
import httpx

CHUNK = 64 * 1024
STEP = 1024 * 1024  # decoded bytes per decompression call: memory stays near the limit, not twice it
ACCEPT_ENCODING = "gzip, deflate"  # only what `_decoder` can decode in bounded steps


class Deadline:
    """The moment (time.monotonic) the current request must be done by; None between requests.

    Real time on purpose: the network is real even when a test's clock is not.
    """

    def __init__(self) -> None:
        self.until: float | None = None

    def start(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def clear(self) -> None:
        self.until = None

    @property
    def expired(self) -> bool:
        return self.until is not None and time.monotonic() >= self.until

    def cap(self, timeout: float | None, timeout_error: type[Exception]) -> float | None:
        """`timeout` shortened to the time left; raises `timeout_error` when none is left."""
        if self.until is None:
            return timeout
        left = self.until - time.monotonic()
        if left <= 0:
            raise timeout_error("the request's deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.deadline.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self.inner.start_tls(ssl_context, server_hostname, self.deadline.cap(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self.deadline.cap(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(super().connect_tcp(host, port, timeout, local_address, socket_options), self.deadline)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One context per process: loading the CA bundle costs a noticeable fraction of a second."""
    return httpx.create_ssl_context()


def deadline_transport(deadline: Deadline, limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's own transport, its connection pool rebuilt on a network backend that obeys `deadline`.

    httpx offers no way to pass a network backend, so the pool (built from public httpcore API)
    replaces the one HTTPTransport made; the transport keeps httpx's exception mapping.
    """
    transport = httpx.HTTPTransport(verify=_ssl_context(), limits=limits)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_DeadlineBackend(deadline),
    )
    return transport


class BodyTooLarge(Exception):
    """The body exceeds a size limit: refused, and not worth retrying."""


class _Identity:
    def decompress(self, data: bytes, max_length: int) -> bytes:
        return data

    unconsumed_tail = b""

    def flush(self) -> bytes:
        return b""


class _Deflate:
    """`deflate` as servers send it: zlib-wrapped, or (against the RFC, but common) raw."""

    def __init__(self) -> None:
        self.inner = zlib.decompressobj()
        self.first = True

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self.first:
            self.first = False
            try:
                return self.inner.decompress(data, max_length)
            except zlib.error:
                self.inner = zlib.decompressobj(-zlib.MAX_WBITS)
        return self.inner.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self.inner.unconsumed_tail

    def flush(self) -> bytes:
        return self.inner.flush()


def _decoder(content_encoding: str) -> typing.Any:
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise httpx.DecodingError(f"Content-Encoding {content_encoding!r}: more than one coding is not accepted")
    if codings[0] in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if codings[0] == "deflate":
        return _Deflate()
    raise httpx.DecodingError(f"Content-Encoding {codings[0]!r} was not asked for (Accept-Encoding: {ACCEPT_ENCODING})")


def read_body(response: httpx.Response, max_download: int, max_decoded: int) -> bytes:
    """The decoded body of a streamed `response`, refusing one over either limit (in bytes)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_download:
        raise BodyTooLarge(f"the server announces {int(declared):,} bytes, over the limit of {max_download:,}")
    decoder = _decoder(response.headers.get("content-encoding", ""))
    received = 0
    parts: list[bytes] = []
    decoded = 0
    for chunk in response.iter_raw(CHUNK):
        received += len(chunk)
        if received > max_download:
            raise BodyTooLarge(f"more than {max_download:,} bytes sent")
        data = chunk
        while data:  # bounded steps: at most STEP bytes, and never past the limit (+1 byte)
            try:
                piece = decoder.decompress(data, min(STEP, max_decoded - decoded + 1))
            except zlib.error as error:
                raise httpx.DecodingError(f"corrupt {response.headers.get('content-encoding')} body ({error})") from None
            decoded += len(piece)
            if decoded > max_decoded:
                raise BodyTooLarge(f"the body decompresses to more than {max_decoded:,} bytes ({received:,} sent)")
            parts.append(piece)
            data = decoder.unconsumed_tail
            if not piece and data:  # defensive: no progress would loop forever
                raise httpx.DecodingError("the body does not decompress")
    try:
        tail = decoder.flush()
    except zlib.error as error:
        raise httpx.DecodingError(f"corrupt body ({error})") from None
    if decoded + len(tail) > max_decoded:
        raise BodyTooLarge(f"the body decompresses to more than {max_decoded:,} bytes")
    parts.append(tail)
    return b"".join(parts)
