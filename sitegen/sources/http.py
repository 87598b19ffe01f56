"""One HTTP policy for every source: timeouts, retries with backoff and jitter, clear errors.

The client is injected (tests pass one pointed at a server on 127.0.0.1); this module only
decides when to try again and what to say when giving up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import tenacity

from sitegen import GENERATOR_URL, __version__
from sitegen.config import FetchConfig
from sitegen.errors import FetchError

USER_AGENT = f"sitegen/{__version__} (+{GENERATOR_URL})"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def make_client(config: FetchConfig, user_agent: str = USER_AGENT) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(config.timeout),
        headers={"User-Agent": user_agent},
        follow_redirects=True,
    )


def get(
    client: httpx.Client,
    url: str,
    config: FetchConfig,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """GET `url`, retrying transient failures. Returns any non-retryable response (200, 404...).

    Raises FetchError naming the URL when every attempt failed.
    """
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(config.retries + 1),
        wait=tenacity.wait_exponential_jitter(initial=config.backoff, max=60, jitter=config.backoff),
        retry=tenacity.retry_if_exception_type((httpx.TransportError, _RetryableStatus)),
        sleep=sleep,
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                response = client.get(url)
                if response.status_code in RETRY_STATUS:
                    raise _RetryableStatus(response)
                return response
    except _RetryableStatus as error:
        raise FetchError(
            f"{url}: HTTP {error.response.status_code} after {config.retries + 1} attempts; "
            "the service is failing, the next run will try again"
        ) from None
    except httpx.TransportError as error:
        raise FetchError(
            f"{url}: {type(error).__name__}: {error or 'no answer'} after {config.retries + 1} attempts; "
            "check the network or the source's base_url"
        ) from None
    raise AssertionError("unreachable: tenacity either returns or raises")
