"""Local signing writes its JWS itself (no PyJWT on the signing path), so every token must be
byte for byte what `jwt.encode` made before: RS256 with PKCS#1 v1.5 is deterministic, so the
same header, claims and key give the very same token, signature included."""

from __future__ import annotations

from typing import Any

import jwt
from hypothesis import given, settings
from hypothesis import strategies as st

from cfstream_gui.core.keys.local_signing import _rs256_jws, local_claims, sign_locally
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule, TokenRequest
from tests.support.rsa_keys import signing_key

KEY: SigningKey = signing_key()
NOW = 1_790_000_000
UID = "ea95132c15732412d22c1476fa83f27a"


def pyjwt(claims: dict[str, Any], key: SigningKey) -> str:
    # What sign_locally called until now: PyJWT without its default "typ" header.
    return jwt.encode(
        claims, key.private_key, algorithm="RS256", headers={"kid": key.key_id, "typ": None}
    )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=6))
def test_any_claims_are_encoded_exactly_as_pyjwt_did(claims: dict[str, Any]) -> None:
    header = {"alg": "RS256", "kid": KEY.key_id}
    assert _rs256_jws(header, claims, KEY) == pyjwt(claims, KEY)


def test_a_real_request_signs_to_the_same_token_as_before() -> None:
    request = TokenRequest(
        video_uid=UID,
        exp=NOW + 3600,
        nbf=NOW - 60,
        downloadable=True,
        access_rules=(
            AccessRule("allow", "ip.geoip.country", ("US", "MX")),
            AccessRule("block", "ip.src", ("93.184.216.0/24", "2400:cb00::/32")),
            AccessRule("block", "any", ()),
        ),
    )
    token = sign_locally(request, KEY, now=NOW)
    assert token == pyjwt(local_claims(request, KEY.key_id, now=NOW), KEY)
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": KEY.key_id}
    claims = jwt.decode(
        token, KEY.private_key.public_key(), algorithms=["RS256"], options={"verify_exp": False}
    )
    assert claims["sub"] == UID and claims["downloadable"] is True
