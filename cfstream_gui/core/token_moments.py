"""A token's times as people read them: UTC, local time, how long from now.

Cloudflare's own tokens write `exp` and `nbf` as strings of digits, self-signed ones as numbers;
a report keeps both what the token says and the epoch second it means. A hostile token can name
a second beyond any calendar, which is shown as a number rather than breaking the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cfstream_gui.core.timeparse import describe


@dataclass(frozen=True)
class Moment:
    epoch: int
    given: Any  # as the token writes it: 1621889657 or "1621889657"
    described: str  # "2026-11-28 21:43:00 UTC (22:43:00 local, CET)"
    utc: str | None  # ISO 8601 in UTC; None beyond the calendar
    local: str | None  # ISO 8601 in this computer's zone, with its offset

    def to_json(self) -> dict[str, Any]:
        return {"given": self.given, "epoch": self.epoch, "utc": self.utc, "local": self.local}


def moment(epoch: int | None, given: Any) -> Moment | None:
    if epoch is None:
        return None
    try:
        stamp = datetime.fromtimestamp(epoch, UTC)
        described = describe(stamp)
        local = stamp.astimezone().isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return Moment(
            epoch, given, f"{epoch} (epoch seconds, beyond any calendar date)", None, None
        )
    return Moment(epoch, given, described, stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), local)


def span(seconds: int) -> str:
    """'45 s', '42 min', '3 h', '2 h 5 min', '3 d': a duration as a person reads it."""
    seconds = max(0, seconds)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"
    return f"{round(seconds / 86400):,} d"
