"""Whether Create can be pressed now, and if not, the one sentence that says why.

No Qt here: the window controller gathers the facts and shows the outcome. The account ID and
the API token only matter to the engines that call the API; a token signed on this computer
needs neither, and no rate limit applies to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from cfstream_gui.core.cloudflare._errors import human_duration
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.validation import Problem, Severity, check_request
from cfstream_gui.ui.keys.key_texts import no_key_reason

# When Cloudflare rate-limits without saying for how long.
DEFAULT_RATE_LIMIT_WAIT = 60.0
NO_PROFILE = "Choose a profile first."
READING_KEYS = "Reading the signing keys from the keyring…"
READING_TOKEN = "Reading the API token from the keyring…"
NO_TOKEN = "Enter the API token; it needs Stream Edit permission for this account."


def check(
    request: TokenRequest, engine: SigningEngine, *, account_id: str, now: int
) -> list[Problem]:
    """What validation says about the form; the account ID only matters for the API."""
    return check_request(request, now=now, account_id=account_id if engine.uses_network else None)


def first_error(problems: Sequence[Problem]) -> Problem | None:
    return next((p for p in problems if p.severity is Severity.ERROR), None)


def warnings(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.WARNING]


def account_problem(problems: Sequence[Problem], account_id: str) -> Problem | None:
    """The problem to mark at the account ID field; an empty one is said by the Create reason
    instead of being painted red."""
    if not account_id:
        return None
    return next((p for p in problems if p.field == "account ID"), None)


def blocking_reason(
    problems: Sequence[Problem],
    *,
    profile: Profile | None,
    engine: SigningEngine,
    key_id: str | None,
    keys_reading: bool,
    credentials: Credentials | None,
    token_problem: str,
    token_reading: bool,
    rate_limit: str,
) -> str:
    """Why Create cannot be pressed now, or "" when it can. `token_problem` says why the API
    token given cannot be sent; `rate_limit` is `RateLimit.reason()`."""
    error = first_error(problems)
    if error is not None:
        return error.message
    if profile is None:
        return NO_PROFILE
    if engine.uses_key and key_id is None:
        return READING_KEYS if keys_reading else no_key_reason(profile.name)
    if not engine.uses_network:
        return ""  # signed here: no API token, no account ID, no rate limit
    if credentials is None:
        if token_problem:
            return token_problem
        return READING_TOKEN if token_reading else NO_TOKEN
    return rate_limit


class RateLimit:
    """The wait Cloudflare imposed after a 429, counted down on `clock`."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._retry_at: float | None = None

    def start(self, retry_after: float | None) -> None:
        wait = retry_after if retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
        self._retry_at = self._clock() + wait

    def active(self) -> bool:
        return bool(self.reason())

    def reason(self) -> str:
        """The sentence that keeps Create disabled, or "" once the wait is over."""
        if self._retry_at is None:
            return ""
        left = self._retry_at - self._clock()
        if left <= 0:
            self._retry_at = None
            return ""
        return f"Cloudflare's rate limit: Create is available again in {countdown(left)}."


def countdown(seconds: float) -> str:
    """'45 seconds' under a minute and a half, '4:59 min' under an hour, then '2:05 h' (a
    capped Retry-After can ask for up to two days: '2880:00 min' would be no help)."""
    whole = max(0, int(seconds + 0.999))
    if whole < 90:
        return human_duration(whole)
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d} h"
