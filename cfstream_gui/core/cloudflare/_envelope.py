"""Reading Cloudflare's answers: the JSON envelope and the rate-limit headers.

Every v4 answer is meant to be `{"success": bool, "errors": [...], "messages": [...], "result":
...}`, but the traps are real: `success: false` with HTTP 200, `result: null`, an HTML page from
a proxy or the edge instead of JSON, and a 429 that asks for a 300-second wait.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from cfstream_gui.core.cloudflare._errors import (
    LONGEST_WAIT,
    BadResponse,
    CloudflareMessage,
    clean_text,
    error_for_failed_success,
    error_for_status,
)

# Cloudflare's answers nest a few levels (result, a video, its status); users' `meta` adds some.
MAX_JSON_DEPTH = 64
_TOO_DEEP = f"JSON nested more than {MAX_JSON_DEPTH} levels deep"
_MAX_CODE_DIGITS = 9
# Delta-seconds as servers write them ("300", "1.5", even "-5"), but not the "inf", "nan" or
# "1_000" that float() alone would take.
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class RateLimitInfo:
    """What the `Ratelimit` header said: requests left in the window, seconds until it resets."""

    remaining: int | None
    reset_seconds: float | None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP date; None if absent
    or unreadable. A date in the past means "now" (0); an absurd wait (`1e308`, a date in the
    year 9999) is held to `LONGEST_WAIT`, so no caller ever meets an overflow."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _NUMBER.fullmatch(value):
        seconds = float(value)  # at worst inf, which the clamp below turns into LONGEST_WAIT
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment.tzinfo is None:  # RFC 9110 dates are GMT even when the zone is "-0000"
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    return _clamped(seconds)


def _clamped(seconds: float) -> float:
    return min(max(0.0, seconds), LONGEST_WAIT)


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
    if text is None or not _NUMBER.fullmatch(text):
        return None
    seconds = float(text)
    return _clamped(seconds) if seconds >= 0 else None


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
    if isinstance(value, str):
        text = value.strip()
        # Cloudflare's codes have four or five digits; a thousand-digit one is no code at all
        # (and past 4300 digits int() itself refuses).
        ok = text.isascii() and text.isdigit() and len(text) <= _MAX_CODE_DIGITS
        return int(text) if ok else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < 10**_MAX_CODE_DIGITS else None


def _non_json_problem(headers: httpx.Headers, body: bytes) -> str:
    text = body.lstrip()
    if not text:
        return "an empty body instead of JSON"
    if "html" in headers.get("content-type", "").lower() or text.startswith(b"<"):
        return "an HTML page instead of JSON"
    return "a body that is not JSON"


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` levels deep. Walked level by
    level, not recursively (recursion is what a deep value exhausts), keeping only containers."""
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
    return False


def _decode(headers: httpx.Headers, body: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The body as an envelope dict, or None and what is wrong with it."""
    try:
        parsed = json.loads(body)
    except RecursionError:
        return None, _TOO_DEEP
    except ValueError:  # also UnicodeDecodeError
        return None, _non_json_problem(headers, body)
    # A value json.loads could just manage would still break whatever walks it next (a repr,
    # json.dumps for --output json, a widget); Cloudflare's answers are a few levels deep.
    if _deeper_than(parsed, MAX_JSON_DEPTH):
        return None, _TOO_DEEP
    if not isinstance(parsed, dict) or "success" not in parsed:
        return None, "JSON that is not a Cloudflare API answer"
    return parsed, None


def read_envelope(
    status: int,
    headers: httpx.Headers,
    content: bytes,
    *,
    subject: str,
    secret: str | None,
    whole: bool = False,
) -> Any:
    """The envelope's `result` for a successful answer (`content` is the decoded body), or with
    `whole` the envelope itself; otherwise the matching `ApiError`.

    `result` may still be None or of the wrong shape: each caller checks what it needs.
    """
    body, problem = _decode(headers, content)
    errors = parse_messages(body.get("errors"), secret) if body is not None else []
    if not 200 <= status < 300:
        raise error_for_status(
            status,
            errors,
            body_problem=problem,
            subject=subject,
            retry_after=wait_from_headers(headers),
        )
    if body is None:
        raise BadResponse(f"Cloudflare answered HTTP {status} with {problem}.", status=status)
    if body.get("success") is not True:
        raise error_for_failed_success(status, errors)
    return body if whole else body.get("result")
