"""Whether a token's signature is good, as far as this computer can tell.

Only keys held here can check it. Tokens that `/token` makes without a key of the user's are
signed with Cloudflare's own key, whose public half is not published, so for those the honest
answer is "cannot be checked here", never "valid".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.tokens import DecodedToken


class SignatureState(StrEnum):
    VERIFIED = "verified"  # signed by a key held here
    BAD = "bad"  # a key held here has that ID, and did not sign this
    NOT_HELD = "not checked"  # the key is not held here (Cloudflare's own, or another's)
    UNREADABLE = "unreadable"  # the held key itself could not be read


@dataclass(frozen=True)
class SignatureCheck:
    state: SignatureState
    message: str  # a sentence for a person

    @property
    def verified(self) -> bool:
        return self.state is SignatureState.VERIFIED

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.value, "verified": self.verified, "message": self.message}


def check_signature(
    token: str, decoded: DecodedToken, held_keys: Mapping[str, SigningKey]
) -> SignatureCheck:
    kid = decoded.kid
    key = None if kid is None else held_keys.get(kid, held_keys.get(kid.lower()))
    if key is None:
        return SignatureCheck(SignatureState.NOT_HELD, _not_held(kid))
    if decoded.header.get("alg") != "RS256":
        message = f"Key {kid} is held here, but the token is not signed with RS256."
        return SignatureCheck(SignatureState.BAD, message)
    try:
        public_key = key.private_key.public_key()
    except KeyImportError as exc:
        message = f"Key {kid} is held here but cannot be read ({exc}), so nothing was checked."
        return SignatureCheck(SignatureState.UNREADABLE, message)
    try:
        jwt.decode(
            token,
            public_key,
            algorithms=["RS256"],
            # The signature only: times and claims are the report's business, not a reason to
            # call a good signature bad.
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidTokenError:
        message = (
            f"The signature does not match signing key {kid} held here: the token was changed "
            "after signing, or signed with another key of the same ID. Cloudflare refuses it."
        )
        return SignatureCheck(SignatureState.BAD, message)
    return SignatureCheck(SignatureState.VERIFIED, f"Signed by key {kid}, which is held here.")


def _not_held(kid: str | None) -> str:
    if kid is None:
        return "The token names no signing key, so its signature cannot be checked."
    return (
        f"Signed with key {kid}, which is not held here, so the signature cannot be checked "
        "here. Tokens from Cloudflare's /token without a key of yours are signed with "
        "Cloudflare's own key, which only Cloudflare can check."
    )
