"""Reading Cloudflare's answers: the JSON envelope and the rate-limit headers.

Every v4 answer is meant to be `{"success": bool, "errors": [...], "messages": [...], "result":
...}`, but the traps are real: `success: false` with HTTP 200, `result: null`, an HTML page from
a proxy or the edge instead of JSON, and a 429 that asks for a 300-second wait.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from cfstream_gui.core.cloudflare._errors import (
    BadResponse,
    CloudflareMessage,
    clean_text,
    error_for_failed_success,
    error_for_status,
)


@dataclass(frozen=True)
class RateLimitInfo:
    """What the `Ratelimit` header said: requests left in the window, seconds until it resets."""

    remaining: int | None
    reset_seconds: float | None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP date; None if absent
    or unreadable. A date in the past means "now" (0)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment.tzinfo is None:  # RFC 9110 dates are GMT even when the zone is "-0000"
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def parse_ratelimit(value: str | None) -> RateLimitInfo | None:
    """Parse `"default";r=0;t=300` (IETF draft structured field). With several policies, the
    one with the fewest remaining requests is the one that will bite."""
    if not value:
        return None
    best: RateLimitInfo | None = None
    for member in value.split(","):
        params = _params(member)
        info = RateLimitInfo(_int(params.get("r")), _seconds(params.get("t")))
        if info.remaining is None and info.reset_seconds is None:
            continue
        if best is None or _fewer(info, best):
            best = info
    return best


def _params(member: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in member.split(";")[1:]:
        key, sep, val = part.partition("=")
        if sep:
            params[key.strip().lower()] = val.strip().strip('"')
    return params


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _seconds(text: str | None) -> float | None:
    try:
        seconds = float(text) if text is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and math.isfinite(seconds) and seconds >= 0 else None


def _fewer(a: RateLimitInfo, b: RateLimitInfo) -> bool:
    if a.remaining is None:
        return False
    return b.remaining is None or a.remaining < b.remaining


def wait_from_headers(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """How long a 429 asks us to wait: `Retry-After` first, then the `Ratelimit` reset."""
    wait = parse_retry_after(headers.get("retry-after"), now=now)
    if wait is not None:
        return wait
    info = parse_ratelimit(headers.get("ratelimit"))
    return info.reset_seconds if info is not None else None


def parse_messages(items: Any, secret: str | None = None) -> list[CloudflareMessage]:
    """An envelope's `errors` array as messages, tolerant of odd shapes (codes as strings,
    bare strings, missing members) because an error report must never itself crash."""
    if not isinstance(items, list):
        return []
    messages = []
    for item in items:
        if isinstance(item, Mapping):
            code = item.get("code")
            text = item.get("message")
        else:
            code, text = None, item
        messages.append(CloudflareMessage(_code(code), clean_text(str(text or ""), secret)))
    return messages


def _code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _non_json_problem(response: httpx.Response) -> str:
    text = response.content.lstrip()
    if not text:
        return "an empty body instead of JSON"
    if "html" in response.headers.get("content-type", "").lower() or text.startswith(b"<"):
        return "an HTML page instead of JSON"
    return "a body that is not JSON"


def _decode(response: httpx.Response) -> tuple[dict[str, Any] | None, str | None]:
    """The body as an envelope dict, or None and what is wrong with it."""
    try:
        body = json.loads(response.content)
    except ValueError:  # also UnicodeDecodeError
        return None, _non_json_problem(response)
    if not isinstance(body, dict) or "success" not in body:
        return None, "JSON that is not a Cloudflare API answer"
    return body, None


def read_envelope(response: httpx.Response, *, subject: str, secret: str | None) -> Any:
    """The envelope's `result` for a successful answer; otherwise the matching `ApiError`.

    `result` may still be None or of the wrong shape: each caller checks what it needs.
    """
    status = response.status_code
    body, problem = _decode(response)
    errors = parse_messages(body.get("errors"), secret) if body is not None else []
    if not 200 <= status < 300:
        raise error_for_status(
            status,
            errors,
            body_problem=problem,
            subject=subject,
            retry_after=wait_from_headers(response.headers),
        )
    if body is None:
        raise BadResponse(f"Cloudflare answered HTTP {status} with {problem}.", status=status)
    if body.get("success") is not True:
        raise error_for_failed_success(status, errors)
    return body.get("result")
