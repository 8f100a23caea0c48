"""Narrow unit tests of the Stream API client over httpx.MockTransport: envelope traps, the
exception tree and its sentences, retries and rate limits, request bodies, base URL rules."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from cfstream_gui import __version__
from cfstream_gui.core.cloudflare import (
    ApiError,
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    RateLimited,
    RateLimitInfo,
    ServerError,
    StreamClient,
    resolve_base_url,
)
from cfstream_gui.core.cloudflare._envelope import parse_ratelimit, parse_retry_after
from cfstream_gui.core.cloudflare._errors import human_duration
from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.models import AccessRule, TokenRequest

TOKEN = "cfut_Zq7SECRETxx0123456789abcdefghijklmnopQRS"
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
UID = "ea95132c15732412d22c1476fa83f27a"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlYTk1In0.c2ln"
BASE = "https://api.cloudflare.com/client/v4"

Reply = httpx.Response | Exception


def envelope(result: Any = None, *, success: bool = True, errors: Any = ()) -> dict[str, Any]:
    return {"result": result, "success": success, "errors": list(errors), "messages": []}


def failure(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    body = envelope(None, success=False, errors=[{"code": code, "message": message}])
    return httpx.Response(status, json=body, headers=headers)


def ok(result: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=envelope(result), headers=headers)


class Api:
    """A scripted Cloudflare: answers the queued replies in order (the last one repeats) and
    records every request and every backoff sleep."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(self, token: str | None = TOKEN, **kwargs: Any) -> StreamClient:
        kwargs.setdefault("rng", random.Random(1234))
        return StreamClient(
            token, env={}, transport=httpx.MockTransport(self.handle), sleep=self.sleep, **kwargs
        )


def assert_safe_sentence(error: ApiError) -> None:
    text = str(error)
    assert TOKEN not in text and TOKEN not in repr(error)
    assert "Traceback" not in text
    assert text.endswith(".") and text[0].isupper()
    assert error.hint and error.hint in text


# --- requests on the wire -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_empty_token_request_sends_empty_object_with_headers() -> None:
    api = Api(ok({"token": JWT}))
    async with api.client() as client:
        token = await client.create_token(ACCOUNT, TokenRequest(video_uid=UID))
    assert token == JWT
    [request] = api.requests
    assert request.method == "POST"
    assert str(request.url) == f"{BASE}/accounts/{ACCOUNT}/stream/{UID}/token"
    assert request.content == b"{}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"] == f"cfstream-gui/{__version__}"


@pytest.mark.asyncio
async def test_full_token_request_body_is_exact() -> None:
    request = TokenRequest(
        video_uid=UID,
        exp=1_700_003_600,
        nbf=1_700_000_000,
        downloadable=True,
        access_rules=(
            AccessRule("allow", "ip.geoip.country", ("US", "MX")),
            AccessRule("allow", "ip.src", ("93.184.216.0/24",)),
            AccessRule("block", "any"),
        ),
        key_id="8f926b2b01f3835170025a78a4dcbf6a",
        pem="LS0tLS1CRUdJTg==",
    )
    api = Api(ok({"token": JWT}))
    async with api.client() as client:
        await client.create_token(ACCOUNT, request)
    assert api.requests[0].content == (
        b'{"id":"8f926b2b01f3835170025a78a4dcbf6a","accessRules":['
        b'{"type":"ip.geoip.country","action":"allow","country":["US","MX"]},'
        b'{"type":"ip.src","action":"allow","ip":["93.184.216.0/24"]},'
        b'{"type":"any","action":"block"}],'
        b'"downloadable":true,"exp":1700003600,"nbf":1700000000,"pem":"LS0tLS1CRUdJTg=="}'
    )


@pytest.mark.asyncio
async def test_path_segments_are_quoted() -> None:
    api = Api(ok({"token": JWT}))
    async with api.client() as client:
        await client.create_token(ACCOUNT, TokenRequest(video_uid="a/../b?c#d"))
    assert (
        api.requests[0].url.raw_path
        == f"/client/v4/accounts/{ACCOUNT}/stream/a%2F..%2Fb%3Fc%23d/token".encode()
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("uid", ["", "   ", "..", "."])
async def test_unusable_ids_are_refused_before_sending(uid: str) -> None:
    api = Api(ok({"token": JWT}))
    async with api.client() as client:
        with pytest.raises(ValueError, match="video ID"):
            await client.create_token(ACCOUNT, TokenRequest(video_uid=uid))
    assert api.requests == []


@pytest.mark.asyncio
async def test_list_videos_sends_search_and_limit() -> None:
    api = Api(ok([{"uid": UID}]))
    async with api.client() as client:
        videos = await client.list_videos(ACCOUNT, search="cats & dogs", limit=50)
        with pytest.raises(ValueError, match="between 1 and 1000"):
            await client.list_videos(ACCOUNT, limit=0)
    assert videos == [{"uid": UID}]
    assert api.requests[0].url.params == httpx.QueryParams({"search": "cats & dogs", "limit": "50"})
    assert len(api.requests) == 1


@pytest.mark.asyncio
async def test_one_http_client_is_reused_and_its_token_never_changes() -> None:
    api = Api(ok({"uid": UID}))
    client = api.client(token=f"  {TOKEN}\n")
    await client.get_video(ACCOUNT, UID)
    first = client._http
    # Other credentials mean another client: a live client's token cannot be reassigned.
    with pytest.raises(AttributeError):
        client.api_token = "cfat_other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        client.credentials = Credentials.of("cfat_other", Origin.TYPED)  # type: ignore[misc]
    await client.get_video(ACCOUNT, UID)
    assert client._http is first
    await client.aclose()
    assert [r.headers["authorization"] for r in api.requests] == [f"Bearer {TOKEN}"] * 2


@pytest.mark.asyncio
@pytest.mark.parametrize("token", [None, "", "  \n"])
async def test_no_token_fails_before_sending(token: str | None) -> None:
    api = Api(ok({"uid": UID}))
    async with api.client(token=token) as client:
        with pytest.raises(AuthError) as caught:
            await client.get_video(ACCOUNT, UID)
    assert str(caught.value).startswith("No API token")
    assert caught.value.status is None
    assert api.requests == []


# --- envelope traps -------------------------------------------------------------------------


TRAPS: dict[str, tuple[httpx.Response, type[ApiError], str]] = {
    "success false with 200": (
        httpx.Response(
            200,
            json=envelope(None, success=False, errors=[{"code": 10005, "message": "exp too far"}]),
        ),
        BadResponse,
        "Cloudflare answered HTTP 200 but reported a failure (code 10005: exp too far).",
    ),
    "success false with 200 and no errors": (
        httpx.Response(200, json=envelope(None, success=False)),
        BadResponse,
        "Cloudflare answered HTTP 200 but reported a failure and gave no reason.",
    ),
    "auth failure with 200": (
        httpx.Response(
            200,
            json=envelope(
                None, success=False, errors=[{"code": 10000, "message": "Authentication error"}]
            ),
        ),
        AuthError,
        "Cloudflare refused the API token (code 10000: Authentication error).",
    ),
    "result null": (ok(None), BadResponse, "Cloudflare reported success but sent no token."),
    "result without token": (ok({}), BadResponse, "Cloudflare reported success but sent no token."),
    "empty token": (
        ok({"token": ""}),
        BadResponse,
        "Cloudflare reported success but sent no token.",
    ),
    "html page": (
        httpx.Response(
            200,
            text="<!DOCTYPE html><html>Just a moment...</html>",
            headers={"content-type": "text/html"},
        ),
        BadResponse,
        "Cloudflare answered HTTP 200 with an HTML page instead of JSON.",
    ),
    "empty body": (
        httpx.Response(200),
        BadResponse,
        "Cloudflare answered HTTP 200 with an empty body instead of JSON.",
    ),
    "plain text": (
        httpx.Response(200, text="OK"),
        BadResponse,
        "Cloudflare answered HTTP 200 with a body that is not JSON.",
    ),
    "json but no envelope": (
        httpx.Response(200, json={"token": JWT}),
        BadResponse,
        "Cloudflare answered HTTP 200 with JSON that is not a Cloudflare API answer.",
    ),
    "redirect": (
        httpx.Response(301, headers={"location": "https://example.com/"}),
        BadResponse,
        "Cloudflare answered HTTP 301 (a redirect), which its API never does.",
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(TRAPS))
async def test_envelope_traps_raise_the_right_error(name: str) -> None:
    response, kind, sentence = TRAPS[name]
    api = Api(response)
    async with api.client() as client:
        with pytest.raises(ApiError) as caught:
            await client.create_token(ACCOUNT, TokenRequest(video_uid=UID))
    assert type(caught.value) is kind
    assert caught.value.message == sentence
    assert_safe_sentence(caught.value)
    assert len(api.requests) == 1  # none of these is worth a retry


@pytest.mark.asyncio
async def test_wrong_result_shapes_for_video_calls() -> None:
    api = Api(ok(None), ok({"uid": UID}))
    async with api.client() as client:
        with pytest.raises(BadResponse, match="no video details"):
            await client.get_video(ACCOUNT, UID)
        with pytest.raises(BadResponse, match="no list of videos"):
            await client.list_videos(ACCOUNT)


# --- status codes -> exception tree --------------------------------------------------------


STATUS_CASES: list[tuple[httpx.Response, type[ApiError], int | None, str]] = [
    (
        failure(401, 10000, "Authentication error"),
        AuthError,
        10000,
        "Cloudflare refused the API token (code 10000: Authentication error). Check the token has "
        "Stream Edit permission for this account.",
    ),
    (
        failure(403, 10000, "Authentication error"),
        AuthError,
        10000,
        "Cloudflare refused the API token",
    ),
    (failure(400, 1000, "Invalid API Token"), AuthError, 1000, "(code 1000: Invalid API Token)"),
    (
        httpx.Response(403, text="<html>blocked</html>"),
        AuthError,
        None,
        "HTTP 403 with an HTML page",
    ),
    (failure(404, 10003, "Not Found"), NotFound, 10003, f"could not find video '{UID}' in account"),
    (failure(429, 971, "Please wait"), RateLimited, 971, "rate limit for this account was reached"),
    (failure(500, 10002, "Internal server error"), ServerError, 10002, "server error (code 10002"),
    (
        httpx.Response(502, text="<html><body>Bad gateway</body></html>"),
        ServerError,
        None,
        "Cloudflare answered HTTP 502 with an HTML page instead of JSON.",
    ),
    (
        failure(400, 10005, "accessRules: too many rules"),
        ApiError,
        10005,
        "HTTP 400 (code 10005: accessRules",
    ),
    (failure(409, 10009, "conflict"), ApiError, 10009, "rejected the request with HTTP 409"),
    (
        httpx.Response(422, json={"success": False, "errors": [], "result": None}),
        ApiError,
        None,
        "HTTP 422.",
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("response", "kind", "code", "text"), STATUS_CASES)
async def test_status_becomes_exception_with_sentence(
    response: httpx.Response, kind: type[ApiError], code: int | None, text: str
) -> None:
    api = Api(response)
    async with api.client(max_retries=0) as client:
        with pytest.raises(ApiError) as caught:
            await client.create_token(ACCOUNT, TokenRequest(video_uid=UID))
    error = caught.value
    assert type(error) is kind
    assert error.status == response.status_code
    assert error.code == code
    assert text in str(error)
    if code is not None:
        assert error.cf_message == response.json()["errors"][0]["message"]
        assert [e.code for e in error.errors] == [code]
    assert_safe_sentence(error)


@pytest.mark.asyncio
async def test_token_echoed_by_server_is_hidden() -> None:
    api = Api(failure(400, 6111, f"Invalid format for Authorization header: Bearer {TOKEN}"))
    async with api.client() as client:
        with pytest.raises(ApiError) as caught:
            await client.get_video(ACCOUNT, UID)
    assert TOKEN not in str(caught.value) and TOKEN not in (caught.value.cf_message or "")
    assert "<API token>" in str(caught.value)


@pytest.mark.asyncio
async def test_odd_error_items_do_not_crash_the_report() -> None:
    body = {"success": False, "result": None, "errors": ["plain words", {"code": "7003"}, {}]}
    api = Api(httpx.Response(400, json=body))
    async with api.client() as client:
        with pytest.raises(ApiError) as caught:
            await client.get_video(ACCOUNT, UID)
    assert caught.value.code is None and caught.value.cf_message == "plain words"
    assert [e.code for e in caught.value.errors] == [None, 7003, None]


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_never_retried(status: int) -> None:
    api = Api(failure(status, 10005, "nope"), ok({"token": JWT}))
    async with api.client() as client:
        with pytest.raises(ApiError):
            await client.create_token(ACCOUNT, TokenRequest(video_uid=UID))
    assert len(api.requests) == 1 and api.sleeps == []


# --- retries and backoff --------------------------------------------------------------------


def expected_backoff(seed: int, count: int) -> list[float]:
    rng = random.Random(seed)
    return [min(0.5 * 2**n, 8.0) * rng.uniform(0.75, 1.0) for n in range(count)]


@pytest.mark.asyncio
async def test_server_errors_are_retried_with_jittered_backoff() -> None:
    api = Api(failure(500, 10002, "x"), failure(503, 10002, "x"), ok({"token": JWT}))
    async with api.client(rng=random.Random(5)) as client:
        assert await client.create_token(ACCOUNT, TokenRequest(video_uid=UID)) == JWT
    assert len(api.requests) == 3
    assert api.sleeps == expected_backoff(5, 2)
    assert 0.375 <= api.sleeps[0] <= 0.5 and 0.75 <= api.sleeps[1] <= 1.0


@pytest.mark.asyncio
async def test_backoff_is_capped_at_eight_seconds() -> None:
    api = Api(failure(500, 10002, "x"))
    async with api.client(max_retries=7, rng=random.Random(9)) as client:
        with pytest.raises(ServerError):
            await client.get_video(ACCOUNT, UID)
    assert len(api.requests) == 8
    assert api.sleeps == expected_backoff(9, 7)
    assert all(6.0 <= s <= 8.0 for s in api.sleeps[4:])


@pytest.mark.asyncio
async def test_retries_give_up_after_max_retries() -> None:
    api = Api(failure(500, 10002, "x"))
    async with api.client(max_retries=0) as client:
        with pytest.raises(ServerError):
            await client.get_video(ACCOUNT, UID)
    assert len(api.requests) == 1 and api.sleeps == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("exc", "sentence"),
    [
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            "Could not connect to api.cloudflare.com.",
        ),
        (
            httpx.ConnectTimeout("timed out"),
            "Could not connect to api.cloudflare.com within 5 seconds.",
        ),
        (
            httpx.ReadTimeout("timed out"),
            "The API server at api.cloudflare.com did not answer within 30 seconds.",
        ),
        (httpx.RemoteProtocolError("peer closed"), "The connection to api.cloudflare.com failed"),
    ],
)
async def test_network_errors_are_retried_then_reported(exc: Exception, sentence: str) -> None:
    api = Api(exc)
    async with api.client() as client:
        with pytest.raises(NetworkError) as caught:
            await client.get_video(ACCOUNT, UID)
    assert len(api.requests) == 3 and len(api.sleeps) == 2
    assert caught.value.message.startswith(sentence)
    assert caught.value.status is None
    assert_safe_sentence(caught.value)


@pytest.mark.asyncio
async def test_network_error_then_success() -> None:
    api = Api(httpx.ReadTimeout("slow"), ok({"uid": UID}))
    async with api.client() as client:
        assert await client.get_video(ACCOUNT, UID) == {"uid": UID}
    assert len(api.requests) == 2


@pytest.mark.asyncio
async def test_creating_a_signing_key_is_not_blindly_retried() -> None:
    # The key may exist already when the answer is lost, so only never-sent requests retry.
    api = Api(failure(500, 10002, "x"))
    async with api.client() as client:
        with pytest.raises(ServerError):
            await client.create_signing_key(ACCOUNT)
    assert len(api.requests) == 1

    api = Api(httpx.ReadTimeout("lost"))
    async with api.client() as client:
        with pytest.raises(NetworkError):
            await client.create_signing_key(ACCOUNT)
    assert len(api.requests) == 1

    key = {"id": "k1", "pem": "cGVt", "jwk": "andr", "created": "2021-06-15T21:06:54.763937286Z"}
    api = Api(httpx.ConnectError("refused"), ok(key))
    async with api.client() as client:
        material = await client.create_signing_key(ACCOUNT)
    assert len(api.requests) == 2 and material.id == "k1"


# --- rate limits ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_short_retry_after_is_waited_then_retried() -> None:
    api = Api(failure(429, 971, "Please wait", **{"Retry-After": "2"}), ok({"token": JWT}))
    async with api.client() as client:
        assert await client.create_token(ACCOUNT, TokenRequest(video_uid=UID)) == JWT
    assert api.sleeps == [2.0] and len(api.requests) == 2


@pytest.mark.asyncio
async def test_five_minute_block_is_raised_at_once() -> None:
    api = Api(failure(429, 971, "Please wait", **{"Retry-After": "300"}), ok({"token": JWT}))
    async with api.client() as client:
        with pytest.raises(RateLimited) as caught:
            await client.create_token(ACCOUNT, TokenRequest(video_uid=UID))
    assert caught.value.retry_after == 300.0
    assert len(api.requests) == 1 and api.sleeps == []
    assert "Wait about 5 minutes" in str(caught.value)
    assert_safe_sentence(caught.value)


@pytest.mark.asyncio
async def test_retry_after_as_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=300)
    headers = {"Retry-After": format_datetime(when, usegmt=True)}
    api = Api(failure(429, 971, "Please wait", **headers))
    async with api.client() as client:
        with pytest.raises(RateLimited) as caught:
            await client.get_video(ACCOUNT, UID)
    assert caught.value.retry_after is not None and 240 < caught.value.retry_after <= 300
    assert api.sleeps == []


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after(" 1.5 ", now=now) == 1.5
    assert parse_retry_after("Sun, 01 Mar 2026 12:05:00 GMT", now=now) == 300.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("-5", now=now) == 0.0
    for junk in (None, "", "soon", "nan", "inf"):
        assert parse_retry_after(junk, now=now) is None


@pytest.mark.asyncio
async def test_ratelimit_header_is_the_fallback_for_the_wait() -> None:
    api = Api(failure(429, 971, "Please wait", Ratelimit='"default";r=0;t=300'))
    async with api.client() as client:
        with pytest.raises(RateLimited) as caught:
            await client.get_video(ACCOUNT, UID)
    assert caught.value.retry_after == 300.0 and api.sleeps == []

    api = Api(failure(429, 971, "Please wait", Ratelimit='"default";r=0;t=3'), ok({"uid": UID}))
    async with api.client() as client:
        await client.get_video(ACCOUNT, UID)
    assert api.sleeps == [3.0]


@pytest.mark.asyncio
async def test_retry_after_wins_over_ratelimit() -> None:
    headers = {"Retry-After": "4", "Ratelimit": '"default";r=0;t=300'}
    api = Api(failure(429, 971, "Please wait", **headers), ok({"uid": UID}))
    async with api.client() as client:
        await client.get_video(ACCOUNT, UID)
    assert api.sleeps == [4.0]


@pytest.mark.asyncio
async def test_429_without_a_wait_is_raised_at_once() -> None:
    api = Api(failure(429, 971, "Please wait"))
    async with api.client() as client:
        with pytest.raises(RateLimited) as caught:
            await client.get_video(ACCOUNT, UID)
    assert caught.value.retry_after is None and len(api.requests) == 1
    assert "Wait a few minutes" in str(caught.value)


@pytest.mark.asyncio
async def test_short_429s_stop_when_retries_run_out() -> None:
    api = Api(failure(429, 971, "Please wait", **{"Retry-After": "1"}))
    async with api.client(max_retries=2) as client:
        with pytest.raises(RateLimited):
            await client.get_video(ACCOUNT, UID)
    assert len(api.requests) == 3 and api.sleeps == [1.0, 1.0]


@pytest.mark.asyncio
async def test_rate_limit_quota_is_remembered() -> None:
    api = Api(ok({"uid": UID}, Ratelimit='"default";r=1187;t=260'))
    async with api.client() as client:
        assert client.last_rate_limit is None
        await client.get_video(ACCOUNT, UID)
        assert client.last_rate_limit == RateLimitInfo(remaining=1187, reset_seconds=260.0)


def test_parse_ratelimit_takes_the_tightest_policy() -> None:
    assert parse_ratelimit('"burst";r=50;t=1, "default";r=3;t=120') == RateLimitInfo(3, 120.0)
    assert parse_ratelimit('"default";t=30') == RateLimitInfo(None, 30.0)
    assert parse_ratelimit("garbage") is None
    assert parse_ratelimit(None) is None


def test_human_duration() -> None:
    assert human_duration(1) == "1 second"
    assert human_duration(45.2) == "46 seconds"
    assert human_duration(300) == "5 minutes"
    assert human_duration(7200) == "2 hours"


# --- cancellation ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_cancellation_during_backoff_propagates_at_once() -> None:
    api = Api(failure(500, 10002, "x"))
    sleeping = asyncio.Event()

    async def slow_sleep(seconds: float) -> None:
        sleeping.set()
        await asyncio.sleep(3600)

    client = StreamClient(
        TOKEN, env={}, transport=httpx.MockTransport(api.handle), sleep=slow_sleep
    )
    task = asyncio.create_task(client.get_video(ACCOUNT, UID))
    await sleeping.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(api.requests) == 1
    await client.aclose()


@pytest.mark.asyncio
async def test_cancellation_during_a_request_is_not_a_network_error() -> None:
    started = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    client = StreamClient(TOKEN, env={}, transport=httpx.MockTransport(hang))
    task = asyncio.create_task(client.get_video(ACCOUNT, UID))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await client.aclose()


# --- verify and signing keys ----------------------------------------------------------------


VERIFY = {
    "id": "ed17574386854bf78a67040be0a770b0",
    "status": "active",
    "expires_on": "2027-01-01T00:00:00Z",
    "not_before": "2026-01-01T00:00:00Z",
}


@pytest.mark.asyncio
async def test_verify_uses_the_account_endpoint_first() -> None:
    api = Api(ok(VERIFY))
    async with api.client() as client:
        status = await client.verify_token(ACCOUNT)
    assert [r.url.path for r in api.requests] == [f"/client/v4/accounts/{ACCOUNT}/tokens/verify"]
    assert status.is_active and status.id == VERIFY["id"]
    assert status.expires_on == datetime(2027, 1, 1, tzinfo=UTC)
    assert status.not_before == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [401, 403, 404])
async def test_verify_falls_back_to_the_user_endpoint(status: int) -> None:
    api = Api(failure(status, 1000, "Invalid API Token"), ok({"id": "t", "status": "expired"}))
    async with api.client() as client:
        result = await client.verify_token(ACCOUNT)
    assert [r.url.path for r in api.requests] == [
        f"/client/v4/accounts/{ACCOUNT}/tokens/verify",
        "/client/v4/user/tokens/verify",
    ]
    assert result.status == "expired" and not result.is_active and result.expires_on is None


@pytest.mark.asyncio
async def test_verify_without_account_and_with_a_bad_token() -> None:
    api = Api(failure(401, 1000, "Invalid API Token"))
    async with api.client() as client:
        with pytest.raises(AuthError) as caught:
            await client.verify_token()
    assert [r.url.path for r in api.requests] == ["/client/v4/user/tokens/verify"]
    assert caught.value.code == 1000


@pytest.mark.asyncio
async def test_verify_does_not_fall_back_on_server_errors() -> None:
    api = Api(failure(500, 10002, "x"))
    async with api.client(max_retries=0) as client:
        with pytest.raises(ServerError):
            await client.verify_token(ACCOUNT)
    assert len(api.requests) == 1


@pytest.mark.asyncio
async def test_signing_key_calls() -> None:
    key = {
        "id": "k1",
        "pem": "UEVNU0VDUkVU",
        "jwk": "SldLU0VDUkVU",
        "created": "2021-06-15T21:06:54.763937286Z",
    }
    listing = [{"id": "k1", "created": "2021-06-15T21:06:54Z"}, {"id": "k2"}]
    api = Api(ok(key), ok(listing), ok("Revoked"))
    async with api.client() as client:
        material = await client.create_signing_key(ACCOUNT)
        keys = await client.list_signing_keys(ACCOUNT)
        revoked = await client.revoke_signing_key(ACCOUNT, "k/1")
    assert (material.id, material.pem, material.jwk) == ("k1", "UEVNU0VDUkVU", "SldLU0VDUkVU")
    assert material.created is not None and material.created.year == 2021
    assert "UEVNU0VDUkVU" not in repr(material) and "SldLU0VDUkVU" not in repr(material)
    assert [k.id for k in keys] == ["k1", "k2"] and keys[1].created is None
    assert revoked == "Revoked"
    assert [(r.method, r.url.raw_path) for r in api.requests] == [
        ("POST", f"/client/v4/accounts/{ACCOUNT}/stream/keys".encode()),
        ("GET", f"/client/v4/accounts/{ACCOUNT}/stream/keys".encode()),
        ("DELETE", f"/client/v4/accounts/{ACCOUNT}/stream/keys/k%2F1".encode()),
    ]
    assert api.requests[0].content == b""  # like the SDK: no body


@pytest.mark.asyncio
async def test_incomplete_signing_key_is_a_bad_response() -> None:
    api = Api(ok({"id": "k1", "pem": "", "jwk": "x"}))
    async with api.client() as client:
        with pytest.raises(BadResponse, match="no complete signing key"):
            await client.create_signing_key(ACCOUNT)


# --- logging --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_logs_never_contain_the_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = Api(failure(500, 10002, f"boom {TOKEN}"), failure(401, 10000, "Authentication error"))
    async with api.client() as client:
        with pytest.raises(AuthError):
            await client.verify_token(ACCOUNT)
    assert caplog.records and TOKEN not in caplog.text


# --- base URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "env", "expected"),
    [
        (None, {}, BASE),
        (
            "",
            {"CLOUDFLARE_BASE_URL": "https://proxy.example.com/cf/v4/"},
            "https://proxy.example.com/cf/v4",
        ),
        (
            "https://a.example.com/v4",
            {"CLOUDFLARE_BASE_URL": "https://b.example.com"},
            "https://a.example.com/v4",
        ),
        ("http://127.0.0.1:8787/client/v4/", {}, "http://127.0.0.1:8787/client/v4"),
        ("http://127.5.6.7/client/v4", {}, "http://127.5.6.7/client/v4"),
        ("http://[::1]:9000/client/v4", {}, "http://[::1]:9000/client/v4"),
        ("http://localhost:9000", {}, "http://localhost:9000"),
        ("HTTPS://API.example.com", {}, "HTTPS://API.example.com"),
    ],
)
def test_resolve_base_url(profile: str | None, env: dict[str, str], expected: str) -> None:
    assert resolve_base_url(profile, env) == expected


@pytest.mark.parametrize(
    ("profile", "env", "words"),
    [
        ("http://api.example.com/client/v4", {}, "only https:// is allowed"),
        ("http://192.168.1.5/client/v4", {}, "only https:// is allowed"),
        ("http://localhost.example.com", {}, "only https:// is allowed"),
        (None, {"CLOUDFLARE_BASE_URL": "http://10.0.0.1"}, "CLOUDFLARE_BASE_URL uses http://"),
        ("ftp://api.example.com", {}, "must start with https://"),
        ("api.cloudflare.com/client/v4", {}, "must start with https://"),
        ("https://user:pw@api.example.com", {}, "user name or password"),
        ("https://api.example.com/v4?x=1", {}, "must not contain '?'"),
        ("https://api.example.com:99999", {}, "not a valid URL"),
    ],
)
def test_resolve_base_url_refuses(profile: str | None, env: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("?", r"\?").replace(".", r"\.")) as caught:
        resolve_base_url(profile, env)
    assert "pw" not in str(caught.value)


@pytest.mark.asyncio
async def test_client_reads_the_base_url_from_its_env() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return ok({"uid": UID})

    env = {"CLOUDFLARE_BASE_URL": "http://127.0.0.1:1/client/v4"}
    async with StreamClient(TOKEN, env=env, transport=httpx.MockTransport(handler)) as client:
        await client.get_video(ACCOUNT, UID)
    assert seen == [f"http://127.0.0.1:1/client/v4/accounts/{ACCOUNT}/stream/{UID}"]
    with pytest.raises(ValueError, match="http://"):
        StreamClient(TOKEN, env={"CLOUDFLARE_BASE_URL": "http://example.com"})
