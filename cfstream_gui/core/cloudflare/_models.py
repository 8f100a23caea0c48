"""The small values `core.cloudflare` returns besides raw video dicts. Import them from there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TokenStatus:
    """What the verify endpoint says about an API token (not a playback token)."""

    id: str
    status: str  # "active", "disabled" or "expired"
    expires_on: datetime | None = None
    not_before: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class SigningKeyMaterial:
    """A freshly created signing key. `pem` and `jwk` are Cloudflare's base64 strings and are
    shown only once, so they are kept out of `repr()`."""

    id: str
    pem: str = field(repr=False)
    jwk: str = field(repr=False)
    created: datetime | None = None


@dataclass(frozen=True)
class SigningKeyInfo:
    id: str
    created: datetime | None = None


def parse_time(value: Any) -> datetime | None:
    """Cloudflare's RFC 3339 times (sometimes with nanoseconds); None when absent or odd."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
