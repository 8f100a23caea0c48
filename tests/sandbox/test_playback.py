"""`Sandbox.verify_playback_token` decides like the edge: key, subject, time, access rules."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import jwt
import pytest

from cfstream_gui.sandbox import Sandbox
from tests.sandbox.helpers import NOW, create_key, stream


@pytest.fixture(scope="module")
def key(api: httpx.Client) -> dict[str, Any]:
    """Shared: RSA key generation is slow. The revocation test makes its own."""
    return create_key(api)


def minted(api: httpx.Client, uid: str, **body: Any) -> str:
    response = api.post(stream(f"/{uid}/token"), json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["result"]["token"]
    return token


def self_signed(key: dict[str, Any], claims: dict[str, Any], **header: Any) -> str:
    """A token made the way the docs' Worker example makes one: no API call."""
    pem = base64.b64decode(key["pem"])
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": key["id"], **header})


def test_minted_token_plays_now(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    verdict = sandbox.verify_playback_token(minted(api, uid), uid)
    assert verdict.allowed and verdict
    assert verdict.rule_index is None


def test_expired_token(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    token = minted(api, uid, exp=NOW + 60)
    assert sandbox.verify_playback_token(token, uid, now=NOW + 59).allowed
    verdict = sandbox.verify_playback_token(token, uid, now=NOW + 60)
    assert not verdict.allowed
    assert "expired" in verdict.reason


def test_default_clock_is_the_sandbox_clock(
    api: httpx.Client, sandbox: Sandbox, uid: str, clock: Any
) -> None:
    token = minted(api, uid, exp=NOW + 60)
    clock.now = NOW + 61
    assert "expired" in sandbox.verify_playback_token(token, uid).reason


def test_not_yet_valid(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    token = minted(api, uid, nbf=NOW + 100)
    verdict = sandbox.verify_playback_token(token, uid)
    assert not verdict.allowed
    assert "not valid for another 100 seconds" in verdict.reason
    assert sandbox.verify_playback_token(token, uid, now=NOW + 100).allowed


def test_token_for_another_video(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    other = sandbox.video_uids(signed=False)[0]
    verdict = sandbox.verify_playback_token(minted(api, uid), other)
    assert not verdict.allowed
    assert uid in verdict.reason


def test_country_block_rule(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    rules = [{"type": "ip.geoip.country", "action": "block", "country": ["US", "CA"]}]
    token = minted(api, uid, accessRules=rules)
    blocked = sandbox.verify_playback_token(token, uid, country="us")
    assert not blocked.allowed and blocked.rule_index == 0
    assert sandbox.verify_playback_token(token, uid, country="DE").allowed
    assert sandbox.verify_playback_token(token, uid).allowed  # country unknown: no match


def test_ip_allow_by_cidr_then_block_everyone_else(
    api: httpx.Client, sandbox: Sandbox, uid: str
) -> None:
    rules = [
        {"type": "ip.src", "action": "allow", "ip": ["192.0.2.0/24"]},
        {"type": "any", "action": "block"},
    ]
    token = minted(api, uid, accessRules=rules)
    inside = sandbox.verify_playback_token(token, uid, viewer_ip="192.0.2.77")
    assert inside.allowed and inside.rule_index == 0
    outside = sandbox.verify_playback_token(token, uid, viewer_ip="198.51.100.1")
    assert not outside.allowed and outside.rule_index == 1
    # A v4-only rule never matches a v6 viewer (the docs' warning).
    assert not sandbox.verify_playback_token(token, uid, viewer_ip="2001:db8::1").allowed


def test_no_matching_rule_means_allowed(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    rules = [{"type": "ip.src", "action": "block", "ip": ["203.0.113.0/24"]}]
    token = minted(api, uid, accessRules=rules)
    verdict = sandbox.verify_playback_token(token, uid, viewer_ip="192.0.2.1", country="FR")
    assert verdict.allowed
    assert "No access rule matched" in verdict.reason


def test_first_matching_rule_wins(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["DE"]},
        {"type": "ip.src", "action": "block", "ip": ["192.0.2.0/24"]},
    ]
    token = minted(api, uid, accessRules=rules)
    both = sandbox.verify_playback_token(token, uid, viewer_ip="192.0.2.5", country="DE")
    assert both.allowed and both.rule_index == 0


def test_self_signed_token_with_integer_times(
    sandbox: Sandbox, key: dict[str, Any], uid: str
) -> None:
    claims = {"sub": uid, "kid": key["id"], "exp": NOW + 300, "nbf": NOW - 1}
    assert sandbox.verify_playback_token(self_signed(key, claims), uid).allowed
    # Some third-party tokens carry typ: JWT; the edge tolerates it.
    assert sandbox.verify_playback_token(self_signed(key, claims, typ="JWT"), uid).allowed


def test_token_signed_with_own_key_through_the_api(
    api: httpx.Client, sandbox: Sandbox, key: dict[str, Any], uid: str
) -> None:
    token = minted(api, uid, id=key["id"], pem=key["pem"])
    assert sandbox.verify_playback_token(token, uid).allowed


def test_revoked_key_stops_its_tokens(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    key = create_key(api)
    token = minted(api, uid, id=key["id"], pem=key["pem"])
    cloudflare_token = minted(api, uid)
    api.delete(stream(f"/keys/{key['id']}"))
    verdict = sandbox.verify_playback_token(token, uid)
    assert not verdict.allowed and "revoked" in verdict.reason
    # Tokens from the Cloudflare-side key do not depend on the account's keys.
    assert sandbox.verify_playback_token(cloudflare_token, uid).allowed


def test_forged_signature_is_refused(sandbox: Sandbox, key: dict[str, Any], uid: str) -> None:
    # Signed with the account's key but claiming to come from Cloudflare's.
    kid = sandbox.cloudflare_key_id
    token = self_signed(key, {"sub": uid, "kid": kid, "exp": NOW + 300}, kid=kid)
    verdict = sandbox.verify_playback_token(token, uid)
    assert not verdict.allowed and "signature" in verdict.reason


def test_unknown_kid_is_refused(sandbox: Sandbox, key: dict[str, Any], uid: str) -> None:
    claims = {"sub": uid, "exp": NOW + 300}
    token = self_signed(key, claims, kid="ffffffffffffffffffffffffffffffff")
    verdict = sandbox.verify_playback_token(token, uid)
    assert not verdict.allowed and "not a signing key" in verdict.reason


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"nbf": NOW - 1}, "no exp"),
        ({"exp": "soon"}, "exp claim is not a Unix time"),
        ({"exp": NOW + 300, "kid": "0" * 32}, "kid claim differs"),
    ],
)
def test_bad_claims_are_refused(
    sandbox: Sandbox, key: dict[str, Any], uid: str, claims: dict[str, Any], words: str
) -> None:
    token = self_signed(key, {"sub": uid, **claims})
    verdict = sandbox.verify_playback_token(token, uid)
    assert not verdict.allowed
    assert words in verdict.reason


def test_wrong_algorithm_and_garbage_are_refused(sandbox: Sandbox, uid: str) -> None:
    hs = jwt.encode({"sub": uid, "exp": NOW + 300}, "x" * 32, algorithm="HS256")
    assert "RS256" in sandbox.verify_playback_token(hs, uid).reason
    assert "not a JWT" in sandbox.verify_playback_token("hello", uid).reason


def test_bad_viewer_ip_is_the_callers_error(api: httpx.Client, sandbox: Sandbox, uid: str) -> None:
    with pytest.raises(ValueError):
        sandbox.verify_playback_token(minted(api, uid), uid, viewer_ip="not-an-ip")
