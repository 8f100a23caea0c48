"""Reading a signed token without verifying it: what it grants, to whom, and until when.

This is an inspector, not a gate. Nothing here checks the signature; Cloudflare does that when
the token is used. Cloudflare's `/token` endpoint writes `exp` and `nbf` as strings of digits,
self-signed tokens as numbers; both are read as integers.
"""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt.types import Options
from jwt.utils import base64url_decode

# Everything off: the point is to show the claims even of an expired or odd token.
_NO_CHECKS: Options = {
    "verify_signature": False,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}


# Far past any date a token can name (year 5138 is 11 digits).
_MAX_TIME_DIGITS = 20
BAD_HEADER = (
    "The token's first part (its header) has fields no Stream token has (a kid that is not "
    "text, or critical extensions); it is not a Stream token."
)


class TokenDecodeError(ValueError):
    """The text is not a readable signed token; the message says which part is wrong."""


@dataclass(frozen=True)
class DecodedToken:
    header: dict[str, Any]
    claims: dict[str, Any]
    kid: str | None
    sub: str | None
    exp: int | None
    nbf: int | None
    downloadable: bool = False
    access_rules: list[dict[str, Any]] = field(default_factory=list)


def decode_token(token: str) -> DecodedToken:
    token = token.strip()
    if not token:
        raise TokenDecodeError("The token is empty; paste the whole token.")
    if token.count(".") != 2:
        raise TokenDecodeError(
            "This is not a signed token: a token has three parts separated by dots "
            f"(this text has {token.count('.') + 1})."
        )
    header = _header(token)
    claims = _claims(token)
    kid = header.get("kid", claims.get("kid"))
    sub = claims.get("sub")
    return DecodedToken(
        header=header,
        claims=claims,
        kid=kid if isinstance(kid, str) else None,
        sub=sub if isinstance(sub, str) else None,
        exp=_timestamp(claims, "exp", "expiry"),
        nbf=_timestamp(claims, "nbf", "start time"),
        downloadable=claims.get("downloadable") is True,
        access_rules=_access_rules(claims),
    )


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.DecodeError, binascii.Error, ValueError, RecursionError):
        raise TokenDecodeError(_explain(token)) from None
    except jwt.InvalidTokenError:
        # Readable JSON that PyJWT still refuses: a `kid` that is not text, or a `crit` list.
        # Its own message would quote the hostile value, so say it in our words.
        raise TokenDecodeError(BAD_HEADER) from None
    return dict(header)


def _claims(token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, options=_NO_CHECKS)
    except (jwt.DecodeError, binascii.Error, ValueError, RecursionError):
        # RecursionError: JSON nested thousands deep, which no token is.
        raise TokenDecodeError(_explain(token)) from None
    except jwt.InvalidTokenError:
        raise TokenDecodeError(BAD_HEADER) from None
    return dict(claims)


_PARTS = (
    ("first part (its header)", True),
    ("middle part (its claims)", True),
    ("last part (its signature)", False),
)


def _explain(token: str) -> str:
    """Say which of the three parts PyJWT choked on, in words rather than its own message."""
    for segment, (name, is_json) in zip(token.split("."), _PARTS, strict=True):
        try:
            raw = base64url_decode(segment.encode("ascii"))
            if is_json and not isinstance(json.loads(raw), dict):
                raise ValueError("not a JSON object")
        except (binascii.Error, UnicodeError, ValueError, RecursionError):
            kind = "a base64url-encoded JSON object" if is_json else "valid base64url"
            return f"The token's {name} is not {kind}; check that the whole token was copied."
    return "The token could not be read; check that the whole token was copied."


def _timestamp(claims: dict[str, Any], key: str, label: str) -> int | None:
    """An epoch-seconds claim given as a number or a string of digits."""
    value = claims.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise TokenDecodeError(f"The token's {label} ({key}) is {_cut(value)}, not a time.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    # Digits only, and few enough: int() refuses thousands of them with a ValueError of its own.
    digits = value.strip().lstrip("-") if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_TIME_DIGITS:
        return int(value.strip())
    raise TokenDecodeError(
        f"The token's {label} ({key}) is {_cut(value)}, which is not a time in seconds since 1970."
    )


def _cut(value: Any) -> str:
    """A claim's value for a message: a hostile token's claim can be megabytes long."""
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _access_rules(claims: dict[str, Any]) -> list[dict[str, Any]]:
    rules = claims.get("accessRules")
    if rules is None:
        return []
    if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
        raise TokenDecodeError("The token's access rules (accessRules) are not a list of rules.")
    return [dict(rule) for rule in rules]
