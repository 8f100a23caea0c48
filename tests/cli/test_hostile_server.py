"""`cfstream-token` against a hostile or broken API server: every odd answer is a sentence and
the exit code scripts branch on (3: the answer is bad, 4: no answer), never "internal error",
never a traceback, never a number nobody can read, never key material."""

from __future__ import annotations

import base64
import json
import re
import socket
from collections.abc import Callable, Iterator

import pytest

from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Result, Run
from tests.support.hostile import (
    MIB,
    RawServer,
    Respond,
    gzip_bomb,
    head,
    nested_json,
    reset,
    send_chunked,
)

JSON = {"Content-Type": "application/json"}
KEY_ID = "0123456789abcdef0123456789abcdef"


def envelope(result: object) -> dict[str, object]:
    return {"success": True, "errors": [], "messages": [], "result": result}


def assert_sentence(result: Result, code: int, *phrases: str) -> None:
    assert result.code == code, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert not re.search(r"\d{12,}", result.err)  # nothing like a 300-digit number of hours
    for phrase in phrases:
        assert phrase in result.err


@pytest.fixture
def hostile(cli: Run) -> Iterator[Callable[[Respond], RawServer]]:
    """A profile "hostile" pointed at a raw server that answers with the given responder."""
    servers: list[RawServer] = []

    def start(respond: Respond) -> RawServer:
        server = RawServer(respond).__enter__()
        servers.append(server)
        added = cli(
            "profiles", "add", "hostile", "--account", Sandbox.DEMO_ACCOUNT_ID,
            "--base-url", server.base_url, "--use",
        )  # fmt: skip
        assert added.code == 0, added.err
        SecretStore().set_api_token("hostile", Sandbox.DEMO_API_TOKEN)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


# --- the answer to `create` --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "phrase"),
    [
        (
            Fault(200, gzip_bomb(256), headers={**JSON, "Content-Encoding": "gzip"}),
            "error: The API's answer is larger than 4 MB",
        ),
        (
            Fault(200, b"\x1f\x8b\x08\x00 no", headers={**JSON, "Content-Encoding": "gzip"}),
            "error: The API's answer is compressed, but it does not decompress.",
        ),
        (
            Fault(200, nested_json(100_000), headers=JSON),
            "error: Cloudflare answered HTTP 200 with JSON nested more than 64 levels deep.",
        ),
    ],
    ids=["gzip bomb", "broken gzip", "nested json"],
)
def test_an_answer_that_cannot_be_read_is_3(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, fault: Fault, phrase: str
) -> None:
    sb.inject_fault(fault)

    result = cli("create", signed_uid)

    assert_sentence(result, 3, phrase, "hint: ")
    assert result.out == ""


def test_a_200_mb_answer_is_3_and_is_not_read(
    cli: Run, signed_uid: str, hostile: Callable[[Respond], RawServer]
) -> None:
    hostile(lambda conn: send_chunked(conn, b" " * MIB, 200, **JSON))

    result = cli("create", signed_uid)

    assert_sentence(result, 3, "larger than 4 MB", "hint: Check the API base URL")


@pytest.mark.parametrize("output", ["token", "json", "hls", "iframe", "embed"])
@pytest.mark.parametrize("token", ["not-a-token", "a.b.c.d", "\x1b]0;owned\x07.b.c"])
def test_a_token_that_is_not_a_signed_token_is_3_for_every_output(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, token: str, output: str
) -> None:
    sb.inject_fault(Fault(200, envelope({"token": token}), path_contains="/token"))

    result = cli("create", signed_uid, "--output", output)

    assert_sentence(result, 3, "not a signed token")
    assert result.out == "" and token not in result.err


def jws(claims: dict[str, object]) -> str:
    """A JWS-shaped token with these claims and a dummy signature (what a broken server might
    hand out: well formed, nonsense inside)."""

    def part(value: object) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': KEY_ID})}.{part(claims)}.c2ln"


@pytest.mark.parametrize("exp", [1e308, 10**30, -(10**30)])
def test_json_output_of_a_token_with_an_absurd_expiry_is_not_an_internal_error(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, exp: float
) -> None:
    token = jws({"sub": signed_uid, "kid": KEY_ID, "exp": exp, "nbf": exp})
    sb.inject_fault(Fault(200, envelope({"token": token}), path_contains="/token"))

    result = cli("create", signed_uid, "--output", "json")

    assert_sentence(result, 0)
    document = json.loads(result.out)
    assert document["expires"] is None and document["not_before"] is None  # no calendar date
    assert document["token"] == token


@pytest.mark.parametrize("retry_after", ["1e308", "9" * 400])
def test_an_absurd_retry_after_says_more_than_a_day(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, retry_after: str
) -> None:
    sb.inject_fault(Fault(429, headers={"Retry-After": retry_after}))

    result = cli("create", signed_uid)

    assert_sentence(result, 3, "Wait more than a day before sending more requests")
    assert len(sb.requests) == 1


# --- the answer to `keys create` ---------------------------------------------------------------


def key_posts(sb: Sandbox) -> int:
    return sum(1 for r in sb.requests if r.method == "POST" and r.path.endswith("/stream/keys"))


def test_a_dropped_connection_after_the_key_post_is_4_and_says_how_to_check(
    sb: Sandbox, cli: Run, work: str
) -> None:
    sb.inject_fault(Fault(status=None, disconnect=True, method="POST", path_contains="/keys"))

    result = cli("keys", "create")

    assert_sentence(
        result,
        4,
        "network error: The connection to 127.0.0.1 broke after the request was sent",
        "hint: Cloudflare may have created the key",
        "cfstream-token keys list",
    )
    assert key_posts(sb) == 1  # never sent twice: that could make two keys


def test_a_reset_in_the_middle_of_the_key_answer_is_4(
    cli: Run, hostile: Callable[[Respond], RawServer]
) -> None:
    def half_an_answer(conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Length": "4000", **JSON}) + b'{"success": true, "res')
        reset(conn)

    server = hostile(half_an_answer)

    result = cli("keys", "create")

    assert_sentence(result, 4, "Cloudflare may have created the key", "keys list")
    assert [r.method for r in server.received] == ["POST"]
    assert result.out == ""


def test_an_unreadable_key_in_the_answer_is_3_not_a_keyring_error(
    sb: Sandbox, cli: Run, work: str
) -> None:
    answer = envelope({"id": KEY_ID, "pem": "bm90IGEga2V5", "jwk": "bm90IGEgandr"})
    sb.inject_fault(Fault(200, answer, method="POST", path_contains="/keys"))

    result = cli("keys", "create")

    assert_sentence(
        result,
        3,
        f"error: Signing key {KEY_ID} was created, but Cloudflare's answer could not be read",
        f"hint: Revoke it (`cfstream-token keys revoke {KEY_ID}`",
    )
    assert "keyring error" not in result.err
    assert "bm90IGEga2V5" not in result.out + result.err
    assert SecretStore().list_signing_key_ids("work") == []
