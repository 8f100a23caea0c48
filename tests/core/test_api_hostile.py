"""The Stream client against hostile or broken API servers, over real loopback HTTP: answers too
big to be Cloudflare's (a gzip bomb, 200 MB with and without a length), compression that does
not decompress, JSON nested past the parser, a "token" that is not one, absurd waits, and a
connection that breaks after a request that creates a key. Each ends as a sentence (an ApiError
kind), never a crash, and none costs more memory than the bound on an answer."""

from __future__ import annotations

import gzip
import json
import re
import socket
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from cfstream_gui.core.cloudflare import (
    ApiError,
    BadResponse,
    NetworkError,
    RateLimited,
    ServerError,
    StreamClient,
)
from cfstream_gui.core.cloudflare._envelope import parse_retry_after
from cfstream_gui.core.cloudflare._errors import human_duration
from cfstream_gui.core.keys.service import KeyService
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from tests.support.hostile import (
    MIB,
    RawServer,
    gzip_bomb,
    head,
    nested_json,
    reset,
    send_chunked,
    send_counted,
)

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
TOKEN = Sandbox.DEMO_API_TOKEN
JSON = {"Content-Type": "application/json"}
GZIP_JSON = {**JSON, "Content-Encoding": "gzip"}
TOO_LARGE = "The API's answer is larger than 4 MB"
# A bounded read holds about the bound (4 MiB) and a piece; an unbounded one holds the lot.
MEMORY_CEILING = 32 * MIB


@pytest.fixture(scope="module")
def running_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sb(running_sandbox: Sandbox) -> Iterator[Sandbox]:
    running_sandbox.clear()
    yield running_sandbox
    running_sandbox.clear()


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client(base_url: str, sleeps: Sleeps | None = None) -> StreamClient:
    return StreamClient(TOKEN, base_url=base_url, env={}, sleep=sleeps or Sleeps())


def envelope(result: Any) -> dict[str, Any]:
    return {"success": True, "errors": [], "messages": [], "result": result}


async def peak_memory(call: Callable[[], Awaitable[object]]) -> tuple[BaseException, int]:
    """The error `call` raised and the most memory Python held at once while it ran."""
    tracemalloc.start()
    try:
        with pytest.raises(BadResponse) as caught:
            await call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, peak


# --- answers too big to be Cloudflare's -------------------------------------------------------


@pytest.mark.asyncio
async def test_a_gzip_bomb_is_refused_without_inflating_it(sb: Sandbox) -> None:
    bomb = gzip_bomb(1024)  # 1 GiB of zeros in about 1 MB
    sb.inject_fault(Fault(200, bomb, headers=GZIP_JSON))
    async with client(sb.base_url) as api:
        error, peak = await peak_memory(lambda: api.list_videos(ACCOUNT))
    assert peak < MEMORY_CEILING, f"{peak / MIB:.0f} MiB held for a 4 MiB bound"
    assert str(error).startswith(TOO_LARGE)
    assert "Cloudflare's API" in str(error)  # what to check: the base URL
    assert len(sb.requests) == 1  # a bigger answer will not come out smaller: no retry


@pytest.mark.asyncio
async def test_a_long_answer_with_its_length_declared_is_refused_unread() -> None:
    piece = b" " * MIB
    with RawServer(lambda conn: send_counted(conn, piece, 200, **JSON)) as server:
        async with client(server.base_url) as api:
            error, peak = await peak_memory(lambda: api.get_video(ACCOUNT, "a" * 32))
    assert peak < MEMORY_CEILING, f"{peak / MIB:.0f} MiB held for a 4 MiB bound"
    assert str(error).startswith(TOO_LARGE)


@pytest.mark.asyncio
async def test_a_long_answer_of_unknown_length_is_cut_off_at_the_bound() -> None:
    piece = b" " * MIB
    with RawServer(lambda conn: send_chunked(conn, piece, 200, **JSON)) as server:
        async with client(server.base_url) as api:
            error, peak = await peak_memory(lambda: api.get_video(ACCOUNT, "a" * 32))
    assert peak < MEMORY_CEILING, f"{peak / MIB:.0f} MiB held for a 4 MiB bound"
    assert str(error).startswith(TOO_LARGE)


@pytest.mark.asyncio
async def test_a_gzipped_answer_just_over_the_bound_is_refused(sb: Sandbox) -> None:
    # Not a bomb: ordinary JSON a little over 4 MiB once inflated, about 100 KB on the wire.
    body = json.dumps(envelope([{"uid": "a" * 32, "meta": {"note": " " * 4096}}] * 1100))
    sb.inject_fault(Fault(200, gzip.compress(body.encode()), headers=GZIP_JSON))
    async with client(sb.base_url) as api:
        with pytest.raises(BadResponse, match=TOO_LARGE):
            await api.list_videos(ACCOUNT)


@pytest.mark.asyncio
@pytest.mark.parametrize("compressed", [False, True])
async def test_a_list_of_a_thousand_videos_is_read_in_full(sb: Sandbox, compressed: bool) -> None:
    # The largest answer the app asks for; the bound must leave it plenty of room.
    videos = [{**video, "uid": f"{n:032x}"} for n, video in enumerate(sb.videos * 167)][:1000]
    body = json.dumps(envelope(videos)).encode()
    headers = GZIP_JSON if compressed else JSON
    sb.inject_fault(Fault(200, gzip.compress(body) if compressed else body, headers=headers))
    async with client(sb.base_url) as api:
        listed = await api.list_videos(ACCOUNT)
    assert listed == videos


# --- bodies that do not decode -----------------------------------------------------------------


BROKEN = {
    "not gzip at all": (b"\x1f\x8b\x08\x00 this is not deflate data", "gzip"),
    "cut short": (gzip.compress(json.dumps(envelope({"uid": "x"})).encode())[:-12], "gzip"),
    "deflate that is not": (b"\x78\x9c\xff\xff\xff", "deflate"),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(BROKEN))
async def test_compression_that_does_not_decompress_is_a_bad_response(
    sb: Sandbox, name: str
) -> None:
    body, coding = BROKEN[name]
    sb.inject_fault(Fault(200, body, headers={**JSON, "Content-Encoding": coding}))
    async with client(sb.base_url) as api:
        with pytest.raises(BadResponse) as caught:
            await api.create_token(ACCOUNT, TokenRequest(video_uid=sb.video_uids()[0]))
    assert caught.value.message == "The API's answer is compressed, but it does not decompress."


@pytest.mark.asyncio
async def test_an_encoding_that_was_not_asked_for_is_a_bad_response(sb: Sandbox) -> None:
    sb.inject_fault(Fault(200, b"\x0b\x02\x80{}\x03", headers={**JSON, "Content-Encoding": "br"}))
    async with client(sb.base_url) as api:
        with pytest.raises(BadResponse, match="compressed as “br”, which was not asked for"):
            await api.get_video(ACCOUNT, sb.video_uids()[0])
    # What the client offers is what it can read with a bound.
    assert sb.requests[0].headers["accept-encoding"] == "gzip"


@pytest.mark.asyncio
@pytest.mark.parametrize("depth", [100_000, 500])
async def test_json_nested_too_deep_is_a_bad_response(sb: Sandbox, depth: int) -> None:
    # 100,000 levels break json.loads itself; 500 would break whatever walked it next.
    sb.inject_fault(Fault(200, nested_json(depth), headers=JSON))
    async with client(sb.base_url) as api:
        with pytest.raises(BadResponse) as caught:
            await api.list_videos(ACCOUNT)
    assert caught.value.message == (
        "Cloudflare answered HTTP 200 with JSON nested more than 64 levels deep."
    )


@pytest.mark.asyncio
async def test_an_error_code_of_a_thousand_digits_does_not_break_the_report(sb: Sandbox) -> None:
    errors = [{"code": "9" * 5000, "message": "boom"}]
    body = {"success": False, "errors": errors, "messages": [], "result": None}
    sb.inject_fault(Fault(400, body))
    async with client(sb.base_url) as api:
        with pytest.raises(ApiError) as caught:
            await api.get_video(ACCOUNT, sb.video_uids()[0])
    assert caught.value.message == "Cloudflare rejected the request with HTTP 400 (boom)."
    assert caught.value.code is None


# --- a token that is not one -------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "token",
    ["not-a-token", "a.b", "a.b.c.d", "a.b.", "a b.c.d", "a.b.c\n", "é.é.é", "a=.b=.c=", "<x>.y.z"],
)
async def test_a_token_that_is_not_a_signed_token_is_a_bad_response(
    sb: Sandbox, token: str
) -> None:
    sb.inject_fault(Fault(200, envelope({"token": token}), path_contains="/token"))
    async with client(sb.base_url) as api:
        with pytest.raises(BadResponse) as caught:
            await api.create_token(ACCOUNT, TokenRequest(video_uid=sb.video_uids()[0]))
    assert "not a signed token (three base64url parts joined by dots)" in str(caught.value)
    assert token not in str(caught.value)


# --- waits nobody can wait ---------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "retry_after", ["1e308", "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT", "86401"]
)
async def test_an_absurd_retry_after_is_more_than_a_day_and_never_waited(
    sb: Sandbox, retry_after: str
) -> None:
    sb.inject_fault(Fault(429, headers={"Retry-After": retry_after}))
    sleeps = Sleeps()
    async with client(sb.base_url, sleeps) as api:
        with pytest.raises(RateLimited) as caught:
            await api.get_video(ACCOUNT, sb.video_uids()[0])
    error = caught.value
    assert "Wait more than a day before sending more requests" in str(error)
    assert not re.search(r"\d{4,}", str(error))  # no 300-digit number of hours
    assert error.retry_after is not None and 86400 < error.retry_after <= 2 * 86400
    assert sleeps.calls == []


def test_retry_after_values_are_held_between_zero_and_two_days() -> None:
    assert parse_retry_after("1e308") == parse_retry_after("9" * 5000) == 2 * 86400.0
    assert parse_retry_after("-1e308") == 0.0
    for junk in ("nan", "inf", "-inf", "1_000", "１２"):
        assert parse_retry_after(junk) is None


def test_human_duration_says_more_than_a_day_past_a_day() -> None:
    assert human_duration(86400) == "24 hours"
    for seconds in (86401.0, 1e308, float("inf"), float("nan")):
        assert human_duration(seconds) == "more than a day"


# --- requests that create something, whose answer is lost -------------------------------------


KEY_MAY_EXIST = (
    "Cloudflare may have created the key all the same, without its private half reaching you: "
    "run `cfstream-token keys list` (or open Signing keys) to check, and revoke a key that is "
    "not held here."
)


def posts(sb: Sandbox) -> int:
    return sum(1 for r in sb.requests if r.method == "POST" and r.path.endswith("/stream/keys"))


@pytest.mark.asyncio
async def test_a_connection_dropped_after_the_key_post_says_the_key_may_exist(sb: Sandbox) -> None:
    sb.inject_fault(Fault(status=None, disconnect=True, method="POST", path_contains="/keys"))
    async with client(sb.base_url) as api:
        with pytest.raises(NetworkError) as caught:
            await api.create_signing_key(ACCOUNT)
    assert caught.value.message == (
        "The connection to 127.0.0.1 broke after the request was sent, before the answer arrived."
    )
    assert caught.value.hint == KEY_MAY_EXIST
    assert posts(sb) == 1  # not tried again: a second try could make a second key


@pytest.mark.asyncio
async def test_a_reset_in_the_middle_of_the_key_answer_says_the_key_may_exist() -> None:
    def half_an_answer(conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Length": "4000", **JSON}) + b'{"success": true, "res')
        reset(conn)

    with RawServer(half_an_answer) as server:
        async with client(server.base_url) as api:
            with pytest.raises(NetworkError) as caught:
                await api.create_signing_key(ACCOUNT)
        assert [r.method for r in server.received] == ["POST"]
    assert caught.value.hint == KEY_MAY_EXIST


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "fault",
    [
        Fault(502, "<html>Bad gateway</html>", method="POST"),
        Fault(200, gzip_bomb(64), headers=GZIP_JSON, method="POST"),
        Fault(200, envelope({"id": "a" * 32, "pem": "", "jwk": ""}), method="POST"),
        Fault(200, envelope({"id": "\x1b]0;x\x07", "pem": "eA", "jwk": "eA"}), method="POST"),
    ],
    ids=["server error", "unreadable", "incomplete", "odd id"],
)
async def test_any_unclear_answer_to_the_key_post_says_the_key_may_exist(
    sb: Sandbox, fault: Fault
) -> None:
    sb.inject_fault(fault)
    async with client(sb.base_url) as api:
        with pytest.raises((ServerError, BadResponse)) as caught:
            await api.create_signing_key(ACCOUNT)
    assert caught.value.hint == KEY_MAY_EXIST
    assert posts(sb) == 1


@pytest.mark.asyncio
async def test_a_lost_token_answer_is_asked_again(sb: Sandbox) -> None:
    # /token keeps nothing on Cloudflare's side, so asking twice makes nothing twice.
    sb.inject_fault(Fault(status=None, disconnect=True, path_contains="/token"))
    uid = sb.video_uids(signed=True)[0]
    async with client(sb.base_url) as api:
        token = await api.create_token(ACCOUNT, TokenRequest(video_uid=uid))
    assert sb.verify_playback_token(token, uid).allowed
    assert [r.path.endswith("/token") for r in sb.requests] == [True, True]


@pytest.mark.asyncio
async def test_a_key_answer_that_is_not_a_key_is_a_bad_response_not_a_keyring_error(
    sb: Sandbox,
) -> None:
    key_id = "0123456789abcdef0123456789abcdef"
    answer = envelope({"id": key_id, "pem": "bm90IGEga2V5", "jwk": "bm90IGEgandr"})
    sb.inject_fault(Fault(200, answer, method="POST", path_contains="/keys"))
    keyring = MemoryKeyring()
    async with client(sb.base_url) as api:
        service = KeyService(api, SecretStore(keyring), "work", ACCOUNT)
        with pytest.raises(BadResponse) as caught:
            await service.create()
    message = str(caught.value)
    assert message.startswith(f"Signing key {key_id} was created, but Cloudflare's answer could")
    assert f"`cfstream-token keys revoke {key_id}`" in message
    assert "bm90IGEga2V5" not in message and keyring.store == {}
