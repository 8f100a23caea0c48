"""The Stream client against the sandbox over real loopback HTTP: the same code path the app
takes against Cloudflare, with faults (429, 5xx, HTML pages, slow answers) scripted in."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from cfstream_gui.core.cloudflare import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    StreamClient,
)
from cfstream_gui.core.models import AccessRule, TokenRequest
from cfstream_gui.sandbox import Fault, Sandbox

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
TOKEN = Sandbox.DEMO_API_TOKEN
WRONG_TOKEN = "cfut_WrongWrongWrong0000000000000000000000"


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
    """Records the client's backoff waits instead of waiting them out."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client_for(sb: Sandbox, sleeps: Sleeps, token: str = TOKEN, **kwargs: Any) -> StreamClient:
    return StreamClient(token, base_url=sb.base_url, env={}, sleep=sleeps, **kwargs)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.mark.asyncio
async def test_default_token_plays_the_signed_video(sb: Sandbox, sleeps: Sleeps) -> None:
    uid = sb.video_uids(signed=True)[0]
    async with client_for(sb, sleeps) as client:
        token = await client.create_token(ACCOUNT, TokenRequest(video_uid=uid))
    assert sb.verify_playback_token(token, uid).allowed
    [request] = sb.requests
    assert (request.method, request.path) == (
        "POST",
        f"/client/v4/accounts/{ACCOUNT}/stream/{uid}/token",
    )
    assert request.body == b"{}" and request.json == {}
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("cfstream-gui/")


@pytest.mark.asyncio
async def test_access_rules_reach_the_sandbox_and_are_enforced(sb: Sandbox, sleeps: Sleeps) -> None:
    uid = sb.video_uids(signed=True)[0]
    request = TokenRequest(
        video_uid=uid,
        access_rules=(
            AccessRule("allow", "ip.geoip.country", ("DE",)),
            AccessRule("block", "any"),
        ),
    )
    async with client_for(sb, sleeps) as client:
        token = await client.create_token(ACCOUNT, request)
    assert sb.requests[0].json == request.to_api_body()
    assert sb.verify_playback_token(token, uid, country="DE").allowed
    assert not sb.verify_playback_token(token, uid, country="US").allowed


@pytest.mark.asyncio
async def test_video_details_and_listing(sb: Sandbox, sleeps: Sleeps) -> None:
    uid = sb.video_uids()[0]
    async with client_for(sb, sleeps) as client:
        video = await client.get_video(ACCOUNT, uid)
        listed = await client.list_videos(ACCOUNT, limit=1)
        everything = await client.list_videos(ACCOUNT)
    assert video["uid"] == uid
    assert len(listed) == 1
    assert {v["uid"] for v in everything} == set(sb.video_uids())
    assert sb.requests[1].query == {"limit": "1"}
    assert client.last_rate_limit is not None and client.last_rate_limit.remaining is not None


@pytest.mark.asyncio
async def test_downloads_of_a_video(sb: Sandbox, sleeps: Sleeps) -> None:
    enabled = next(uid for uid in sb.video_uids() if sb.downloads_enabled(uid))
    disabled = next(uid for uid in sb.video_uids() if not sb.downloads_enabled(uid))
    async with client_for(sb, sleeps) as client:
        made = await client.get_downloads(ACCOUNT, enabled)
        none = await client.get_downloads(ACCOUNT, disabled)
        sb.inject_fault(Fault(status=200, body={"success": True, "result": "ok"}))
        with pytest.raises(BadResponse, match="did not list the downloads"):
            await client.get_downloads(ACCOUNT, enabled)
    assert made["default"]["status"] == "ready"
    assert none == {}
    assert sb.requests[0].path.endswith(f"/stream/{enabled}/downloads")


@pytest.mark.asyncio
async def test_unknown_video_is_not_found(sb: Sandbox, sleeps: Sleeps) -> None:
    async with client_for(sb, sleeps) as client:
        with pytest.raises(NotFound) as caught:
            await client.get_video(ACCOUNT, "0" * 32)
    assert caught.value.status == 404
    assert f"could not find video '{'0' * 32}'" in str(caught.value)
    assert len(sb.requests) == 1


@pytest.mark.asyncio
async def test_verify_token_both_endpoints(sb: Sandbox, sleeps: Sleeps) -> None:
    async with client_for(sb, sleeps) as client:
        by_account = await client.verify_token(ACCOUNT)
        by_user = await client.verify_token()
    assert by_account.is_active and by_user.is_active and by_account.id == by_user.id
    assert [r.path for r in sb.requests] == [
        f"/client/v4/accounts/{ACCOUNT}/tokens/verify",
        "/client/v4/user/tokens/verify",
    ]


@pytest.mark.asyncio
async def test_verify_reports_an_expired_token(sb: Sandbox, sleeps: Sleeps) -> None:
    async with client_for(sb, sleeps, token=Sandbox.DEMO_EXPIRED_API_TOKEN) as client:
        status = await client.verify_token(ACCOUNT)
    assert status.status == "expired" and not status.is_active
    assert status.expires_on is not None


@pytest.mark.asyncio
async def test_wrong_token_is_refused_without_retries(sb: Sandbox, sleeps: Sleeps) -> None:
    uid = sb.video_uids(signed=True)[0]
    async with client_for(sb, sleeps, token=WRONG_TOKEN) as client:
        with pytest.raises(AuthError) as caught:
            await client.create_token(ACCOUNT, TokenRequest(video_uid=uid))
        with pytest.raises(AuthError) as verify_caught:
            await client.verify_token(ACCOUNT)
    assert caught.value.status == 401 and caught.value.code == 10000
    assert str(caught.value).startswith("Cloudflare refused the API token (code 10000")
    assert WRONG_TOKEN not in str(caught.value) and WRONG_TOKEN not in str(verify_caught.value)
    assert verify_caught.value.code == 1000
    # One token request, then the account verify and its fallback to the user endpoint.
    assert len(sb.requests) == 3 and sleeps.calls == []


@pytest.mark.asyncio
async def test_five_minute_rate_limit_is_not_waited_out(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.inject_fault(Fault(status=429, headers={"Retry-After": "300"}, times=1))
    uid = sb.video_uids(signed=True)[0]
    async with client_for(sb, sleeps) as client:
        with pytest.raises(RateLimited) as caught:
            await client.create_token(ACCOUNT, TokenRequest(video_uid=uid))
    assert caught.value.retry_after == 300.0 and caught.value.code == 971
    assert "about 5 minutes" in str(caught.value)
    assert len(sb.requests) == 1 and sleeps.calls == []


@pytest.mark.asyncio
async def test_short_rate_limit_is_waited_then_retried(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.inject_fault(Fault(status=429, headers={"Retry-After": "2"}, times=1))
    uid = sb.video_uids(signed=True)[0]
    async with client_for(sb, sleeps) as client:
        token = await client.create_token(ACCOUNT, TokenRequest(video_uid=uid))
    assert sb.verify_playback_token(token, uid).allowed
    assert sleeps.calls == [2.0] and len(sb.requests) == 2


@pytest.mark.asyncio
async def test_server_error_once_is_retried(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.inject_fault(Fault(status=500, times=1))
    uid = sb.video_uids()[0]
    async with client_for(sb, sleeps) as client:
        assert (await client.get_video(ACCOUNT, uid))["uid"] == uid
    assert len(sb.requests) == 2 and len(sleeps.calls) == 1


@pytest.mark.asyncio
async def test_persistent_server_error_gives_up(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.inject_fault(Fault(status=503, times=None))
    async with client_for(sb, sleeps) as client:
        with pytest.raises(ServerError) as caught:
            await client.get_video(ACCOUNT, sb.video_uids()[0])
    assert caught.value.status == 503
    assert len(sb.requests) == 3 and len(sleeps.calls) == 2


@pytest.mark.asyncio
async def test_html_error_page(sb: Sandbox, sleeps: Sleeps) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
    sb.inject_fault(Fault(status=502, body=page, headers={"Content-Type": "text/html"}, times=None))
    async with client_for(sb, sleeps, max_retries=1) as client:
        with pytest.raises(ServerError) as caught:
            await client.get_video(ACCOUNT, sb.video_uids()[0])
    assert caught.value.message == "Cloudflare answered HTTP 502 with an HTML page instead of JSON."
    assert caught.value.code is None and "<html>" not in str(caught.value)

    sb.clear()
    sb.inject_fault(Fault(status=502, body=page, times=1))
    async with client_for(sb, sleeps) as client:
        assert await client.get_video(ACCOUNT, sb.video_uids()[0])


@pytest.mark.asyncio
async def test_success_false_with_http_200(sb: Sandbox, sleeps: Sleeps) -> None:
    body = {
        "success": False,
        "result": None,
        "messages": [],
        "errors": [{"code": 10005, "message": "no"}],
    }
    sb.inject_fault(Fault(status=200, body=body, times=1))
    async with client_for(sb, sleeps) as client:
        with pytest.raises(BadResponse) as caught:
            await client.create_token(ACCOUNT, TokenRequest(video_uid=sb.video_uids()[0]))
    assert caught.value.status == 200 and caught.value.code == 10005
    assert len(sb.requests) == 1


@pytest.mark.asyncio
async def test_slow_but_healthy_api_is_waited_for(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.set_latency(0.2)
    uid = sb.video_uids()[0]
    async with client_for(sb, sleeps) as client:
        assert (await client.get_video(ACCOUNT, uid))["uid"] == uid
    assert sleeps.calls == []


@pytest.mark.asyncio
async def test_read_timeout_becomes_network_error(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.inject_fault(Fault(status=None, delay=5.0, times=None))
    async with client_for(sb, sleeps, timeout=0.2, max_retries=1) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get_video(ACCOUNT, sb.video_uids()[0])
    assert caught.value.message == "The API server at 127.0.0.1 did not answer within 0.2 seconds."
    assert len(sb.requests) == 2


@pytest.mark.asyncio
async def test_dropped_connection_is_retried(sb: Sandbox, sleeps: Sleeps) -> None:
    sb.inject_fault(Fault(disconnect=True, times=1))
    uid = sb.video_uids()[0]
    async with client_for(sb, sleeps) as client:
        assert (await client.get_video(ACCOUNT, uid))["uid"] == uid
    assert len(sb.requests) == 2 and len(sleeps.calls) == 1


@pytest.mark.asyncio
async def test_nothing_listening_is_a_network_error(sleeps: Sleeps) -> None:
    with Sandbox() as stopped:
        base_url = stopped.base_url
    async with StreamClient(TOKEN, base_url=base_url, env={}, sleep=sleeps) as client:
        with pytest.raises(NetworkError) as caught:
            await client.verify_token()
    assert caught.value.message == "Could not connect to 127.0.0.1."
    assert len(sleeps.calls) == 2


@pytest.mark.asyncio
async def test_signing_key_lifecycle(sb: Sandbox, sleeps: Sleeps) -> None:
    async with client_for(sb, sleeps) as client:
        material = await client.create_signing_key(ACCOUNT)
        listed = await client.list_signing_keys(ACCOUNT)
        said = await client.revoke_signing_key(ACCOUNT, material.id)
        after = await client.list_signing_keys(ACCOUNT)
        with pytest.raises(NotFound):
            await client.revoke_signing_key(ACCOUNT, material.id)
    assert material.pem and material.jwk and material.created is not None
    assert material.id in {key.id for key in listed}
    assert said == "Revoked"
    assert material.id not in {key.id for key in after}
    assert sb.requests[0].body == b""


@pytest.mark.asyncio
async def test_a_closed_local_port_points_at_the_local_server_not_the_internet() -> None:
    with Sandbox() as sb:
        base_url = sb.base_url
    # The sandbox is stopped now: nothing listens on that loopback port.
    async with StreamClient(Sandbox.DEMO_API_TOKEN, base_url=base_url, max_retries=0) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get_video(Sandbox.DEMO_ACCOUNT_ID, "ea95132c15732412d22c1476fa83f27a")
    assert "local server" in caught.value.hint
    assert "internet" not in caught.value.hint


@pytest.mark.asyncio
async def test_prepare_builds_the_pool_that_requests_then_reuse() -> None:
    with Sandbox() as sb:
        async with StreamClient(Sandbox.DEMO_API_TOKEN, base_url=sb.base_url) as client:
            await asyncio.to_thread(client.prepare)  # what the GUI does, off the event loop
            status = await client.verify_token(Sandbox.DEMO_ACCOUNT_ID)
            assert status.status == "active"
            assert len(sb.requests) == 1  # prepare itself sends nothing
