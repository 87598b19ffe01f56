"""One HTTP policy for every source: timeouts, retries, Retry-After, a wait budget, politeness.

- Every network operation has a timeout (`[fetch] timeout`), and the whole request (connect,
  headers, body, redirects) a deadline (`[fetch] deadline`), so a stalled or trickling server
  costs one deadline, not a hung run (limits.py).
- A body over `[fetch] max_download_mb` as sent, or `max_decoded_mb` decompressed, is refused.
- Redirects are followed (at most MAX_REDIRECTS) only to the request's own host or a host the
  source names in its config; any other target is an error, never another host's answer.
- Timeouts, resets, truncated bodies, 429 and 5xx are retried up to `[fetch] retries` times with
  exponential backoff and jitter; a `Retry-After` header (seconds or an HTTP date) is honoured
  instead of the computed wait.
- What retrying cannot fix within a run (the name does not resolve, the connection is refused,
  TLS fails) is not retried: `SourceUnreachable`, one short line naming the host and the key.
- All sources of one run share a `WaitBudget` (`[fetch] max_wait`): a wait that would overrun it
  is not made, the request fails at once, so a struggling service cannot hold the run for hours.
- `interval` spaces requests (arXiv asks for 3 s); it is politeness, not retry waiting, and does
  not count against the budget.
- Conditional requests: with an `HttpCache`, a GET sends `If-None-Match` / `If-Modified-Since`
  and a 304 comes back as `Response.not_modified`.

The client and the clock are injected: tests use a server on 127.0.0.1 and a clock whose sleep
only advances a counter.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
import tenacity

from sitegen import GENERATOR_URL, __version__
from sitegen.config.load import FetchConfig
from sitegen.errors import FetchError, SourceUnreachable
from sitegen.fetch.clock import Clock, SystemClock
from sitegen.fetch.sources.http_cache import HttpCache
from sitegen.fetch.sources.limits import ACCEPT_ENCODING, BodyTooLarge, Deadline, deadline_transport, read_body

USER_AGENT = f"sitegen/{__version__} (+{GENERATOR_URL})"
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MB = 1_000_000


def user_agent(contact: str | None = None) -> str:
    """The project and, when given, a contact, as arXiv asks of API clients."""
    if not contact:
        return USER_AGENT
    return f"sitegen/{__version__} (+{GENERATOR_URL}; {'mailto:' if '@' in contact else ''}{contact})"


class SourceClient(httpx.Client):
    """An httpx client whose every request obeys `deadline` (set per attempt by the Fetcher)."""

    def __init__(self, deadline: Deadline, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.deadline = deadline


def make_client(config: FetchConfig, agent: str = USER_AGENT, *, single_connection: bool = False) -> SourceClient:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1) if single_connection else httpx.Limits()
    deadline = Deadline()
    return SourceClient(
        deadline,
        timeout=httpx.Timeout(config.timeout),
        headers={"User-Agent": agent, "Accept-Encoding": ACCEPT_ENCODING},
        follow_redirects=False,  # followed by the Fetcher, host by host (see _attempt)
        transport=deadline_transport(deadline, limits),
    )


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a `Retry-After` header asks for: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class WaitBudget:
    """Seconds of retry waiting left for this run, shared by every source."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.spent = 0.0

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)

    def take(self, seconds: float) -> bool:
        if seconds > self.remaining + 1e-9:
            return False
        self.spent += seconds
        return True


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _RetryableStatus(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(f"HTTP {response.status}")
        self.response = response


class _Refused(Exception):
    """An answer not worth retrying (a body over a limit, a redirect to another host)."""


def _unreachable(error: BaseException) -> str | None:
    """Why a connection failed for good within this run ("cannot resolve ..."), or None when
    retrying may help. httpx keeps the operating system's error in the exception chain."""
    seen: BaseException | None = error
    for _ in range(10):  # the chain is short; bounded anyway
        if seen is None:
            return None
        if isinstance(seen, socket.gaierror):
            return "cannot resolve {host}"
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused by {host}"
        if isinstance(seen, ssl.SSLError):
            reason = getattr(seen, "verify_message", None) or getattr(seen, "reason", None) or type(seen).__name__
            return f"TLS failed with {{host}} ({reason})"
        seen = seen.__cause__ or seen.__context__
    return None


def _retryable(error: BaseException) -> bool:
    if isinstance(error, _RetryableStatus | httpx.DecodingError):
        return True
    return isinstance(error, httpx.TransportError) and _unreachable(error) is None


class _Schedule:
    """Decides, after a failed attempt, whether to try again and how long to wait first.

    tenacity asks `wait` and `stop` after each failed attempt (newer versions ask `wait` first);
    both read the same delay, computed once per attempt, so jitter is drawn once.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.delays: dict[int, tuple[float, float | None]] = {}
        self.gave_up: str | None = None

    def _delay(self, state: tenacity.RetryCallState) -> tuple[float, float | None]:
        """(seconds to wait, what Retry-After asked for or None) before the next attempt."""
        if state.attempt_number not in self.delays:
            policy = self.fetcher.config
            error = state.outcome.exception() if state.outcome else None
            asked = None
            if isinstance(error, _RetryableStatus):
                asked = retry_after_seconds(error.response.headers.get("retry-after"), self.fetcher.clock.now())
            if asked is not None:
                delay = asked  # the server said when; honour it exactly
            else:
                base = min(policy.max_backoff, policy.backoff * 2 ** (state.attempt_number - 1))
                delay = base / 2 + self.fetcher.rng.uniform(0, base / 2)  # "equal jitter"
            self.delays[state.attempt_number] = (delay, asked)
        return self.delays[state.attempt_number]

    def stop(self, state: tenacity.RetryCallState) -> bool:
        if state.attempt_number > self.fetcher.config.retries:
            self.gave_up = f"after {state.attempt_number} attempts"
            return True
        delay, asked = self._delay(state)
        budget = self.fetcher.budget
        if not budget.take(delay):
            if asked is not None:
                why = f"the server asked to wait {asked:g} s (Retry-After)"
            else:
                why = f"the next retry needs {delay:.1f} s"
            self.gave_up = (
                f"after {state.attempt_number} attempt(s): {why}, but only {budget.remaining:.1f} s of "
                f"[fetch] max_wait = {budget.total:g} s remain for this run"
            )
            return True
        return False

    def wait(self, state: tenacity.RetryCallState) -> float:
        return self._delay(state)[0]


class Fetcher:
    """GETs for one source: the shared policy plus this source's client, interval and cache.

    `hosts` maps each host the source names in its config to that config key (e.g.
    "[sources.huggingface] base_url"): redirects may go there, and errors name the key.
    """

    def __init__(
        self,
        client: SourceClient,
        config: FetchConfig,
        *,
        clock: Clock | None = None,
        budget: WaitBudget | None = None,
        cache: HttpCache | None = None,
        interval: float = 0.0,
        rng: random.Random | None = None,
        hosts: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.clock = clock or SystemClock()
        self.budget = budget or WaitBudget(config.max_wait)
        self.cache = cache
        self.interval = interval
        self.rng = rng or random.Random()
        self.hosts = dict(hosts or {})
        self.requests = 0  # every attempt that reached the network, for reports and tests
        self._last_request: float | None = None
        self._deadline_passed = False

    def get(self, url: str, *, conditional: bool = False) -> Response:
        """GET `url`; retry transient failures. Returns any final answer (200, 304, 404...).

        Raises SourceUnreachable when the host cannot be reached at all (not retried), and
        FetchError naming the URL when every attempt failed or the wait budget ran out.
        """
        headers = self.cache.validators(url) if conditional and self.cache is not None else {}
        schedule = _Schedule(self)
        retrying = tenacity.Retrying(
            stop=schedule.stop,
            wait=schedule.wait,
            retry=tenacity.retry_if_exception(_retryable),
            sleep=self.clock.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._attempt(url, headers)
                    if response.status in _RETRY_STATUS or response.status >= 500:
                        raise _RetryableStatus(response)
        except _RetryableStatus as error:
            raise FetchError(
                f"{url}: HTTP {error.response.status} {schedule.gave_up}; the service is failing, the next run will try again"
            ) from None
        except _Refused as error:
            raise FetchError(f"{url}: {error}") from None
        except httpx.TransportError as error:
            cause = _unreachable(error)
            if cause is not None:
                host = httpx.URL(url).host
                key = self.hosts.get(host, "the source's base_url")
                raise SourceUnreachable(f"{cause.format(host=host)}: check the network or {key}") from None
            if isinstance(error, httpx.TimeoutException) and self._deadline_passed:
                raise FetchError(
                    f"{url}: no complete answer within [fetch] deadline = {self.config.deadline:g} s {schedule.gave_up}; "
                    "the server is too slow, the next run will try again"
                ) from None
            raise FetchError(
                f"{url}: {type(error).__name__}: {error or 'no answer'} {schedule.gave_up}; "
                "check the network or the source's base_url"
            ) from None
        except httpx.DecodingError as error:
            raise FetchError(f"{url}: {error} {schedule.gave_up}") from None
        except httpx.HTTPError as error:  # e.g. an invalid URL: not worth retrying
            raise FetchError(f"{url}: {type(error).__name__}: {error}") from None
        finally:
            self.client.deadline.clear()
        if response.status == 200 and self.cache is not None:
            self.cache.stage(url, response.headers.get("etag"), response.headers.get("last-modified"))
        return response

    def _attempt(self, url: str, headers: dict[str, str]) -> Response:
        """One attempt: the request and its redirects, all within one deadline."""
        if self.interval and self._last_request is not None:
            pause = self.interval - (self.clock.monotonic() - self._last_request)
            if pause > 0:
                self.clock.sleep(pause)
        self.requests += 1
        self.client.deadline.start(self.config.deadline)
        self._deadline_passed = False
        try:
            target = httpx.URL(url)
            for _ in range(MAX_REDIRECTS + 1):
                with self.client.stream("GET", target, headers=headers) as answer:
                    location = answer.headers.get("location")
                    if answer.status_code in _REDIRECT_STATUS and location:
                        target = self._redirect_target(url, target, location)
                        continue
                    answer_headers = {k.lower(): v for k, v in answer.headers.items()}
                    if answer.status_code in _RETRY_STATUS or answer.status_code >= 500:
                        return Response(url, answer.status_code, b"", answer_headers)  # only Retry-After matters
                    try:
                        content = read_body(answer, int(self.config.max_download_mb * MB), int(self.config.max_decoded_mb * MB))
                    except BodyTooLarge as error:
                        raise _Refused(f"answer refused: {error} ([fetch] max_download_mb / max_decoded_mb)") from None
                    return Response(url, answer.status_code, content, answer_headers)
            raise _Refused(f"more than {MAX_REDIRECTS} redirects")
        except httpx.TimeoutException:
            self._deadline_passed = self.client.deadline.expired  # for the message: whole request, not one read
            raise
        finally:
            self.client.deadline.clear()
            self._last_request = self.clock.monotonic()

    def _redirect_target(self, url: str, current: httpx.URL, location: str) -> httpx.URL:
        target = current.join(location)
        allowed = {httpx.URL(url).host, *self.hosts}
        if target.scheme not in ("http", "https") or target.host not in allowed:
            raise _Refused(
                f"redirected to {target}, another host; sitegen follows redirects only to "
                f"{', '.join(sorted(allowed))}. If the service moved, change the source's base_url"
            )
        return target
