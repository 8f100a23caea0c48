"""Does it really play? The check against the sandbox's edge over loopback (plays, expired, not
yet valid, wrong key, blocked country, blocked IP, MP4 not enabled, video not found), where it
refuses to send a token, and how a real edge's bare status codes become words."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.core.playback_check import THUMBNAIL_MAX_BYTES, PlaybackReport, check_playback
from cfstream_gui.core.playback_target import (
    PlaybackTarget,
    PlaybackTargetError,
    playback_target,
)
from cfstream_gui.core.simulate import parse_viewer
from cfstream_gui.sandbox import Sandbox
from tests.support.clock import FakeClock
from tests.support.rsa_keys import pkcs1_pem, rsa_key

NOW = 1_800_000_000
KEYNOTE = "ea95132c15732412d22c1476fa83f27a"  # signed, MP4 downloads enabled
WEBINAR = "8f3b6a1e2c4d4e5f9a0b1c2d3e4f5a6b"  # signed, MP4 downloads off
ACCOUNT = Sandbox.DEMO_ACCOUNT_ID


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(scope="module")
def edge(clock: FakeClock) -> Iterator[tuple[Sandbox, httpx.Client]]:
    with Sandbox(clock=clock) as sandbox:
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10) as api:
            yield sandbox, api


@pytest.fixture(autouse=True)
def fresh(edge: tuple[Sandbox, httpx.Client], clock: FakeClock) -> None:
    edge[0].clear()
    clock.now = NOW


def token_for(api: httpx.Client, uid: str, **body: Any) -> str:
    response = api.post(f"/accounts/{ACCOUNT}/stream/{uid}/token", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["result"]["token"]
    return token


async def check(
    sandbox: Sandbox, token: str, ip: str | None = None, country: str | None = None
) -> PlaybackReport:
    target = playback_target(f"{sandbox.delivery_base}/{token}/watch")
    viewer = parse_viewer(ip, country) if ip or country else None
    return await check_playback(target, now=NOW, viewer=viewer)


def words(report: PlaybackReport) -> dict[str, str]:
    return {asset.kind: asset.words for asset in report.assets}


@pytest.mark.asyncio
async def test_a_good_token_plays(edge: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = edge
    report = await check(sandbox, token_for(api, KEYNOTE, downloadable=True))
    assert report.plays and report.sandbox
    assert words(report) == {"thumbnail": "plays", "hls": "plays", "mp4": "plays"}
    assert [a.status for a in report.assets] == [200, 200, 200]


@pytest.mark.asyncio
async def test_the_thumbnail_that_loaded_is_kept_to_be_shown(
    edge: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, api = edge
    report = await check(sandbox, token_for(api, KEYNOTE))
    assert report.thumbnail is not None and report.thumbnail.startswith(b"\x89PNG\r\n")
    assert report.headline == "plays"
    blocked = token_for(api, KEYNOTE, accessRules=[{"type": "any", "action": "block"}])
    assert (await check(sandbox, blocked)).thumbnail is None


@pytest.mark.asyncio
async def test_an_expired_token(edge: tuple[Sandbox, httpx.Client], clock: FakeClock) -> None:
    sandbox, api = edge
    token = token_for(api, KEYNOTE, exp=NOW + 60)
    clock.now = NOW + 61
    report = await check(sandbox, token)
    assert not report.plays
    assert report.verdict.words == "expired"
    assert "expired 1 seconds ago" in report.verdict.detail


@pytest.mark.asyncio
async def test_a_token_not_yet_valid(edge: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = edge
    report = await check(sandbox, token_for(api, KEYNOTE, nbf=NOW + 300, exp=NOW + 900))
    assert report.verdict.words == "not yet valid"
    assert report.verdict.status == 403


@pytest.mark.asyncio
async def test_a_token_signed_with_a_key_the_account_does_not_have(
    edge: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, _ = edge
    kid = secrets.token_hex(16)
    claims = {"sub": KEYNOTE, "kid": kid, "exp": NOW + 600}
    token = jwt.encode(claims, pkcs1_pem(rsa_key()), "RS256", {"kid": kid, "typ": None})
    report = await check(sandbox, token)
    assert report.verdict.words == "wrong key"
    assert kid in report.verdict.detail


@pytest.mark.asyncio
async def test_a_blocked_country(edge: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = edge
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US"]},
        {"type": "ip.geoip.country", "action": "block", "country": ["DE"]},
    ]
    token = token_for(api, KEYNOTE, accessRules=rules)
    assert (await check(sandbox, token, country="US")).plays
    report = await check(sandbox, token, country="DE")
    assert report.verdict.words == "blocked by rule 2"
    assert report.verdict.rule_number == 2


@pytest.mark.asyncio
async def test_a_blocked_ip_asked_as_a_viewer_at_an_ipv6_address(
    edge: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, api = edge
    rules = [
        {"type": "ip.src", "action": "block", "ip": ["2001:db8:bad::/48", "192.0.2.0/24"]},
        {"type": "any", "action": "allow"},
    ]
    token = token_for(api, KEYNOTE, accessRules=rules)
    blocked = await check(sandbox, token, ip="2001:db8:bad::1", country="DE")
    assert blocked.verdict.words == "blocked by rule 1"
    assert (await check(sandbox, token, ip="2001:db8:600d::1")).plays
    assert (await check(sandbox, token, ip="192.0.2.200")).verdict.words == "blocked by rule 1"


@pytest.mark.asyncio
async def test_mp4_not_enabled_while_the_video_plays(edge: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = edge
    report = await check(sandbox, token_for(api, WEBINAR, downloadable=True))
    assert report.plays
    mp4 = report.asset("mp4")
    assert mp4 is not None and mp4.words == "MP4 not enabled"
    assert mp4.verdict is EdgeVerdict.MP4_NOT_ENABLED
    assert report.headline == "plays, but the MP4 download: MP4 not enabled"


@pytest.mark.asyncio
async def test_a_token_that_is_not_downloadable_is_not_asked_for_the_mp4(
    edge: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, api = edge
    report = await check(sandbox, token_for(api, KEYNOTE))
    assert report.asset("mp4") is None
    assert not any("downloads" in r.path for r in sandbox.requests)


@pytest.mark.asyncio
async def test_video_not_found(edge: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, _ = edge
    kid = secrets.token_hex(16)
    gone = "0" * 32
    token = jwt.encode({"sub": gone, "exp": NOW + 60}, pkcs1_pem(rsa_key()), "RS256", {"kid": kid})
    report = await check(sandbox, token)
    assert report.verdict.words == "video not found"


@pytest.mark.asyncio
async def test_a_bare_token_plays_where_the_profile_says(
    edge: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, api = edge
    token = token_for(api, KEYNOTE)
    target = playback_target(token, delivery_base=sandbox.delivery_base + "/")
    assert (await check_playback(target, now=NOW)).plays
    with pytest.raises(PlaybackTargetError, match="does not say which account's host"):
        playback_target(token)
    code = playback_target(token, customer_code="abc123")
    assert code.base == "https://customer-abc123.cloudflarestream.com"


@pytest.mark.asyncio
async def test_no_answer_is_said_as_such() -> None:
    target = PlaybackTarget("a.b.c", "http://127.0.0.1:9")  # the discard port: nothing listens
    report = await check_playback(target, now=NOW)
    assert {a.verdict for a in report.assets} == {EdgeVerdict.UNREACHABLE}
    assert report.verdict.words == "no answer"


# --- where a token is never sent ---------------------------------------------------------------

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"


@pytest.mark.parametrize(
    ("link", "phrase"),
    [
        (f"https://evil.example.com/{TOKEN}/watch", "neither Cloudflare Stream nor a sandbox"),
        (f"https://cloudflarestream.com.evil.example/{TOKEN}/watch", "neither Cloudflare"),
        (f"http://customer-abc.cloudflarestream.com/{TOKEN}/watch", "https:// on the standard"),
        (f"https://customer-abc.cloudflarestream.com:8443/{TOKEN}/watch", "standard port"),
        (f"https://user@evil.example/{TOKEN}", "neither Cloudflare"),
        ("nothing.here", "three parts"),
    ],
)
def test_a_token_is_not_sent_to_just_any_host(link: str, phrase: str) -> None:
    with pytest.raises(PlaybackTargetError, match=phrase):
        playback_target(link)


@pytest.mark.parametrize(
    ("link", "base"),
    [
        (f"https://customer-abc.cloudflarestream.com/{TOKEN}/iframe", "https://customer-abc"),
        (f"https://iframe.videodelivery.net/{TOKEN}", "https://videodelivery.net"),
        (f"https://videodelivery.net/{TOKEN}/manifest/video.m3u8", "https://videodelivery.net"),
        (f"http://127.0.0.1:8080/{TOKEN}/watch", "http://127.0.0.1:8080"),
        (f"http://[::1]:8080/{TOKEN}/watch", "http://[::1]:8080"),
    ],
)
def test_stream_hosts_and_a_local_sandbox_are_checked(link: str, base: str) -> None:
    assert playback_target(link).base.startswith(base)


# --- a real edge says only a status -------------------------------------------------------------


def real_edge(statuses: dict[str, int]) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        kind = next(k for k in statuses if k in request.url.path)
        assert "CF-Connecting-IP" not in request.headers  # Cloudflare would ignore it anyway
        return httpx.Response(statuses[kind], content=b"<html>refused</html>")

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def cloudflare_token(**claims: Any) -> str:
    body = {"sub": KEYNOTE, "exp": NOW + 600, "nbf": NOW - 600, **claims}
    return jwt.encode(body, pkcs1_pem(rsa_key()), "RS256", {"kid": "c" * 32, "typ": None})


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("claims", "statuses", "expected"),
    [
        ({}, {"thumb": 200, "m3u8": 200}, "plays"),
        ({"exp": NOW - 5}, {"thumb": 403, "m3u8": 403}, "expired"),
        ({"nbf": NOW + 60}, {"thumb": 403, "m3u8": 403}, "not yet valid"),
        ({}, {"thumb": 404, "m3u8": 404}, "video not found"),
        ({}, {"thumb": 403, "m3u8": 403}, "wrong key"),
        (
            {"accessRules": [{"type": "ip.geoip.country", "action": "block", "country": ["CN"]}]},
            {"thumb": 403, "m3u8": 403},
            "blocked by rule 1",
        ),
    ],
)
async def test_a_real_edges_status_is_read_with_the_tokens_claims(
    claims: dict[str, Any], statuses: dict[str, int], expected: str
) -> None:
    target = playback_target(
        f"https://customer-abc.cloudflarestream.com/{cloudflare_token(**claims)}/watch"
    )
    async with real_edge({**statuses, "mp4": 403}) as client:
        report = await check_playback(target, now=NOW, client=client)
    assert not report.sandbox
    assert report.verdict.words == expected


@pytest.mark.asyncio
async def test_a_real_edge_refusing_only_the_mp4_means_downloads_are_off() -> None:
    token = cloudflare_token(downloadable=True)
    target = playback_target(f"https://customer-abc.cloudflarestream.com/{token}/watch")
    viewer = parse_viewer("2001:db8::1", "DE")
    async with real_edge({"thumb": 200, "m3u8": 200, "mp4": 403}) as client:
        report = await check_playback(target, now=NOW, viewer=viewer, client=client)
    assert report.plays
    mp4 = report.asset("mp4")
    assert mp4 is not None and mp4.words == "MP4 not enabled"
    # The viewer asked about was simulated, not sent: Cloudflare judges the caller's address.
    assert report.simulated is not None and report.simulated.reason.startswith("No rule matched")
    assert report.notes == (
        "Cloudflare judged the address this computer connects from, not a viewer at "
        "2001:db8::1 in DE.",
        f"For that viewer the token's rules say: {report.simulated.reason}",
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("size", "kept"), [(THUMBNAIL_MAX_BYTES, True), (THUMBNAIL_MAX_BYTES + 1, False)]
)
async def test_a_thumbnail_too_large_to_be_one_is_not_kept(size: int, kept: bool) -> None:
    """The edge said yes, so it plays; but megabytes more than any thumbnail are not shown."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"\xff" * size)

    target = playback_target(f"https://customer-abc.cloudflarestream.com/{cloudflare_token()}/x")
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        report = await check_playback(target, now=NOW, client=client)
    assert report.plays
    assert (report.thumbnail is not None) is kept
