"""A sandbox given its keys (a `KeySource`) signs with them and hands them out, so the same
requests at the same clock give the same answers: what deterministic screenshots rest on."""

from __future__ import annotations

import itertools

import httpx
import jwt

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.keys import KeyMaterial, KeySource, load_api_pem
from tests.sandbox.helpers import NOW, create_key, stream
from tests.support.clock import FakeClock
from tests.support.rsa_keys import rsa_key

CLOUDFLARE = KeyMaterial("c1" * 16, rsa_key(3))
MADE = [KeyMaterial("d2" * 16, rsa_key(4)), KeyMaterial("e3" * 16, rsa_key(5))]


def given_keys() -> KeySource:
    made = itertools.cycle(MADE)
    return KeySource(cloudflare=lambda: CLOUDFLARE, new_key=lambda: next(made))


def api_for(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {sandbox.DEMO_API_TOKEN}"},
    )


def test_tokens_are_signed_with_the_given_cloudflare_key_and_repeat_exactly() -> None:
    tokens = []
    for _ in range(2):  # two sandboxes, same keys and clock: the same token, byte for byte
        with Sandbox(clock=FakeClock(NOW), keys=given_keys()) as sandbox, api_for(sandbox) as api:
            uid = sandbox.video_uids(signed=True)[0]
            token = api.post(stream(f"/{uid}/token")).json()["result"]["token"]
            assert sandbox.cloudflare_key_id == CLOUDFLARE.kid
            assert sandbox.verify_playback_token(token, uid).allowed
            tokens.append(token)
    assert tokens[0] == tokens[1]
    claims = jwt.decode(
        tokens[0],
        CLOUDFLARE.public_key,
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_nbf": False},  # NOW is the sandbox's, not ours
    )
    assert jwt.get_unverified_header(tokens[0])["kid"] == CLOUDFLARE.kid
    assert claims["exp"] == str(NOW + 3600)


def test_created_signing_keys_come_from_the_source() -> None:
    with Sandbox(clock=FakeClock(NOW), keys=given_keys()) as sandbox, api_for(sandbox) as api:
        first, second = create_key(api), create_key(api)
    assert [first["id"], second["id"]] == [key.kid for key in MADE]
    assert MADE[0].same_key(load_api_pem(first["pem"]))


def test_by_default_every_created_key_is_new() -> None:
    with Sandbox(clock=FakeClock(NOW)) as sandbox, api_for(sandbox) as api:
        first, second = create_key(api), create_key(api)
    assert first["id"] != second["id"]
    assert first["pem"] != second["pem"]
