"""Reading tokens without verifying them: self-signed ones and Cloudflare's own examples."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from cfstream_gui.core.tokens import DecodedToken, TokenDecodeError, decode_token
from tests.support.rsa_keys import pkcs8_pem, rsa_key

KID = "e9db990a82666dd571c77f944a5c5c8d"
UID = "ea95132c15732412d22c1476fa83f27a"

# Cloudflare's `/token` response example from the Stream docs (no `sub`).
DOCS_TOKEN = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImNkYzkzNTk4MmY4MDc1ZjJlZjk2MTA2ZDg1ZmNkODM4In0."
    "eyJraWQiOiJjZGM5MzU5ODJmODA3NWYyZWY5NjEwNmQ4NWZjZDgzOCIsImV4cCI6IjE2MjE4ODk2NTciLCJuYmYiOi"
    "IxNjIxODgyNDU3In0."
    "iHGMvwOh2-SuqUG7kp2GeLXyKvMavP-I2rYCni9odNwms7imW429bM2tKs3G9INms8gSc7fzm8hNEYWOhGHWRBaaCs3U"
    "9H4DRWaFOvn0sJWLBitGuF_YaZM5O6fqJPTAwhgFKdikyk9zVzHrIJ0PfBL0NsTgwDxLkJjEAEULQJpiQU1DNm0w5cta"
    "sdbw77YtDwdZ01g924Dm6jIsWolW0Ic0AevCLyVdg501Ki9hSF7kYST0egcll47jmoMMni7ujQCJI1XEAOas32DdjnMv"
    "U8vXrYbaHk1m1oXlm319rDYghOHed9kr293KM7ivtZNlhYceSzOpyAmqNFS7mearyQ"
)
# The API spec's `stream_signed_token_response` example.
SPEC_TOKEN = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImU5ZGI5OTBhODI2NjZkZDU3MWM3N2Y5NDRhNWM1YzhkIn0."
    "eyJzdWIiOiJlYTk1MTMyYzE1NzMyNDEyZDIyYzE0NzZmYTgzZjI3YSIsImtpZCI6ImU5ZGI5OTBhODI2NjZkZDU3MWM3"
    "N2Y5NDRhNWM1YzhkIiwiZXhwIjoiMTUzNzQ2MDM2NSIsIm5iZiI6IjE1Mzc0NTMxNjUifQ."
    "OZhqOARADn1iubK6GKcn25hN3nU-hCFF5q9w2C4yup0C4diG7aMIowiRpP-eDod8dbAJubsiFuTKrqPcmyCKWYsiv0TQ"
    "ueukqbQlF7HCO1TV-oF6El5-7ldJ46eD-ZQ0XgcIYEKrQOYFF8iDQbqPm3REWd6BnjKZdeVrLzuRaiSnZ9qqFpGu5dfx"
    "IY9-nZKDubJHqCr3Imtb211VIG_b9MdtO92JjvkDS-rxT_pkEfTZSafl1OU-98A7KBGtPSJHz2dHORIrUiTA6on4eIXTj"
    "9aFhGiir4rSn-rn0OjPRTtJMWIDMoQyE_fwrSYzB7MPuzL2t82BWaEbHZTfixBm5A"
)


@pytest.fixture(scope="session")
def rsa_pem() -> bytes:
    """A throwaway RSA-2048 key, the size Cloudflare's signing keys have."""
    return pkcs8_pem(rsa_key()).encode()


def _sign(pem: bytes, claims: dict[str, Any], kid: str = KID) -> str:
    # typ=None: Cloudflare's tokens carry no "typ" header; PyJWT adds one by default.
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid, "typ": None})


def _b64(data: Any) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# -- Cloudflare's examples --------------------------------------------------------------------


def test_docs_example_token_with_string_times_and_no_sub() -> None:
    decoded = decode_token(DOCS_TOKEN)
    assert decoded.header == {"alg": "RS256", "kid": "cdc935982f8075f2ef96106d85fcd838"}
    assert decoded.kid == "cdc935982f8075f2ef96106d85fcd838"
    assert decoded.sub is None
    assert decoded.exp == 1621889657
    assert decoded.nbf == 1621882457
    assert decoded.exp - decoded.nbf == 7200
    assert decoded.downloadable is False
    assert decoded.access_rules == []
    assert decoded.claims["exp"] == "1621889657"  # raw claims are shown as Cloudflare sent them


def test_spec_example_token() -> None:
    decoded = decode_token(SPEC_TOKEN)
    assert decoded == DecodedToken(
        header={"alg": "RS256", "kid": KID},
        claims={"sub": UID, "kid": KID, "exp": "1537460365", "nbf": "1537453165"},
        kid=KID,
        sub=UID,
        exp=1537460365,
        nbf=1537453165,
        downloadable=False,
        access_rules=[],
    )


# -- self-signed tokens -----------------------------------------------------------------------


def test_self_signed_token_with_everything(rsa_pem: bytes) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]},
        {"type": "ip.src", "action": "allow", "ip": ["93.184.216.0/24"]},
        {"type": "any", "action": "block"},
    ]
    token = _sign(
        rsa_pem,
        {
            "sub": UID,
            "kid": KID,
            "exp": 1900000000,
            "nbf": 1899990000,
            "downloadable": True,
            "accessRules": rules,
        },
    )
    decoded = decode_token(token)
    assert decoded.header == {"alg": "RS256", "kid": KID}
    assert (decoded.sub, decoded.kid, decoded.exp, decoded.nbf) == (
        UID,
        KID,
        1900000000,
        1899990000,
    )
    assert decoded.downloadable is True
    assert decoded.access_rules == rules


def test_expired_and_not_yet_valid_tokens_are_still_readable(rsa_pem: bytes) -> None:
    expired = decode_token(_sign(rsa_pem, {"sub": UID, "exp": 1000, "nbf": 10}))
    assert (expired.exp, expired.nbf) == (1000, 10)
    future = decode_token(_sign(rsa_pem, {"sub": UID, "exp": 4102444800, "nbf": 4102441200}))
    assert future.nbf == 4102441200


def test_signature_is_not_checked(rsa_pem: bytes) -> None:
    header, payload, _ = _sign(rsa_pem, {"sub": UID, "exp": 1900000000}).split(".")
    *_, other_signature = _sign(rsa_pem, {"sub": "someone else"}).split(".")
    assert decode_token(f"{header}.{payload}.{other_signature}").sub == UID


def test_kid_falls_back_to_the_claim_and_optional_claims_may_be_absent() -> None:
    token = f"{_b64({'alg': 'RS256'})}.{_b64({'kid': KID})}.{_b64(b'sig')}"
    decoded = decode_token(token)
    assert decoded.kid == KID
    assert (decoded.sub, decoded.exp, decoded.nbf) == (None, None, None)


def test_downloadable_must_be_true_not_just_truthy(rsa_pem: bytes) -> None:
    assert decode_token(_sign(rsa_pem, {"downloadable": "yes"})).downloadable is False
    assert decode_token(_sign(rsa_pem, {"downloadable": False})).downloadable is False


def test_pasted_whitespace_is_ignored() -> None:
    assert decode_token(f"  {SPEC_TOKEN}\n").sub == UID


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1537460365, 1537460365), ("1537460365", 1537460365), (" 42 ", 42), (1.5e9, 1500000000)],
)
def test_times_as_numbers_or_strings(value: Any, expected: int) -> None:
    token = f"{_b64({'alg': 'RS256'})}.{_b64({'exp': value, 'nbf': value})}.{_b64(b's')}"
    decoded = decode_token(token)
    assert (decoded.exp, decoded.nbf) == (expected, expected)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": "soon"}, "The token's expiry (exp) is 'soon', which is not a time"),
        ({"nbf": "12.5"}, "The token's start time (nbf) is '12.5', which is not a time"),
        ({"exp": True}, "The token's expiry (exp) is True, not a time."),
        ({"exp": [1]}, "The token's expiry (exp) is [1], which is not a time"),
        ({"accessRules": {"type": "any"}}, "The token's access rules (accessRules) are not a"),
        ({"accessRules": ["any"]}, "The token's access rules (accessRules) are not a list"),
    ],
)
def test_unreadable_claims_are_named(claims: dict[str, Any], message: str) -> None:
    token = f"{_b64({'alg': 'RS256'})}.{_b64(claims)}.{_b64(b's')}"
    with pytest.raises(TokenDecodeError) as caught:
        decode_token(token)
    assert str(caught.value).startswith(message)


# -- malformed tokens -------------------------------------------------------------------------

HEADER = _b64({"alg": "RS256", "kid": KID})
CLAIMS = _b64({"sub": UID})
SIG = _b64(b"signature")
COPY_HINT = "check that the whole token was copied."


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("", "The token is empty; paste the whole token."),
        (
            "not-a-token",
            "This is not a signed token: a token has three parts separated by dots "
            "(this text has 1).",
        ),
        (
            f"{HEADER}.{CLAIMS}",
            "This is not a signed token: a token has three parts separated by dots "
            "(this text has 2).",
        ),
        (
            f"{HEADER}.{CLAIMS}.{SIG}.extra",
            "This is not a signed token: a token has three parts separated by dots "
            "(this text has 4).",
        ),
        (
            f"!!!.{CLAIMS}.{SIG}",
            f"The token's first part (its header) is not a base64url-encoded JSON object; "
            f"{COPY_HINT}",
        ),
        (
            f"{_b64(b'not json')}.{CLAIMS}.{SIG}",
            f"The token's first part (its header) is not a base64url-encoded JSON object; "
            f"{COPY_HINT}",
        ),
        (
            f"{_b64([1, 2])}.{CLAIMS}.{SIG}",
            f"The token's first part (its header) is not a base64url-encoded JSON object; "
            f"{COPY_HINT}",
        ),
        (
            f"{HEADER}.{CLAIMS[:-3]}.{SIG}",
            f"The token's middle part (its claims) is not a base64url-encoded JSON object; "
            f"{COPY_HINT}",
        ),
        (
            f"{HEADER}.{_b64('a string')}.{SIG}",
            f"The token's middle part (its claims) is not a base64url-encoded JSON object; "
            f"{COPY_HINT}",
        ),
        (
            f"{HEADER}.{CLAIMS}.x",
            f"The token's last part (its signature) is not valid base64url; {COPY_HINT}",
        ),
        (
            f"{HEADER}.{CLAIMS}.sig+nature/é",
            f"The token's last part (its signature) is not valid base64url; {COPY_HINT}",
        ),
    ],
)
def test_malformed_tokens_get_a_sentence(token: str, expected: str) -> None:
    with pytest.raises(TokenDecodeError) as caught:
        decode_token(token)
    assert str(caught.value) == expected
    assert caught.value.__cause__ is None


def test_token_decode_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        decode_token("a.b")
