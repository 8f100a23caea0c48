"""Signing playback tokens here, with a held signing key, instead of asking `/token`.

The token is what Cloudflare's own docs build in a Worker (reference §4): header exactly
`{"alg":"RS256","kid":…}`, claims `sub`, `kid`, integer `exp`/`nbf`, and `accessRules` /
`downloadable` when used. No network is touched, so there is no rate limit; what is left is the
RSA signature itself, which is why the parsed key is cached on the `SigningKey`.

Unset `exp`/`nbf` get the very defaults Cloudflare applies to `/token` (1 h after and 1 h before
issue), so the same request means the same token whichever engine signs it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import DEFAULT_EXP_SECONDS, DEFAULT_NBF_SECONDS, TokenRequest
from cfstream_gui.core.validation import check_request, normalize_request, require_valid


def local_claims(request: TokenRequest, key_id: str, *, now: int) -> dict[str, Any]:
    """The token's claims for `request` issued at `now`, rules exactly as given (callers that
    want them tidied pass a `normalize_request`ed request, as `sign_locally` does)."""
    claims: dict[str, Any] = {
        "sub": request.video_uid,
        "kid": key_id,
        "exp": int(request.exp if request.exp is not None else now + DEFAULT_EXP_SECONDS),
        "nbf": int(request.nbf if request.nbf is not None else now + DEFAULT_NBF_SECONDS),
    }
    if request.access_rules:
        claims["accessRules"] = [rule.to_api() for rule in request.access_rules]
    # Absent means "not downloadable" to Cloudflare, so false is left out like the docs do.
    if request.downloadable is True:
        claims["downloadable"] = True
    return claims


def sign_locally(request: TokenRequest, key: SigningKey, *, now: int) -> str:
    """A playback token for `request`, signed with `key` at epoch second `now`.

    Checked exactly as a `/token` request would be (ValidationError on errors). The request's
    own `key_id`/`pem` are ignored: `key` is what signs."""
    request = normalize_request(replace(request, key_id=None, pem=None))
    require_valid(check_request(request, now=now))
    claims = local_claims(request, key.key_id, now=now)
    return _rs256_jws({"alg": "RS256", "kid": key.key_id}, claims, key)


def _rs256_jws(header: dict[str, Any], claims: dict[str, Any], key: SigningKey) -> str:
    """JWS compact serialisation, byte for byte what PyJWT's `jwt.encode` writes (compact
    JSON, header keys sorted, unpadded base64url), without its ~9 µs a token and its import
    in every batch worker: signing here is otherwise bound by the RSA operation alone."""
    signing_input = (
        _b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
        + b"."
        + _b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = key.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return (signing_input + b"." + _b64url(signature)).decode("ascii")


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")
