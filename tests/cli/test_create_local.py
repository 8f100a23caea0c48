"""`create --local` (signed here, no request) and `create --key` (signed by Cloudflare with a
held key), against the sandbox."""

from __future__ import annotations

import json

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Run


def new_key(cli: Run) -> str:
    result = cli("keys", "create")
    assert result.code == 0, result.err
    return result.out.strip()


def test_local_token_plays_and_no_request_is_sent(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    key_id = new_key(cli)
    sb.clear()

    result = cli(
        "create", signed_uid, "--local", "--exp", "2h", "--downloadable",
        "--rule", "allow country US,MX", "--rule", "block any",
    )  # fmt: skip

    assert result.code == 0, result.err
    assert sb.requests == []
    token = result.out.strip()
    decoded = decode_token(token)
    assert decoded.header == {"alg": "RS256", "kid": key_id}
    assert decoded.claims["downloadable"] is True
    assert sb.verify_playback_token(token, signed_uid, country="MX").allowed
    assert not sb.verify_playback_token(token, signed_uid, country="DE").allowed


def test_local_urls_use_the_profiles_customer_code_without_a_request(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    new_key(cli)
    cli("profiles", "add", work, "--customer-code", "abc123")
    sb.clear()

    result = cli("create", signed_uid, "--local", "-o", "watch")

    assert result.code == 0, result.err
    assert result.out.startswith("https://customer-abc123.cloudflarestream.com/ey")
    assert sb.requests == []


def test_local_urls_without_a_code_fetch_the_video_once(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    new_key(cli)
    sb.clear()

    result = cli("create", signed_uid, "--local", "-o", "json")

    assert result.code == 0, result.err
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in sb.requests] == [("GET", signed_uid)]
    assert "fetched" in result.err
    doc = json.loads(result.out)
    assert sb.DEMO_CUSTOMER_CODE in doc["urls"]["iframe"]


def test_several_keys_need_a_choice_or_a_default(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    first, second = new_key(cli), new_key(cli)

    ambiguous = cli("create", signed_uid, "--local")
    assert ambiguous.code == 2
    assert first in ambiguous.err and second in ambiguous.err
    assert "--key" in ambiguous.err

    chosen = cli("create", signed_uid, "--local", "--key", first)
    assert chosen.code == 0, chosen.err
    assert decode_token(chosen.out.strip()).kid == first

    assert cli("profiles", "add", work, "--default-key", second).code == 0
    by_default = cli("create", signed_uid, "--local")
    assert by_default.code == 0, by_default.err
    assert decode_token(by_default.out.strip()).kid == second


def test_local_without_any_key_is_2(cli: Run, work: str, signed_uid: str) -> None:
    result = cli("create", signed_uid, "--local")

    assert result.code == 2
    assert "keys create" in result.err


def test_local_still_validates_before_signing(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    new_key(cli)

    result = cli("create", signed_uid, "--local", "--exp", "30h")

    assert result.code == 2
    assert "24 hours" in result.err
    assert result.out == ""


def test_key_without_local_asks_cloudflare_to_sign_with_it(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    key_id = new_key(cli)
    sb.clear()

    result = cli("create", signed_uid, "--key", key_id)

    assert result.code == 0, result.err
    (post,) = sb.requests
    assert post.method == "POST" and post.path.endswith("/token")
    assert post.json is not None and post.json["id"] == key_id and post.json["pem"]
    token = result.out.strip()
    assert decode_token(token).kid == key_id
    assert sb.verify_playback_token(token, signed_uid).allowed
    assert post.json["pem"] not in result.err


def test_sandbox_local_uses_a_throwaway_key_in_memory(
    cli: Run, memory_keyring: MemoryKeyring
) -> None:
    uid = "ea95132c15732412d22c1476fa83f27a"

    result = cli("--sandbox", "create", uid, "--local")

    assert result.code == 0, result.err
    assert decode_token(result.out.strip()).sub == uid
    assert "held in memory" in result.err
    assert memory_keyring.store == {}
