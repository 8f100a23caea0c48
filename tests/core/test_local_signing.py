"""Signing tokens locally: the token is Cloudflare's shape, verifies with two independent JOSE
libraries, plays in the sandbox for a key made through its API, and touches no network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt as jose_jwt
from joserfc.jwk import RSAKey
from jwt.types import Options

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.local_signing import local_claims, sign_locally
from cfstream_gui.core.keys.signing_key import SigningKey, key_from_material
from cfstream_gui.core.models import (
    DEFAULT_EXP_SECONDS,
    DEFAULT_NBF_SECONDS,
    AccessRule,
    TokenRequest,
)
from cfstream_gui.core.validation import ValidationError, check_request
from cfstream_gui.sandbox import Sandbox
from tests.support import rsa_keys
from tests.support.clock import FakeClock

KID = "0123456789abcdef0123456789abcdef"
UID = "ea95132c15732412d22c1476fa83f27a"
NOW = 1_800_000_000
ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
NO_TIME_CHECKS: Options = {"verify_exp": False, "verify_nbf": False}

RULES = (
    AccessRule("allow", "ip.geoip.country", ("US", "MX")),
    AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
    AccessRule("block", "any"),
)
RULES_JSON = [
    {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]},
    {"type": "ip.src", "action": "allow", "ip": ["203.0.113.0/24", "2001:db8::/32"]},
    {"type": "any", "action": "block"},
]


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa_keys.rsa_key()


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return rsa_keys.signing_key(key_id=KID)


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(scope="module")
def running(clock: FakeClock) -> Iterator[Sandbox]:
    with Sandbox(clock=clock) as sandbox:
        yield sandbox


@pytest.fixture
def sb(running: Sandbox, clock: FakeClock) -> Sandbox:
    running.clear()
    clock.now = NOW
    return running


def client(sb: Sandbox) -> StreamClient:
    return StreamClient(Sandbox.DEMO_API_TOKEN, base_url=sb.base_url, env={}, max_retries=0)


def full_request(**changes: Any) -> TokenRequest:
    fields: dict[str, Any] = {
        "video_uid": UID,
        "exp": NOW + 2 * 3600,
        "nbf": NOW - 60,
        "downloadable": True,
        "access_rules": RULES,
    }
    fields.update(changes)
    return TokenRequest(**fields)


# --- the token itself --------------------------------------------------------------------------


def test_round_trip_with_pyjwt(key: SigningKey, rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign_locally(full_request(), key, now=NOW)
    claims = jwt.decode(token, rsa_key.public_key(), algorithms=["RS256"], options=NO_TIME_CHECKS)
    assert claims == {
        "sub": UID,
        "kid": KID,
        "exp": NOW + 2 * 3600,
        "nbf": NOW - 60,
        "accessRules": RULES_JSON,
        "downloadable": True,
    }
    # Exactly Cloudflare's header: no "typ".
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": KID}


def test_round_trip_with_joserfc(key: SigningKey) -> None:
    token = sign_locally(full_request(), key, now=NOW)
    verified = jose_jwt.decode(token, RSAKey.import_key(key.public_pem()), algorithms=["RS256"])
    assert verified.header == {"alg": "RS256", "kid": KID}
    assert verified.claims == local_claims(full_request(), KID, now=NOW)
    assert isinstance(verified.claims["exp"], int) and isinstance(verified.claims["nbf"], int)


def test_a_tampered_token_does_not_verify(key: SigningKey) -> None:
    header, _claims, signature = sign_locally(full_request(), key, now=NOW).split(".")
    other = sign_locally(full_request(video_uid="f" * 32), key, now=NOW).split(".")[1]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            f"{header}.{other}.{signature}",
            key.public_pem(),
            algorithms=["RS256"],
            options=NO_TIME_CHECKS,
        )


def test_unset_times_get_cloudflares_defaults(key: SigningKey) -> None:
    token = sign_locally(TokenRequest(UID), key, now=NOW)
    claims = jwt.decode(token, key.public_pem(), algorithms=["RS256"], options=NO_TIME_CHECKS)
    assert claims == {
        "sub": UID,
        "kid": KID,
        "exp": NOW + DEFAULT_EXP_SECONDS,
        "nbf": NOW + DEFAULT_NBF_SECONDS,
    }


def test_downloadable_false_and_no_rules_are_left_out() -> None:
    claims = local_claims(TokenRequest(UID, downloadable=False), KID, now=NOW)
    assert "downloadable" not in claims and "accessRules" not in claims


def test_rules_are_tidied_as_the_api_path_would_send_them(key: SigningKey) -> None:
    request = TokenRequest(UID, access_rules=(AccessRule(" Allow", "country", (" us", "mx ")),))
    token = sign_locally(request, key, now=NOW)
    claims = jwt.decode(token, key.public_pem(), algorithms=["RS256"], options=NO_TIME_CHECKS)
    assert claims["accessRules"] == [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]}
    ]


def test_the_requests_own_key_fields_are_ignored(key: SigningKey) -> None:
    request = full_request(key_id="f" * 32, pem="not even base64")
    assert check_request(request, now=NOW)  # the API path would refuse this pem
    token = sign_locally(request, key, now=NOW)
    assert jwt.get_unverified_header(token)["kid"] == KID
    assert jwt.decode(token, key.public_pem(), algorithms=["RS256"], options=NO_TIME_CHECKS)


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"video_uid": ""}, "Video ID is empty"),
        ({"exp": NOW + 25 * 3600}, "24 hours"),
        ({"exp": NOW - 10, "nbf": None}, "expiry"),
        ({"access_rules": (AccessRule("allow", "country", ("ZZZ",)),)}, "ZZZ"),
        ({"access_rules": (AccessRule("allow", "any"),) * 6}, "at most 5"),
    ],
)
def test_invalid_requests_are_refused_like_the_api_path(
    key: SigningKey, changes: dict[str, Any], phrase: str
) -> None:
    request = full_request(**changes)
    with pytest.raises(ValidationError) as caught:
        sign_locally(request, key, now=NOW)
    assert phrase.lower() in str(caught.value).lower()
    expected = [p.message for p in check_request(request, now=NOW) if p.severity == "error"]
    assert [p.message for p in caught.value.problems] == expected


def test_the_private_key_is_parsed_once_per_key(
    key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes] = []
    real = serialization.load_pem_private_key

    def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
        calls.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)  # what signing_keys uses
    fresh = SigningKey(key.key_id, key.pem)  # as the keyring or a batch worker builds it
    tokens = {sign_locally(full_request(nbf=NOW - i), fresh, now=NOW) for i in range(25)}
    assert len(tokens) == 25
    assert len(calls) == 1


# --- against the sandbox -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_both_engines_mean_the_same_for_the_same_request(sb: Sandbox) -> None:
    uid = sb.video_uids(signed=True)[0]
    request = TokenRequest(uid, access_rules=RULES)
    async with client(sb) as api:
        from_api = await api.create_token(ACCOUNT, request)
        local_key = key_from_material(await api.create_signing_key(ACCOUNT))
    local = sign_locally(request, local_key, now=NOW)
    api_claims = jwt.decode(from_api, options={"verify_signature": False})
    local_claims_ = jwt.decode(local, options={"verify_signature": False})
    # Cloudflare writes exp/nbf as strings; the values are the same.
    assert int(api_claims["exp"]) == local_claims_["exp"] == NOW + DEFAULT_EXP_SECONDS
    assert int(api_claims["nbf"]) == local_claims_["nbf"] == NOW + DEFAULT_NBF_SECONDS
    assert api_claims["accessRules"] == local_claims_["accessRules"] == RULES_JSON
    assert api_claims["sub"] == local_claims_["sub"] == uid


@pytest.mark.asyncio
async def test_a_locally_signed_token_plays_until_its_key_is_revoked(sb: Sandbox) -> None:
    uid = sb.video_uids(signed=True)[0]
    async with client(sb) as api:
        key = key_from_material(await api.create_signing_key(ACCOUNT))
        request = TokenRequest(uid, exp=NOW + 600, nbf=NOW - 5, access_rules=RULES)
        token = sign_locally(request, key, now=NOW)

        def verdict(**viewer: Any) -> Any:
            return sb.verify_playback_token(token, uid, **viewer)

        assert verdict(country="US").allowed
        assert verdict(viewer_ip="203.0.113.9", country="DE").allowed
        assert verdict(viewer_ip="2001:db8::1").allowed
        denied = verdict(viewer_ip="198.51.100.1", country="DE")
        assert not denied.allowed and denied.rule_index == 2
        assert not sb.verify_playback_token(token, sb.video_uids(signed=True)[1]).allowed
        expired = verdict(country="US", now=NOW + 600)
        assert not expired.allowed and "expired" in expired.reason
        early = verdict(country="US", now=NOW - 6)
        assert not early.allowed and "not valid for another" in early.reason

        await api.revoke_signing_key(ACCOUNT, key.key_id)
    revoked = verdict(country="US")
    assert not revoked.allowed and "revoked" in revoked.reason


@pytest.mark.asyncio
async def test_local_signing_makes_no_requests(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = sb.video_uids(signed=True)[0]
    async with client(sb) as api:
        key = key_from_material(await api.create_signing_key(ACCOUNT))
    logged = len(sb.requests)

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("local signing opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    tokens = [sign_locally(TokenRequest(uid, exp=NOW + i + 60), key, now=NOW) for i in range(50)]
    monkeypatch.undo()
    assert len(sb.requests) == logged
    assert all(sb.verify_playback_token(token, uid).allowed for token in tokens)
