"""The sandbox's delivery side answers playback links like Cloudflare's edge: UIDs of public
videos play, signed videos need a token, and a token is checked for the viewer who opens it."""

from __future__ import annotations

import base64
import html
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from cfstream_gui.core.urls import playback_urls
from cfstream_gui.sandbox import Sandbox
from tests.sandbox.helpers import NOW, stream
from tests.support.clock import FakeClock

KEYNOTE = "ea95132c15732412d22c1476fa83f27a"  # signed, downloads enabled
WEBINAR = "8f3b6a1e2c4d4e5f9a0b1c2d3e4f5a6b"  # signed, downloads off
ONBOARDING = "5d5bc37ffcf54c9b82e996823bffbb81"  # public
ENCODING = "0e1d2c3b4a5948372615f4e3d2c1b0a9"  # signed, still encoding


@pytest.fixture(scope="module")
def viewer(running: Sandbox) -> Iterator[httpx.Client]:
    """A browser or player: no credentials, talks to the delivery base."""
    with httpx.Client(base_url=running.delivery_base, timeout=5) as client:
        yield client


def minted(api: httpx.Client, uid: str, **body: Any) -> str:
    response = api.post(stream(f"/{uid}/token"), json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["result"]["token"]
    return token


def self_signed(key: dict[str, Any], claims: dict[str, Any]) -> str:
    pem = base64.b64decode(key["pem"])
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": key["id"]})


def name_of(sandbox: Sandbox, uid: str) -> str:
    return next(str(v["meta"]["name"]) for v in sandbox.videos if v["uid"] == uid)


# -- video UIDs ---------------------------------------------------------------------------------


def test_public_video_plays_by_uid(viewer: httpx.Client, sandbox: Sandbox) -> None:
    response = viewer.get(f"/{ONBOARDING}/watch")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    name = name_of(sandbox, ONBOARDING)
    assert f"<title>{name} · Stream sandbox</title>" in response.text
    assert f"Playing {name}" in response.text
    assert viewer.get(f"/{ONBOARDING}/manifest/video.m3u8").status_code == 200


def test_signed_video_without_token_is_401(viewer: httpx.Client, sandbox: Sandbox) -> None:
    page = viewer.get(f"/{KEYNOTE}/watch")
    manifest = viewer.get(f"/{KEYNOTE}/manifest/video.m3u8")

    assert page.status_code == 401
    assert f"Signed URL required: {name_of(sandbox, KEYNOTE)}" in page.text
    assert f"cfstream-token --sandbox create {KEYNOTE}" in page.text
    assert manifest.status_code == 401
    assert manifest.headers["content-type"].startswith("text/plain")
    assert "requires signed URLs" in manifest.text


def test_unknown_id_is_404(viewer: httpx.Client) -> None:
    response = viewer.get("/0123456789abcdef0123456789abcdef/iframe")

    assert response.status_code == 404
    assert "No video has the ID 0123456789abcdef0123456789abcdef" in response.text


# -- a valid token --------------------------------------------------------------------------------


def test_valid_token_watch_page_shows_the_claims(
    api: httpx.Client, viewer: httpx.Client, sandbox: Sandbox
) -> None:
    token = minted(
        api,
        WEBINAR,
        exp=NOW + 3600,
        accessRules=[{"type": "ip.src", "action": "allow", "ip": ["127.0.0.0/8", "::1"]}],
    )

    response = viewer.get(f"/{token}/watch")

    assert response.status_code == 200, response.text
    text = response.text
    assert f"Allowed: this token plays {name_of(sandbox, WEBINAR)}" in text
    assert "2027-01-15 09:00:00 UTC (in 60 min)" in text
    assert "allow ip.src: 127.0.0.0/8, ::1 (decided)" in text
    assert "<dt>Downloadable</dt><dd>no</dd>" in text
    assert "MP4 download" not in text  # no link the token cannot open
    assert 'href="manifest/video.m3u8"' in text


def test_valid_token_serves_iframe_manifests_and_thumbnail(
    api: httpx.Client, viewer: httpx.Client
) -> None:
    token = minted(api, KEYNOTE)

    iframe = viewer.get(f"/{token}/iframe")
    hls = viewer.get(f"/{token}/manifest/video.m3u8")
    dash = viewer.get(f"/{token}/manifest/video.mpd")
    thumb = viewer.get(f"/{token}/thumbnails/thumbnail.jpg")

    assert iframe.status_code == 200 and "Allowed: this token plays" in iframe.text
    assert hls.status_code == 200
    assert hls.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert hls.text.startswith("#EXTM3U\n") and "#EXT-X-STREAM-INF:" in hls.text
    assert dash.status_code == 200
    assert dash.headers["content-type"] == "application/dash+xml"
    root = ET.fromstring(dash.content)
    assert root.tag == "{urn:mpeg:dash:schema:mpd:2011}MPD"
    assert root.attrib["mediaPresentationDuration"] == "PT1834.5S"
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/png"
    assert thumb.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", thumb.content[16:24]) == (160, 90)


def test_every_link_urls_py_builds_opens(
    api: httpx.Client, viewer: httpx.Client, sandbox: Sandbox
) -> None:
    token = minted(api, KEYNOTE, downloadable=True)
    urls = playback_urls(
        Sandbox.DEMO_CUSTOMER_CODE, token, downloadable=True, delivery_base=sandbox.delivery_base
    )

    for kind, url in urls.items():
        if kind == "embed":
            continue
        assert url is not None
        assert viewer.get(url).status_code == 200, kind


def test_delivery_requests_are_logged_outside_the_api(
    api: httpx.Client, viewer: httpx.Client, sandbox: Sandbox
) -> None:
    token = minted(api, KEYNOTE)
    sandbox.clear()

    viewer.get(f"/{token}/manifest/video.mpd", params={"country": "us"})

    [entry] = sandbox.requests
    assert entry.path == f"/{token}/manifest/video.mpd"
    assert entry.query == {"country": "us"}
    assert not [r for r in sandbox.requests if r.path.startswith("/client/v4")]


def test_still_encoding_video_has_no_manifest_yet(api: httpx.Client, viewer: httpx.Client) -> None:
    token = minted(api, ENCODING)

    page = viewer.get(f"/{token}/watch")
    manifest = viewer.get(f"/{token}/manifest/video.m3u8")

    assert page.status_code == 200
    assert "still encoding" in page.text
    assert manifest.status_code == 404
    assert "still encoding" in manifest.text


# -- refusals -------------------------------------------------------------------------------------


def test_expired_token_is_403(api: httpx.Client, viewer: httpx.Client, clock: FakeClock) -> None:
    token = minted(api, KEYNOTE, exp=NOW + 60)
    assert viewer.get(f"/{token}/watch").status_code == 200

    clock.now = NOW + 90
    page = viewer.get(f"/{token}/watch")
    manifest = viewer.get(f"/{token}/manifest/video.m3u8")

    assert page.status_code == 403
    assert "The token expired 30 seconds ago." in page.text
    assert "2027-01-15 08:01:00 UTC (30 s ago)" in page.text
    assert manifest.status_code == 403
    assert manifest.text == "403 Forbidden: The token expired 30 seconds ago.\n"


def test_not_yet_valid_token_is_403(api: httpx.Client, viewer: httpx.Client) -> None:
    token = minted(api, KEYNOTE, nbf=NOW + 300)

    response = viewer.get(f"/{token}/thumbnails/thumbnail.jpg")

    assert response.status_code == 403
    assert "not valid for another 300 seconds" in response.text


def test_country_rule_blocks_by_header_or_query(api: httpx.Client, viewer: httpx.Client) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "block", "country": ["DE"]},
        {"type": "any", "action": "allow"},
    ]
    token = minted(api, KEYNOTE, accessRules=rules)

    by_header = viewer.get(f"/{token}/watch", headers={"X-Sandbox-Country": "de"})
    by_query = viewer.get(f"/{token}/manifest/video.mpd", params={"country": "DE"})
    unknown = viewer.get(f"/{token}/watch")

    assert by_header.status_code == 403
    assert "Access rule 1 (ip.geoip.country) blocks this viewer." in by_header.text
    assert "block ip.geoip.country: DE (decided)" in by_header.text
    assert by_query.status_code == 403 and "Access rule 1" in by_query.text
    assert unknown.status_code == 200  # XX, unknown, is not DE
    assert "<dt>Viewer country</dt><dd><code>XX</code></dd>" in unknown.text


def test_allow_list_refuses_an_unknown_country(api: httpx.Client, viewer: httpx.Client) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US"]},
        {"type": "any", "action": "block"},
    ]
    token = minted(api, KEYNOTE, accessRules=rules)

    assert viewer.get(f"/{token}/watch", params={"country": "US"}).status_code == 200
    refused = viewer.get(f"/{token}/watch")
    assert refused.status_code == 403
    assert "Access rule 2 (any) blocks this viewer." in refused.text


def test_bad_country_is_400(api: httpx.Client, viewer: httpx.Client) -> None:
    token = minted(api, KEYNOTE)

    response = viewer.get(f"/{token}/watch", headers={"X-Sandbox-Country": "Germany"})

    assert response.status_code == 400
    assert "two-letter code" in response.text


def test_tampered_signature_is_403(api: httpx.Client, viewer: httpx.Client) -> None:
    header, claims, signature = minted(api, KEYNOTE).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    response = viewer.get(f"/{header}.{claims}.{flipped}/watch")

    assert response.status_code == 403
    assert "signature does not match" in response.text


def test_unreadable_token_is_403(viewer: httpx.Client) -> None:
    response = viewer.get("/not.a.token/manifest/video.m3u8")

    assert response.status_code == 403
    assert "check that the whole token was copied" in response.text


def test_revoked_key_is_403(api: httpx.Client, viewer: httpx.Client) -> None:
    key = api.post(stream("/keys")).json()["result"]
    token = self_signed(key, {"sub": WEBINAR, "kid": key["id"], "exp": NOW + 600})
    assert viewer.get(f"/{token}/watch").status_code == 200

    assert api.delete(stream(f"/keys/{key['id']}")).status_code == 200
    response = viewer.get(f"/{token}/watch")

    assert response.status_code == 403
    assert f"The token's signing key {key['id']} has been revoked." in html.unescape(response.text)


def test_token_for_a_video_not_in_the_account_is_403(
    api: httpx.Client, viewer: httpx.Client
) -> None:
    key = api.post(stream("/keys")).json()["result"]
    stranger = "f" * 32
    token = self_signed(key, {"sub": stranger, "kid": key["id"], "exp": NOW + 600})

    response = viewer.get(f"/{token}/watch")

    assert response.status_code == 403
    assert f"The token is for video {stranger}, which is not in this account." in response.text


# -- downloads ------------------------------------------------------------------------------------


def test_mp4_needs_a_downloadable_token(api: httpx.Client, viewer: httpx.Client) -> None:
    plain = minted(api, KEYNOTE)
    downloadable = minted(api, KEYNOTE, downloadable=True)

    refused = viewer.get(f"/{plain}/downloads/default.mp4")
    served = viewer.get(f"/{downloadable}/downloads/default.mp4")

    assert refused.status_code == 403
    assert "does not allow downloads" in refused.text
    assert served.status_code == 200
    assert served.headers["content-type"] == "video/mp4"
    assert served.content[4:8] == b"ftyp"
    assert served.headers["content-disposition"] == 'attachment; filename="default.mp4"'
    assert 'href="downloads/default.mp4"' in viewer.get(f"/{downloadable}/watch").text


def test_mp4_needs_downloads_enabled_on_the_video(
    api: httpx.Client, viewer: httpx.Client, sandbox: Sandbox
) -> None:
    assert not sandbox.downloads_enabled(WEBINAR)
    token = minted(api, WEBINAR, downloadable=True)

    response = viewer.get(f"/{token}/downloads/default.mp4")

    assert response.status_code == 403
    assert f"Downloads are not enabled for {name_of(sandbox, WEBINAR)}." in response.text


def test_mp4_filename_follows_cloudflares_rule(api: httpx.Client, viewer: httpx.Client) -> None:
    token = minted(api, KEYNOTE, downloadable=True)
    path = f"/{token}/downloads/default.mp4"

    named = viewer.get(path, params={"filename": "keynote_2025"})
    bad = viewer.get(path, params={"filename": "../etc/passwd"})

    assert named.headers["content-disposition"] == 'attachment; filename="keynote_2025.mp4"'
    assert bad.status_code == 400


# -- escaping and routing -------------------------------------------------------------------------

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture
def evil_name(api: httpx.Client, sandbox: Sandbox) -> Iterator[str]:
    """Renames two videos for one test; the sandbox keeps its videos across the module."""
    originals = {uid: name_of(sandbox, uid) for uid in (ONBOARDING, KEYNOTE)}
    for uid in originals:
        assert api.post(stream(f"/{uid}"), json={"meta": {"name": EVIL}}).status_code == 200
    try:
        yield EVIL
    finally:
        for uid, name in originals.items():
            api.post(stream(f"/{uid}"), json={"meta": {"name": name}})


def test_html_escapes_the_video_name(
    api: httpx.Client, viewer: httpx.Client, evil_name: str
) -> None:
    token = minted(api, KEYNOTE)

    for path in (f"/{ONBOARDING}/watch", f"/{KEYNOTE}/iframe", f"/{token}/watch"):
        text = viewer.get(path).text
        assert "<script>" not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in text, path
    assert "default-src 'none'" in viewer.get(f"/{token}/watch").headers["content-security-policy"]


def test_unknown_delivery_paths_keep_the_api_404(api: httpx.Client, viewer: httpx.Client) -> None:
    token = minted(api, KEYNOTE)

    for response in (
        viewer.get(f"/{token}/manifest/video.txt"),
        viewer.get(f"/{token}/watch/extra"),
        viewer.post(f"/{token}/watch"),
        viewer.get("/watch"),
    ):
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == 7003
