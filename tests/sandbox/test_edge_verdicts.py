"""The sandbox's edge takes the viewer from CF-Connecting-IP and CF-IPCountry, as behind
Cloudflare's proxy, and names its verdict in X-Sandbox-Verdict for the playback check."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.sandbox import Sandbox
from tests.sandbox.helpers import NOW, create_key, stream
from tests.support.clock import FakeClock

KEYNOTE = "ea95132c15732412d22c1476fa83f27a"  # signed, downloads enabled
WEBINAR = "8f3b6a1e2c4d4e5f9a0b1c2d3e4f5a6b"  # signed, downloads off
ONBOARDING = "5d5bc37ffcf54c9b82e996823bffbb81"  # public
ENCODING = "0e1d2c3b4a5948372615f4e3d2c1b0a9"  # signed, still encoding
HLS = "manifest/video.m3u8"


@pytest.fixture(scope="module")
def viewer(running: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running.delivery_base, timeout=5) as client:
        yield client


def minted(api: httpx.Client, uid: str, **body: Any) -> str:
    response = api.post(stream(f"/{uid}/token"), json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["result"]["token"]
    return token


def said(response: httpx.Response) -> tuple[int, str, str | None]:
    return (
        response.status_code,
        response.headers["X-Sandbox-Verdict"],
        response.headers.get("X-Sandbox-Rule"),
    )


def test_cf_connecting_ip_and_cf_ipcountry_decide_who_the_viewer_is(
    api: httpx.Client, viewer: httpx.Client
) -> None:
    rules = [
        {"type": "ip.src", "action": "allow", "ip": ["2001:db8:ab::/48"]},
        {"type": "ip.geoip.country", "action": "block", "country": ["DE"]},
    ]
    token = minted(api, KEYNOTE, accessRules=rules)

    office = viewer.get(f"/{token}/{HLS}", headers={"CF-Connecting-IP": "2001:db8:ab::7"})
    german = viewer.get(
        f"/{token}/{HLS}", headers={"CF-Connecting-IP": "198.51.100.7", "CF-IPCountry": "de"}
    )
    loopback_in_de = viewer.get(f"/{token}/{HLS}", headers={"CF-IPCountry": "DE"})

    assert said(office) == (200, "plays", "1")
    assert said(german) == (403, "blocked-by-rule", "2")
    assert said(loopback_in_de) == (403, "blocked-by-rule", "2")
    page = viewer.get(f"/{token}/watch", headers={"CF-Connecting-IP": "2001:db8:ab::7"})
    assert "<dt>Viewer IP</dt><dd><code>2001:db8:ab::7</code></dd>" in page.text


def test_cf_ipcountry_wins_over_the_sandbox_header_and_query(
    api: httpx.Client, viewer: httpx.Client
) -> None:
    block_fr = {"type": "ip.geoip.country", "action": "block", "country": ["FR"]}
    token = minted(api, KEYNOTE, accessRules=[block_fr])
    response = viewer.get(
        f"/{token}/{HLS}",
        headers={"CF-IPCountry": "FR", "X-Sandbox-Country": "US"},
        params={"country": "US"},
    )
    assert said(response) == (403, "blocked-by-rule", "1")


@pytest.mark.parametrize(
    "address", ["not-an-ip", "203.0.113.0/24", "203.0.113.1, 198.51.100.1", "fe80::1%eth0"]
)
def test_a_cf_connecting_ip_that_is_not_one_address_is_400(
    api: httpx.Client, viewer: httpx.Client, address: str
) -> None:
    token = minted(api, KEYNOTE)
    response = viewer.get(f"/{token}/{HLS}", headers={"CF-Connecting-IP": address})
    assert response.status_code == 400
    assert "CF-Connecting-IP" in response.text


def test_an_ipv4_viewer_written_the_ipv6_way_is_that_ipv4_viewer(
    api: httpx.Client, viewer: httpx.Client
) -> None:
    rules = [
        {"type": "ip.src", "action": "allow", "ip": ["203.0.113.0/24"]},
        {"type": "any", "action": "block"},
    ]
    token = minted(api, KEYNOTE, accessRules=rules)
    mapped = viewer.get(f"/{token}/{HLS}", headers={"CF-Connecting-IP": "::ffff:203.0.113.9"})
    assert said(mapped) == (200, "plays", "1")


def test_each_refusal_names_its_verdict(
    api: httpx.Client, viewer: httpx.Client, sandbox: Sandbox, clock: FakeClock
) -> None:
    fresh = minted(api, KEYNOTE)
    later = minted(api, KEYNOTE, nbf=NOW + 600, exp=NOW + 1200)
    key = create_key(api)
    pem = base64.b64decode(key["pem"])
    claims = {"sub": KEYNOTE, "kid": key["id"], "exp": NOW + 600}
    revoked = jwt.encode(claims, pem, algorithm="RS256", headers={"kid": key["id"]})
    api.delete(stream(f"/keys/{key['id']}"))
    unknown_kid = jwt.encode(claims, pem, algorithm="RS256", headers={"kid": "f" * 32})

    cases = {
        f"/{fresh}/{HLS}": (200, EdgeVerdict.PLAYS),
        f"/{ONBOARDING}/{HLS}": (200, EdgeVerdict.PLAYS),
        f"/{KEYNOTE}/{HLS}": (401, EdgeVerdict.NEEDS_TOKEN),
        f"/{'0' * 32}/{HLS}": (404, EdgeVerdict.VIDEO_NOT_FOUND),
        f"/{later}/{HLS}": (403, EdgeVerdict.NOT_YET_VALID),
        f"/{revoked}/{HLS}": (403, EdgeVerdict.KEY_REVOKED),
        f"/{unknown_kid}/{HLS}": (403, EdgeVerdict.WRONG_KEY),
        f"/{fresh}/downloads/default.mp4": (403, EdgeVerdict.NOT_DOWNLOADABLE),
        f"/{minted(api, WEBINAR, downloadable=True)}/downloads/default.mp4": (
            403,
            EdgeVerdict.MP4_NOT_ENABLED,
        ),
        f"/{minted(api, ENCODING)}/{HLS}": (404, EdgeVerdict.NOT_READY),
        "/a.b.c/watch": (403, EdgeVerdict.BAD_TOKEN),
    }
    for path, (status, verdict) in cases.items():
        response = viewer.get(path)
        assert (response.status_code, response.headers["X-Sandbox-Verdict"]) == (
            status,
            verdict.value,
        ), path
    clock.now = NOW + 4000
    assert said(viewer.get(f"/{fresh}/{HLS}")) == (403, "expired", None)
