"""When `StreamClient` tries a request again, and how long it waits first.

Network errors and 5xx are retried with jittered exponential backoff (the SDK's
min(0.5 * 2^n, 8) * uniform(0.75, 1)), but only when repeating the request is safe. A 429 is
retried only when Cloudflare asks for a short wait; its five-minute penalty is given up on at
once, because quick retries would only prolong the block. Other 4xx are never retried.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cfstream_gui.core.cloudflare._errors import (
    ApiError,
    BadResponse,
    NetworkError,
    RateLimited,
    ServerError,
)

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0

# One try's outcome: (result, None, _) on success, else (None, error, whether a retry is safe).
Attempt = tuple[Any, ApiError | None, bool]


@dataclass
class RetryPolicy:
    max_retries: int
    max_rate_limit_wait: float
    rng: random.Random

    def backoff(self, retry: int) -> float:
        base = min(INITIAL_RETRY_DELAY * 2.0**retry, MAX_RETRY_DELAY)
        return base * self.rng.uniform(0.75, 1.0)

    def delay(self, error: ApiError, retry: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before retry number `retry` (0-based), or None to give up now."""
        if retry >= self.max_retries:
            return None
        if isinstance(error, RateLimited):
            wait = error.retry_after
            return wait if wait is not None and wait <= self.max_rate_limit_wait else None
        if isinstance(error, (ServerError, NetworkError)) and idempotent:
            return self.backoff(retry)
        return None


async def with_retries(
    attempt: Callable[[], Awaitable[Attempt]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]],
    on_retry: Callable[[ApiError, float], None],
) -> Any:
    """The result of the first successful `attempt()`, else the last one's error raised.
    `on_retry(error, delay)` hears about each retry before its wait."""
    retry = 0
    while True:
        result, error, may_retry = await attempt()
        if error is None:
            return result
        delay = policy.delay(error, retry, idempotent=may_retry)
        if delay is None:
            raise error
        on_retry(error, delay)
        retry += 1
        await sleep(delay)


def unsure_if_done(error: ApiError, if_lost: str | None) -> ApiError:
    """`error` for a request that changes the account (`if_lost` set): a server error or an
    unreadable answer leaves unknown whether the change was made, so its hint says that and how
    to check, instead of suggesting a retry that could make a second key."""
    if if_lost is not None and isinstance(error, ServerError | BadResponse):
        error.hint = if_lost
    return error
