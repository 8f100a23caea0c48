"""`POST …/token` and the signing-key endpoints behave like Cloudflare's."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import RSAKey

from cfstream_gui.sandbox import Sandbox
from tests.sandbox.helpers import NOW, create_key, error_of, stream

DAY = 24 * 60 * 60


def token_for(api: httpx.Client, uid: str, body: Any = None) -> httpx.Response:
    return (
        api.post(stream(f"/{uid}/token"), json=body)
        if body is not None
        else api.post(stream(f"/{uid}/token"))
    )


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


# Module-scoped: RSA key generation is the slowest thing these tests do.
@pytest.fixture(scope="module")
def signing_key(api: httpx.Client) -> dict[str, Any]:
    return create_key(api)


@pytest.fixture(scope="module")
def other_key(api: httpx.Client) -> dict[str, Any]:
    return create_key(api)


@pytest.mark.parametrize("body", [None, {}], ids=["no body", "empty object"])
def test_defaults_exp_plus_one_hour_nbf_minus_one_hour(
    api: httpx.Client, uid: str, body: Any
) -> None:
    response = token_for(api, uid, body)
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["success"] is True and envelope["errors"] == []
    claims = claims_of(envelope["result"]["token"])
    # Cloudflare-issued tokens carry the times as strings of digits.
    assert claims["exp"] == str(NOW + 3600)
    assert claims["nbf"] == str(NOW - 3600)
    assert claims["sub"] == uid
    assert "accessRules" not in claims and "downloadable" not in claims


def test_token_header_has_kid_and_no_typ(api: httpx.Client, uid: str, sandbox: Sandbox) -> None:
    token = token_for(api, uid).json()["result"]["token"]
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": sandbox.cloudflare_key_id}
    assert claims_of(token)["kid"] == sandbox.cloudflare_key_id


def test_token_verifies_with_public_key_in_an_independent_library(
    api: httpx.Client, uid: str, sandbox: Sandbox
) -> None:
    token = token_for(api, uid).json()["result"]["token"]
    key = RSAKey.import_key(sandbox.public_key_pem)
    signed = jws.deserialize_compact(token, key, algorithms=["RS256"])
    assert json.loads(signed.payload)["sub"] == uid
    assert key.as_dict()["n"]  # a real RSA public key, not a placeholder
    assert len(token.rsplit(".", 1)[1]) == 342  # 256-byte signature: RSA-2048


def test_given_times_rules_and_downloadable_are_carried(api: httpx.Client, uid: str) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["DE", "AT"]},
        {"type": "ip.src", "action": "allow", "ip": ["192.0.2.0/24", "2001:db8::/32"]},
        {"type": "any", "action": "block"},
    ]
    body = {"exp": NOW + 600, "nbf": NOW - 5, "downloadable": True, "accessRules": rules}
    claims = claims_of(token_for(api, uid, body).json()["result"]["token"])
    assert claims["exp"] == str(NOW + 600) and claims["nbf"] == str(NOW - 5)
    assert claims["downloadable"] is True
    assert claims["accessRules"] == rules


def test_downloadable_false_is_left_out(api: httpx.Client, uid: str) -> None:
    claims = claims_of(token_for(api, uid, {"downloadable": False}).json()["result"]["token"])
    assert "downloadable" not in claims


def test_public_and_encoding_videos_get_tokens_too(api: httpx.Client, sandbox: Sandbox) -> None:
    for video in sandbox.videos:
        assert token_for(api, video["uid"]).status_code == 200


def test_exp_exactly_24_hours_ahead_is_allowed(api: httpx.Client, uid: str) -> None:
    assert token_for(api, uid, {"exp": NOW + DAY}).status_code == 200


def test_exp_beyond_24_hours_is_rejected(api: httpx.Client, uid: str) -> None:
    response = token_for(api, uid, {"exp": NOW + DAY + 1})
    assert response.status_code == 400
    assert "24 hours" in error_of(response)["message"]


def test_five_rules_allowed_six_rejected(api: httpx.Client, uid: str) -> None:
    rule = {"type": "ip.geoip.country", "action": "block", "country": ["US"]}
    assert token_for(api, uid, {"accessRules": [rule] * 5}).status_code == 200
    response = token_for(api, uid, {"accessRules": [rule] * 6})
    assert response.status_code == 400
    assert "at most 5" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"type": "ip.asn", "action": "allow"}, "type must be one of"),
        ({"type": "any"}, "action must be allow or block"),
        ({"type": "ip.src", "action": "allow"}, "non-empty ip list"),
        ({"type": "ip.src", "action": "allow", "ip": ["10.0.0.300/8"]}, "not an IP address"),
        ({"type": "ip.geoip.country", "action": "block", "country": []}, "non-empty country"),
        ({"type": "ip.geoip.country", "action": "block", "country": ["usa"]}, "alpha-2"),
        ("any", "must be an object"),
    ],
)
def test_bad_rule_shapes_are_rejected(api: httpx.Client, uid: str, rule: Any, words: str) -> None:
    allow_all = {"type": "any", "action": "allow"}
    response = token_for(api, uid, {"accessRules": [allow_all, rule]})
    assert response.status_code == 400
    message = error_of(response)["message"]
    assert "rule 2" in message and words in message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"exp": str(NOW + 60)}, "exp must be a whole number"),
        ({"nbf": 1.5}, "nbf must be a whole number"),
        ({"downloadable": None}, "downloadable must be true or false"),
        ({"accessRules": {"type": "any"}}, "accessRules must be a list"),
        ([], "must be a JSON object"),
    ],
)
def test_bad_field_types_are_rejected(api: httpx.Client, uid: str, body: Any, words: str) -> None:
    response = token_for(api, uid, body)
    assert response.status_code == 400
    assert words in error_of(response)["message"]


def test_body_that_is_not_json_is_rejected(api: httpx.Client, uid: str) -> None:
    response = api.post(stream(f"/{uid}/token"), content=b"exp=123")
    assert response.status_code == 400
    assert "not valid JSON" in error_of(response)["message"]


def test_unknown_video_gets_404(api: httpx.Client) -> None:
    response = token_for(api, "00000000000000000000000000000000")
    assert response.status_code == 404
    assert error_of(response)["code"] == 10003


def test_sign_with_own_key(
    api: httpx.Client, uid: str, signing_key: dict[str, Any], sandbox: Sandbox
) -> None:
    body = {"id": signing_key["id"], "pem": signing_key["pem"]}
    token = token_for(api, uid, body).json()["result"]["token"]
    assert jwt.get_unverified_header(token)["kid"] == signing_key["id"]
    private_key = serialization.load_pem_private_key(
        base64.b64decode(signing_key["pem"]), password=None
    )
    assert isinstance(private_key, rsa.RSAPrivateKey)
    # The sandbox's clock is fixed in 2027, so time checks are the playback tests' business.
    claims = jwt.decode(
        token, private_key.public_key(), algorithms=["RS256"], options={"verify_nbf": False}
    )
    assert claims["kid"] == signing_key["id"] and claims["sub"] == uid
    # Not signed by the Cloudflare-side key.
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token, sandbox.public_key_pem, algorithms=["RS256"], options={"verify_nbf": False}
        )


def test_id_without_pem_and_pem_without_id(
    api: httpx.Client, uid: str, signing_key: dict[str, Any]
) -> None:
    no_pem = token_for(api, uid, {"id": signing_key["id"]})
    assert no_pem.status_code == 400
    assert "pem is required" in error_of(no_pem)["message"]
    no_id = token_for(api, uid, {"pem": signing_key["pem"]})
    assert no_id.status_code == 400
    assert "id is required" in error_of(no_id)["message"]


def test_pem_that_does_not_decode(api: httpx.Client, uid: str, signing_key: dict[str, Any]) -> None:
    not_base64 = token_for(api, uid, {"id": signing_key["id"], "pem": "not base64!"})
    assert "base64" in error_of(not_base64)["message"]
    not_pem = base64.b64encode(b"hello").decode()
    response = token_for(api, uid, {"id": signing_key["id"], "pem": not_pem})
    assert response.status_code == 400
    assert "PEM private key" in error_of(response)["message"]


def test_unknown_key_id(api: httpx.Client, uid: str, signing_key: dict[str, Any]) -> None:
    body = {"id": "ffffffffffffffffffffffffffffffff", "pem": signing_key["pem"]}
    response = token_for(api, uid, body)
    assert response.status_code == 400
    assert "not an active signing key" in error_of(response)["message"]


def test_pem_of_a_different_key(
    api: httpx.Client, uid: str, signing_key: dict[str, Any], other_key: dict[str, Any]
) -> None:
    response = token_for(api, uid, {"id": signing_key["id"], "pem": other_key["pem"]})
    assert response.status_code == 400
    assert "not the private key" in error_of(response)["message"]


def test_error_messages_never_echo_the_pem(
    api: httpx.Client, uid: str, signing_key: dict[str, Any], other_key: dict[str, Any]
) -> None:
    response = token_for(api, uid, {"id": signing_key["id"], "pem": other_key["pem"]})
    assert response.status_code == 400
    assert other_key["pem"][:40] not in response.text


def test_created_key_material(signing_key: dict[str, Any]) -> None:
    assert len(signing_key["id"]) == 32 and int(signing_key["id"], 16) >= 0
    pem = base64.b64decode(signing_key["pem"])
    assert pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    private_key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size == 2048
    jwk = json.loads(base64.b64decode(signing_key["jwk"]))
    assert jwk["kid"] == signing_key["id"]
    assert (jwk["alg"], jwk["use"], jwk["kty"], jwk["e"]) == ("RS256", "sig", "RSA", "AQAB")
    assert {"d", "p", "q", "dp", "dq", "qi"} <= set(jwk)
    # The JWK and the PEM are the same key.
    assert RSAKey.import_key(jwk).as_dict()["n"] == RSAKey.import_key(pem).as_dict()["n"]
    # RFC 3339 the way Cloudflare writes it: UTC, nanoseconds, Z.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", signing_key["created"])


def test_list_keys_shows_no_private_material(
    api: httpx.Client, signing_key: dict[str, Any]
) -> None:
    listed = api.get(stream("/keys")).json()["result"]
    mine = [key for key in listed if key["id"] == signing_key["id"]]
    assert mine == [{"id": signing_key["id"], "created": signing_key["created"]}]


def test_delete_key_revokes_it(api: httpx.Client, uid: str) -> None:
    doomed = create_key(api)
    kid = doomed["id"]
    response = api.delete(stream(f"/keys/{kid}"))
    assert response.status_code == 200
    assert response.json()["result"] == "Revoked"
    assert kid not in [key["id"] for key in api.get(stream("/keys")).json()["result"]]
    again = api.delete(stream(f"/keys/{kid}"))
    assert again.status_code == 404
    signing = token_for(api, uid, {"id": kid, "pem": doomed["pem"]})
    assert signing.status_code == 400
