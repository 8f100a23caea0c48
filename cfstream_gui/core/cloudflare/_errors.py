"""The exceptions `core.cloudflare` raises, and the sentences they say.

The tree is documented in `core.cloudflare`'s docstring; import the names from there. Each
exception is built from facts only (HTTP status, Cloudflare's `errors[]`, the kind of body) so
that the same sentence comes out whether the answer came from Cloudflare, the sandbox or a test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Codes Cloudflare uses for a token it will not accept. 10000 is also the *success* code of
# /user/tokens/verify, but success codes travel in `messages`, never in `errors`.
AUTH_ERROR_CODE = 10000
INVALID_TOKEN_CODE = 1000

_MAX_MESSAGE_CHARS = 300
_MAX_ERRORS_SHOWN = 3

DAY = 24 * 3600.0
# The longest wait a server's header is taken at: anything longer is a broken header, and past a
# day a person is told "more than a day" anyway. Holding it here keeps every later sum (a retry
# time, a countdown in milliseconds) far from overflowing.
LONGEST_WAIT = 2 * DAY


@dataclass(frozen=True)
class CloudflareMessage:
    """One item of an envelope's `errors` (or `messages`) array."""

    code: int | None
    message: str


class ApiError(Exception):
    """Base of every error the Stream client raises; Cloudflare's own 4xx answers (400, 409,
    422...) are raised as this class itself."""

    default_hint = "Check the values you entered against Cloudflare's message and try again."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: Sequence[CloudflareMessage] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors: list[CloudflareMessage] = list(errors)
        self.code: int | None = self.errors[0].code if self.errors else None
        self.cf_message: str | None = self.errors[0].message if self.errors else None
        self.hint: str = self.default_hint if hint is None else hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r})"


class AuthError(ApiError):
    """No token, or Cloudflare refused it: HTTP 401/403, code 10000, or 1000 "Invalid API Token"."""

    default_hint = "Check the token has Stream Edit permission for this account."


class NotFound(ApiError):
    """HTTP 404: the account, video or key is not there (or not visible to this token)."""

    default_hint = "Check the account ID and the ID you entered belong to the same account."


class RateLimited(ApiError):
    """HTTP 429. `retry_after` is how many seconds Cloudflare asked us to wait, if it said."""

    default_hint = ""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None,
        status: int | None = 429,
        errors: Sequence[CloudflareMessage] = (),
        hint: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        if hint is None:
            hint = rate_limit_hint(retry_after)
        super().__init__(message, status=status, errors=errors, hint=hint)


class ServerError(ApiError):
    """HTTP 5xx: something failed on Cloudflare's side."""

    default_hint = (
        "The problem is on Cloudflare's side; try again in a minute and check "
        "https://www.cloudflarestatus.com if it persists."
    )


class NetworkError(ApiError):
    """No HTTP answer at all: DNS, connection refused, TLS, or a timeout."""

    default_hint = "Check your internet connection and proxy settings, then try again."


class BadResponse(ApiError):
    """An answer that does not make sense: not JSON, a 2xx with `success: false`, or no result."""

    default_hint = (
        "Try again; if it keeps happening, check the API base URL points at Cloudflare's API."
    )


def human_duration(seconds: float) -> str:
    """'45 seconds', '5 minutes', '2 hours': the rounded-up wait a person should plan for; past a
    day only 'more than a day', so an absurd wait never becomes a 300-digit number of hours."""
    if math.isnan(seconds) or seconds > DAY:
        return "more than a day"
    seconds = max(0.0, seconds)
    if seconds < 90:
        count, unit = math.ceil(seconds), "second"
    elif seconds < 90 * 60:
        count, unit = math.ceil(seconds / 60), "minute"
    else:
        count, unit = math.ceil(seconds / 3600), "hour"
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def rate_limit_hint(retry_after: float | None) -> str:
    if retry_after is None:
        wait = "a few minutes"
    elif math.isnan(retry_after) or retry_after > DAY:
        wait = "more than a day"
    else:
        wait = f"about {human_duration(retry_after)}"
    return (
        f"Wait {wait} before sending more requests; signing tokens locally with a signing key "
        "needs no API call."
    )


def describe_errors(errors: Sequence[CloudflareMessage]) -> str:
    """'code 10000: Authentication error; code 7003: No route' (the first few only)."""
    parts = []
    for error in errors[:_MAX_ERRORS_SHOWN]:
        text = error.message.rstrip(". ")
        parts.append(f"code {error.code}: {text}" if error.code is not None else text)
    if len(errors) > _MAX_ERRORS_SHOWN:
        parts.append(f"{len(errors) - _MAX_ERRORS_SHOWN} more")
    return "; ".join(parts)


def clean_text(text: str, secret: str | None) -> str:
    """A server-supplied text made safe to show: one line, bounded, never the API token."""
    if secret:
        text = text.replace(secret, "<API token>")
    text = " ".join(text.split())
    if len(text) > _MAX_MESSAGE_CHARS:
        text = text[: _MAX_MESSAGE_CHARS - 1] + "…"
    return text


def is_auth_failure(errors: Sequence[CloudflareMessage]) -> bool:
    if not errors:
        return False
    first = errors[0]
    if first.code == AUTH_ERROR_CODE:
        return True
    # 1000 is a generic-looking number; only count it when it speaks about the token.
    return first.code == INVALID_TOKEN_CODE and "token" in first.message.lower()


def error_for_status(
    status: int,
    errors: Sequence[CloudflareMessage],
    *,
    body_problem: str | None,
    subject: str,
    retry_after: float | None,
) -> ApiError:
    """The exception for a non-2xx answer.

    `body_problem` says what was wrong with a body that was not a JSON envelope ("an HTML page
    instead of JSON"); `subject` names what was asked for ("video 'abc'") for the 404 sentence.
    """
    if status < 400:
        # httpx does not follow redirects, and the API never sends one: the base URL is wrong.
        return BadResponse(
            f"Cloudflare answered HTTP {status} (a redirect), which its API never does.",
            status=status,
            errors=errors,
        )
    why = f" ({describe_errors(errors)})" if errors else f" (HTTP {status})"
    cls: type[ApiError]
    if status in (401, 403) or is_auth_failure(errors):
        cls, text = AuthError, f"Cloudflare refused the API token{why}."
    elif status == 404:
        cls, text = NotFound, f"Cloudflare could not find {subject}{why}."
    elif status == 429:
        cls, text = RateLimited, f"Cloudflare's rate limit for this account was reached{why}."
    elif status >= 500:
        cls, text = ServerError, f"Cloudflare had a server error{why}."
    else:
        detail = f" ({describe_errors(errors)})" if errors else ""
        cls, text = ApiError, f"Cloudflare rejected the request with HTTP {status}{detail}."
    if body_problem is not None:
        text = f"Cloudflare answered HTTP {status} with {body_problem}."
    if cls is RateLimited:
        return RateLimited(text, retry_after=retry_after, status=status, errors=errors)
    return cls(text, status=status, errors=errors)


def error_for_failed_success(status: int, errors: Sequence[CloudflareMessage]) -> ApiError:
    """The exception for a 2xx answer whose envelope says `success: false`."""
    if is_auth_failure(errors):
        return AuthError(
            f"Cloudflare refused the API token ({describe_errors(errors)}).",
            status=status,
            errors=errors,
        )
    why = f" ({describe_errors(errors)})" if errors else " and gave no reason"
    return BadResponse(
        f"Cloudflare answered HTTP {status} but reported a failure{why}.",
        status=status,
        errors=errors,
        hint=ApiError.default_hint,
    )
