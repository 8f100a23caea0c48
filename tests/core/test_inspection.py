"""The token inspector: Cloudflare-shaped tokens (string times, no `sub`), self-signed ones,
links and snippets holding them, the signature checked only with a held key, and garbage
answered with a sentence, never a traceback."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from cfstream_gui.core.inspection import (
    MAX_INPUT_CHARS,
    TokenInspectError,
    Validity,
    inspect_token,
)
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.token_moments import span
from cfstream_gui.core.token_signature import SignatureState
from cfstream_gui.core.validation import Severity
from tests.core.test_tokens import DOCS_TOKEN, SPEC_TOKEN
from tests.support.rsa_keys import pkcs1_pem, rsa_key, signing_key

UID = "ea95132c15732412d22c1476fa83f27a"
NOW = 1_800_000_000
HOUR = 3600


def b64(data: Any) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(key: SigningKey, **claims: Any) -> str:
    body = {"sub": UID, "kid": key.key_id, "exp": NOW + HOUR, "nbf": NOW - HOUR, **claims}
    return jwt.encode(
        body, pkcs1_pem(rsa_key()), algorithm="RS256", headers={"kid": key.key_id, "typ": None}
    )


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return signing_key(0)


# --- Cloudflare's own tokens -------------------------------------------------------------------


def test_the_api_spec_example_with_string_times() -> None:
    report = inspect_token(SPEC_TOKEN, 1537456765)
    assert report.video_uid == UID
    assert report.key_id == "e9db990a82666dd571c77f944a5c5c8d"
    assert report.expires is not None and report.not_before is not None
    assert (report.expires.given, report.expires.epoch) == ("1537460365", 1537460365)
    assert (report.not_before.given, report.not_before.epoch) == ("1537453165", 1537453165)
    assert report.expires.utc == "2018-09-20T16:19:25Z"
    assert report.expires.described.startswith("2018-09-20 16:19:25 UTC")
    assert report.validity(1537456765) is Validity.VALID
    assert report.validity_phrase(1537456765) == "valid for 60 min"
    # Signed with Cloudflare's own key: said plainly, never called valid.
    assert report.signature.state is SignatureState.NOT_HELD
    assert "cannot be checked here" in report.signature.message
    assert "Cloudflare's own key" in report.signature.message
    assert report.problems == ()


def test_the_docs_example_without_a_video_is_a_problem_not_a_crash() -> None:
    report = inspect_token(DOCS_TOKEN, NOW)
    assert report.video_uid is None
    assert report.validity(NOW) is Validity.EXPIRED
    assert report.validity_phrase(NOW).startswith("expired ")
    assert [(p.field, p.severity) for p in report.problems] == [("video", Severity.ERROR)]
    assert "names no video" in report.problems[0].message


def test_json_shows_times_as_given_and_as_epoch() -> None:
    document = inspect_token(SPEC_TOKEN, NOW).to_json(NOW)
    assert document["expires"]["given"] == "1537460365"
    assert document["expires"]["epoch"] == 1537460365
    assert document["not_before"]["epoch"] == 1537453165
    assert document["validity"] == "expired"
    assert document["signature"] == {
        "state": "not checked",
        "verified": False,
        "message": inspect_token(SPEC_TOKEN, NOW).signature.message,
    }
    json.dumps(document)  # all of it is JSON


# --- self-signed tokens and the signature ------------------------------------------------------


def test_a_token_signed_by_a_held_key_is_verified(key: SigningKey) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US"]},
        {"type": "any", "action": "block"},
    ]
    token = signed(key, accessRules=rules, downloadable=True)
    report = inspect_token(token, NOW, {key.key_id: key})
    assert report.signature.state is SignatureState.VERIFIED
    assert report.downloadable
    assert report.rules_in_words == ("allow viewers in US (United States)", "block every viewer")
    assert report.expires is not None and report.expires.given == NOW + HOUR


def test_a_token_changed_after_signing_is_caught(key: SigningKey) -> None:
    header, _, signature = signed(key).split(".")
    forged = b64({"sub": UID, "kid": key.key_id, "exp": NOW + 20 * HOUR})
    report = inspect_token(f"{header}.{forged}.{signature}", NOW, {key.key_id: key})
    assert report.signature.state is SignatureState.BAD
    assert "does not match signing key" in report.signature.message


def test_a_key_with_the_same_id_that_did_not_sign_it_is_caught(key: SigningKey) -> None:
    impostor = signing_key(1, key.key_id)
    report = inspect_token(signed(key), NOW, {key.key_id: impostor})
    assert report.signature.state is SignatureState.BAD


def test_an_expired_signature_is_still_a_good_signature(key: SigningKey) -> None:
    report = inspect_token(signed(key, exp=NOW - 10), NOW, {key.key_id: key})
    assert report.signature.verified
    assert report.validity_phrase(NOW) == "expired 10 s ago"


@pytest.mark.parametrize(
    ("now", "phrase"),
    [
        (NOW - HOUR - 300, "not valid yet (starts in 5 min)"),
        (NOW, "valid for 60 min"),
        (NOW + HOUR - 42 * 60, "valid for 42 min"),
        (NOW + 4 * HOUR, "expired 3 h ago"),
        (NOW + HOUR + 2 * 86400, "expired 2 d ago"),
    ],
)
def test_the_validity_phrase_follows_the_clock(key: SigningKey, now: int, phrase: str) -> None:
    assert inspect_token(signed(key), NOW).validity_phrase(now) == phrase


def test_durations_read_like_a_person_would_say_them() -> None:
    assert [span(s) for s in (0, 45, 89, 90, 3599, 5400, 7260, 86400 * 3)] == [
        "0 s",
        "45 s",
        "89 s",
        "2 min",
        "60 min",
        "1 h 30 min",
        "2 h 1 min",
        "3 d",
    ]


# --- links and snippets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "https://customer-abc123def456.cloudflarestream.com/{t}/watch",
        "https://customer-abc123def456.cloudflarestream.com/{t}/manifest/video.m3u8",
        '<iframe src="https://customer-abc123def456.cloudflarestream.com/{t}/iframe"></iframe>',
        "  customer-abc123def456.cloudflarestream.com/{t}/thumbnails/thumbnail.jpg?time=2s \n",
        "https://customer-abc123def456.cloudflarestream.com/player?token={t}",
    ],
)
def test_a_token_is_found_in_links_and_snippets(key: SigningKey, template: str) -> None:
    token = signed(key)
    report = inspect_token(template.format(t=token), NOW)
    assert report.token == token
    assert report.customer_code == "abc123def456"


@pytest.mark.parametrize("template", ["Authorization: Bearer {t}", "token={t}", "  {t}  and more"])
def test_a_token_is_found_among_other_words(key: SigningKey, template: str) -> None:
    token = signed(key)
    report = inspect_token(template.format(t=token), NOW)
    assert (report.token, report.link_host) == (token, None)


def test_a_link_with_a_bare_video_id_is_told_apart() -> None:
    with pytest.raises(TokenInspectError, match=f"holds the video ID {UID}, not a token"):
        inspect_token(f"https://customer-abc.cloudflarestream.com/{UID}/watch", NOW)
    with pytest.raises(TokenInspectError, match="That is a video ID, not a token"):
        inspect_token(UID, NOW)


# --- what Cloudflare would refuse --------------------------------------------------------------


def test_claims_cloudflare_would_refuse_are_errors(key: SigningKey) -> None:
    token = jwt.encode(
        {"kid": "another", "nbf": NOW}, pkcs1_pem(rsa_key()), "RS256", {"kid": key.key_id}
    )
    report = inspect_token(token, NOW)
    fields = [p.field for p in report.errors]
    assert fields == ["video", "signing key", "expiry"]
    assert report.validity(NOW) is Validity.NEVER_EXPIRES
    assert report.validity_phrase(NOW) == "never expires, so Cloudflare refuses it"


def test_an_hs256_token_is_refused_in_words() -> None:
    token = jwt.encode({"sub": UID, "exp": NOW}, "secret-for-this-test-only-0123456789", "HS256")
    report = inspect_token(token, NOW)
    assert any("Stream needs RS256" in p.message for p in report.errors)
    assert report.signature.state is SignatureState.NOT_HELD


def test_rule_lints_come_with_the_report(key: SigningKey) -> None:
    rules = [{"type": "ip.src", "action": "allow", "ip": ["203.0.113.7"]}]
    report = inspect_token(signed(key, accessRules=rules), NOW)
    messages = [p.message for p in report.problems]
    assert any("only IPv4 addresses" in m for m in messages)
    assert any("single addresses" in m for m in messages)
    assert any("add a final 'block any' rule" in m for m in messages)


def test_rules_that_are_not_rules_are_a_problem_not_a_crash(key: SigningKey) -> None:
    broken = [{"type": "ip.src", "action": "allow", "ip": "203.0.113.0/24"}]
    report = inspect_token(signed(key, accessRules=broken), NOW)
    assert report.rules == ()
    assert [p.field for p in report.errors] == ["access rules"]
    empty = inspect_token(signed(key, accessRules=[{"type": "ip.src", "action": "allow"}]), NOW)
    assert [p.field for p in empty.errors] == ["rule 1 values"]


# --- garbage gets a sentence -------------------------------------------------------------------

NESTED = b"[" * 20_000 + b"]" * 20_000


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "Nothing was pasted"),
        ("   \n\t", "Nothing was pasted"),
        ("hello", "three parts separated by dots"),
        ("a.b.c", "first part (its header) is not a base64url-encoded JSON object"),
        (f"{b64({'alg': 'RS256'})}.{b64(NESTED)}.c2ln", "middle part (its claims)"),
        (f"{b64({'alg': 'RS256'})}.{b64([1, 2])}.c2ln", "middle part (its claims)"),
        (f"{b64({'alg': 'RS256'})}.{b64({'exp': '9' * 5000})}.c2ln", "expiry (exp)"),
        (f"{b64({'alg': 'RS256'})}.{b64({'exp': True})}.c2ln", "not a time"),
        ("x" * (MAX_INPUT_CHARS + 1), "far longer than any token"),
        ("https://example.com/some/page", "No token was found in 'https://example.com/some/page'"),
        ("\x1b]0;owned\x07.\x1b[2J.x", "first part"),
        ("<iframe src='nothing here'></iframe>", "No token was found"),
    ],
)
def test_garbage_gets_a_sentence(text: str, phrase: str) -> None:
    with pytest.raises(TokenInspectError) as caught:
        inspect_token(text, NOW)
    message = str(caught.value)
    assert phrase in message
    assert len(message) < 400
    assert "\x1b" not in message
