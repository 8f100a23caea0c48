"""Reading the times people type for a token's expiry and start, and showing them back.

Accepted: relative times (`30m`, `2h`, `1d`, `+90s`, `1h30m`, `-1h`), `now`, ISO-8601 with a
zone (`2026-11-28T21:00:00Z`, `...+01:00`) and epoch seconds. Two traps are refused on purpose:
a bare small number (someone meaning `90s` typed `90`, which is 1970) and an 8-digit YYYYMMDD
date read as epoch seconds. A time without a zone is refused too: whose 21:00 would it be?
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from cfstream_gui.core.ids import shown

ACCEPTED_FORMS = (
    "a relative time like 30m, 2h, 1d, 1h30m or -1h, "
    "an ISO-8601 time with a zone like 2026-11-28T21:00:00Z or 2026-11-28T22:00:00+01:00, "
    "'now', or epoch seconds like 1796000000"
)

# Epoch values before this (2001-01-01) are far likelier a typo than a deliberate token time.
MIN_EPOCH_SECONDS = 978_307_200
# 13-digit values are almost always milliseconds (JavaScript's Date.now()).
MAX_EPOCH_SECONDS = 10**11

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# ASCII only: without it `\d` takes any script's digits and IGNORECASE lets "ſ" stand for "s".
_RELATIVE = re.compile(r"([+-]?)\s*((?:\d+\s*[smhdw]\s*)+)", re.IGNORECASE | re.ASCII)
_RELATIVE_PART = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE | re.ASCII)
_EPOCH = re.compile(r"[+-]?\d+", re.ASCII)
_YYYYMMDD = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])", re.ASCII)
# Enough for a pasted millisecond or microsecond timestamp to get its own advice; checked
# before int(), which refuses thousands of digits with a ValueError of its own.
_MAX_DIGITS = 20


class TimeParseError(ValueError):
    """A typed time that cannot be read; str() is a sentence for the user."""


def parse_when(text: str, *, now: datetime) -> datetime:
    """The moment `text` names, as an aware UTC datetime. Relative times count from `now`."""
    _require_aware(now, "now")
    value = text.strip()
    if not value:
        raise TimeParseError(f"No time given; use {ACCEPTED_FORMS}.")
    if value.casefold() == "now":
        return now.astimezone(UTC)
    relative = _RELATIVE.fullmatch(value)
    if relative:
        try:
            return (now + _relative_delta(relative)).astimezone(UTC)
        except OverflowError:
            raise TimeParseError(
                f"{shown(value)} is too far from now to be a token time."
            ) from None
    if _EPOCH.fullmatch(value):
        return _from_epoch_text(value)
    return _from_iso(value)


def parse_duration(text: str) -> int:
    """The seconds in a relative time such as `30m`, `2h`, `1h30m` or `-5m` (signed), for
    settings that hold a span rather than a moment. TimeParseError for anything else."""
    value = text.strip()
    relative = _RELATIVE.fullmatch(value)
    if not value or relative is None:
        raise TimeParseError(
            f"{shown(value)} is not a duration; write it like 30m, 2h, 1d or 1h30m."
        )
    try:
        return int(_relative_delta(relative).total_seconds())
    except OverflowError:
        raise TimeParseError(f"{shown(value)} is far too long for a token's lifetime.") from None


def _relative_delta(match: re.Match[str]) -> timedelta:
    parts = _RELATIVE_PART.findall(match.group(2))
    if any(len(amount) > _MAX_DIGITS for amount, _ in parts):
        raise OverflowError("more digits than any token time has")
    seconds = sum(int(amount) * _UNIT_SECONDS[unit.lower()] for amount, unit in parts)
    return timedelta(seconds=-seconds if match.group(1) == "-" else seconds)


def _from_epoch_text(value: str) -> datetime:
    digits = len(value.lstrip("+-"))
    if digits > _MAX_DIGITS:
        raise TimeParseError(
            f"{shown(value)} has {digits:,} digits, far too many for a time; use {ACCEPTED_FORMS}."
        )
    if value.startswith(("+", "-")):
        raise TimeParseError(
            f"{shown(value)} has a sign but no unit; write {value}s, {value}m or {value}h "
            "for a relative time, or plain epoch seconds."
        )
    if _YYYYMMDD.fullmatch(value):
        iso = f"{value[:4]}-{value[4:6]}-{value[6:]}T00:00:00Z"
        raise TimeParseError(
            f"{shown(value)} looks like a YYYYMMDD date, not epoch seconds; write it as {iso} "
            "(with the time and zone you mean)."
        )
    seconds = int(value)
    if seconds < MIN_EPOCH_SECONDS:
        raise TimeParseError(
            f"{shown(value)} read as epoch seconds is before 2001; for a relative time add a unit, "
            f"e.g. {value}s or {value}m. Accepted: {ACCEPTED_FORMS}."
        )
    if seconds >= MAX_EPOCH_SECONDS:
        raise TimeParseError(
            f"{shown(value)} is too large for epoch seconds; if it is milliseconds, "
            "drop the last three digits."
        )
    return datetime.fromtimestamp(seconds, UTC)


def _from_iso(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise TimeParseError(
            f"Cannot read {shown(value)} as a time; use {ACCEPTED_FORMS}."
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeParseError(
            f"{shown(value)} has no time zone, so it is ambiguous; add Z for UTC "
            "or an offset like +01:00."
        )
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-05:00 is past the last representable day
        raise TimeParseError(
            f"{shown(value)} is outside the range of dates this app can handle; "
            "a token expires within 24 hours anyway."
        ) from None


def describe(moment: datetime) -> str:
    """'2026-11-28 21:43:00 UTC (22:43:00 local, CET)': UTC for the record, local to be read.
    The local part is left out when local time is UTC, and carries the date when it differs."""
    _require_aware(moment, "moment")
    utc = moment.astimezone(UTC)
    text = f"{utc:%Y-%m-%d %H:%M:%S} UTC"
    try:
        local = utc.astimezone()  # the machine's zone, as the user sees their clock
    except (OverflowError, OSError, ValueError):  # a date at the calendar's edge, e.g. year 9999
        return text
    if local.utcoffset() == timedelta(0):
        return text
    clock = f"{local:%H:%M:%S}" if local.date() == utc.date() else f"{local:%Y-%m-%d %H:%M:%S}"
    zone = local.tzname() or f"{local:%z}"
    return f"{text} ({clock} local, {zone})"


def to_epoch(moment: datetime) -> int:
    """Whole epoch seconds, rounded down: token `exp`/`nbf` are integers."""
    _require_aware(moment, "moment")
    return math.floor(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    """The aware UTC datetime for epoch seconds."""
    return datetime.fromtimestamp(seconds, UTC)


def _require_aware(moment: datetime, name: str) -> None:
    # A naive datetime here is a programming error: there is no safe zone to assume.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
