"""Reading a signed token without verifying it: what it grants, to whom, and until when.

This is an inspector, not a gate. Nothing here checks the signature; Cloudflare does that when
the token is used. Cloudflare's `/token` endpoint writes `exp` and `nbf` as strings of digits,
self-signed tokens as numbers; both are read as integers.
"""

from __future__ import annotations

import base64
import json
import string
from dataclasses import dataclass, field
from typing import Any

# RFC 7515's base64url alphabet. Reading a token needs only base64 and JSON; PyJWT (and the
# cryptography it loads, ~50 ms and ~20 MiB) is left to the code that signs.
_BASE64URL = frozenset(string.ascii_letters + string.digits + "-_")
# The critical header extensions PyJWT understands (RFC 7797's unencoded payload).
_KNOWN_CRIT = frozenset({"b64"})


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
    header, claims = _parts(token)
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


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and the claims, read in the order PyJWT reads them without verifying: the
    header a JSON object, the claims and the signature strict base64url, the header's fields
    refused where PyJWT refuses them (in our words: its message would quote a hostile value),
    and then the claims a JSON object."""
    header_text, claims_text, signature = token.split(".")
    try:
        header = _json_object(_base64url(header_text))
        # b64=false (RFC 7797): the payload travels apart from the token, so it has none.
        detached = header.get("b64", True) is False
        if detached and claims_text:
            raise ValueError("a payload where none may be")
        payload = b"" if detached else _base64url(claims_text)
        _base64url(signature)
    except ValueError:
        raise TokenDecodeError(_explain(token)) from None
    if not _header_pyjwt_accepts(header):
        raise TokenDecodeError(BAD_HEADER)
    if detached:
        # RFC 7797 wants b64 listed in crit; either way there are no claims to read.
        raise TokenDecodeError(BAD_HEADER if "crit" not in header else _explain(token))
    try:
        return header, _json_object(payload)
    except ValueError:
        raise TokenDecodeError(_explain(token)) from None


def _header_pyjwt_accepts(header: dict[str, Any]) -> bool:
    """PyJWT's own header rules: a text `kid`; a `crit` that lists only extensions it knows,
    each present in the header."""
    if "kid" in header and not isinstance(header["kid"], str):
        return False
    crit = header.get("crit", ...)
    if crit is ...:
        return True
    return (
        isinstance(crit, list)
        and bool(crit)
        and all(isinstance(name, str) and name in _KNOWN_CRIT and name in header for name in crit)
    )


def _base64url(segment: str) -> bytes:
    """One part of a token: base64url without padding, or with the `=` some issuers add (at
    most two, on a whole number of quads). Junk, and spare bits that are not zero, are refused
    rather than skipped, as PyJWT does."""
    body = segment.rstrip("=")
    padding = len(segment) - len(body)
    if padding > 2 or (padding and len(segment) % 4) or len(body) % 4 == 1:
        raise ValueError("bad base64url padding")
    if not _BASE64URL.issuperset(body):
        raise ValueError("not base64url")
    decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != body.encode("ascii"):
        raise ValueError("not the one base64url spelling of its bytes")
    return decoded


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except RecursionError:  # JSON nested thousands deep, which no token is
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


_PARTS = (
    ("first part (its header)", True),
    ("middle part (its claims)", True),
    ("last part (its signature)", False),
)


def _explain(token: str) -> str:
    """Say which of the three parts could not be read."""
    for segment, (name, is_json) in zip(token.split("."), _PARTS, strict=True):
        try:
            raw = _base64url(segment)
            if is_json:
                _json_object(raw)
        except ValueError:
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
