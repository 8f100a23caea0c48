"""The sandbox answers the Stream API like Cloudflare: envelopes, auth, routing, videos."""

from __future__ import annotations

import httpx
import pytest

from cfstream_gui.sandbox import Sandbox
from tests.sandbox.helpers import error_of, stream

OTHER_ACCOUNT = "0123456789abcdef0123456789abcdef"


def test_demo_constants_have_cloudflare_shapes() -> None:
    assert len(Sandbox.DEMO_ACCOUNT_ID) == 32
    assert int(Sandbox.DEMO_ACCOUNT_ID, 16) >= 0
    assert Sandbox.DEMO_ACCOUNT_ID.lower() == Sandbox.DEMO_ACCOUNT_ID
    code = Sandbox.DEMO_CUSTOMER_CODE
    assert len(code) == 16 and code.isalnum() and code == code.lower()
    # Nobody should mistake the demo token for a real one (40 alphanumerics or cfut_/cfat_).
    assert Sandbox.DEMO_API_TOKEN.startswith("sandbox-")
    assert Sandbox.DEMO_EXPIRED_API_TOKEN.startswith("sandbox-")


def test_base_url_is_loopback_v4(sandbox: Sandbox) -> None:
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    assert sandbox.base_url.endswith("/client/v4")


def test_success_envelope_and_rate_limit_headers(api: httpx.Client) -> None:
    response = api.get("/user/tokens/verify")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"result", "success", "errors", "messages"}
    assert body["success"] is True and body["errors"] == []
    assert response.headers["ratelimit-policy"] == '"burst";q=1200;w=300'
    assert response.headers["ratelimit"] == '"default";r=1199;t=300'
    second = api.get("/user/tokens/verify")
    assert second.headers["ratelimit"].startswith('"default";r=1198;')


def test_error_responses_carry_rate_limit_headers_too(anon: httpx.Client) -> None:
    response = anon.get("/user/tokens/verify")
    assert response.headers["ratelimit"].startswith('"default";r=')
    assert "ratelimit-policy" in response.headers


@pytest.mark.parametrize(
    "path", ["/user/tokens/verify", f"/accounts/{Sandbox.DEMO_ACCOUNT_ID}/tokens/verify"]
)
def test_verify_reports_active_token(api: httpx.Client, path: str) -> None:
    body = api.get(path).json()
    assert body["result"]["status"] == "active"
    assert len(body["result"]["id"]) == 32
    assert body["messages"] == [{"code": 10000, "message": "This API Token is valid and active"}]


def test_verify_reports_expired_token(anon: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {Sandbox.DEMO_EXPIRED_API_TOKEN}"}
    response = anon.get("/user/tokens/verify", headers=headers)
    assert response.status_code == 200
    assert response.json()["result"]["status"] == "expired"
    assert response.json()["messages"] == []


def test_verify_rejects_unknown_token(anon: httpx.Client) -> None:
    response = anon.get("/user/tokens/verify", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert error_of(response) == {"code": 1000, "message": "Invalid API Token"}


def test_wrong_token_is_authentication_error(anon: httpx.Client, sandbox: Sandbox) -> None:
    uid = sandbox.video_uids()[0]
    response = anon.get(stream(f"/{uid}"), headers={"Authorization": "Bearer wrong-token"})
    assert response.status_code == 401
    assert error_of(response) == {"code": 10000, "message": "Authentication error"}


def test_expired_token_cannot_call_the_api(anon: httpx.Client, sandbox: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {Sandbox.DEMO_EXPIRED_API_TOKEN}"}
    response = anon.post(stream(f"/{sandbox.video_uids()[0]}/token"), headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == 10000


def test_missing_authorization_header(anon: httpx.Client) -> None:
    response = anon.get(stream())
    assert response.status_code == 400
    assert error_of(response)["code"] == 9106


def test_malformed_authorization_header(anon: httpx.Client) -> None:
    response = anon.get(stream(), headers={"Authorization": Sandbox.DEMO_API_TOKEN})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == 6003
    assert error["error_chain"][0]["code"] == 6111


def test_valid_token_for_another_account_is_forbidden(api: httpx.Client) -> None:
    response = api.get(f"/accounts/{OTHER_ACCOUNT}/stream")
    assert response.status_code == 403
    assert error_of(response)["code"] == 10000


def test_unknown_route(api: httpx.Client) -> None:
    response = api.get("/accounts/nothing/here/at/all")
    assert response.status_code == 404
    assert error_of(response) == {"code": 7003, "message": "No route for the URI"}


def test_known_path_with_wrong_method_has_no_route(api: httpx.Client) -> None:
    response = api.delete(stream())
    assert response.status_code == 404
    assert error_of(response)["code"] == 7003


def test_malformed_identifier_cannot_be_routed(api: httpx.Client) -> None:
    # A typical mistake: pasting a token where the video ID belongs.
    response = api.get(stream("/eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == 7003
    assert "identifier is invalid" in error["message"]


def test_get_ready_video(api: httpx.Client, sandbox: Sandbox) -> None:
    uid = sandbox.video_uids(signed=True)[0]
    video = api.get(stream(f"/{uid}")).json()["result"]
    host = f"https://customer-{Sandbox.DEMO_CUSTOMER_CODE}.cloudflarestream.com/{uid}"
    assert video["uid"] == uid
    assert video["requireSignedURLs"] is True
    assert video["readyToStream"] is True
    assert video["status"]["state"] == "ready"
    assert video["status"]["pctComplete"] == "100.000000"
    assert video["duration"] > 0
    assert video["meta"]["name"]
    assert video["preview"] == f"{host}/watch"
    assert video["thumbnail"] == f"{host}/thumbnails/thumbnail.jpg"
    assert video["playback"] == {
        "hls": f"{host}/manifest/video.m3u8",
        "dash": f"{host}/manifest/video.mpd",
    }


def test_video_still_encoding_has_no_preview_or_thumbnail(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    encoding = [v for v in sandbox.videos if v["status"]["state"] == "inprogress"]
    assert len(encoding) == 1
    video = api.get(stream(f"/{encoding[0]['uid']}")).json()["result"]
    assert video["readyToStream"] is False
    assert "preview" not in video and "thumbnail" not in video


def test_unknown_video_is_not_found(api: httpx.Client) -> None:
    response = api.get(stream("/ffffffffffffffffffffffffffffffff"))
    assert response.status_code == 404
    assert "ffffffffffffffffffffffffffffffff" in error_of(response)["message"]


def test_downloads_list_the_mp4_only_where_it_was_made(api: httpx.Client, sandbox: Sandbox) -> None:
    enabled = [uid for uid in sandbox.video_uids() if sandbox.downloads_enabled(uid)]
    disabled = [uid for uid in sandbox.video_uids() if not sandbox.downloads_enabled(uid)]
    assert enabled and disabled

    made = api.get(stream(f"/{enabled[0]}/downloads")).json()["result"]
    assert made["default"]["status"] == "ready"
    assert made["default"]["url"].endswith(f"/{enabled[0]}/downloads/default.mp4")
    assert api.get(stream(f"/{disabled[0]}/downloads")).json()["result"] == {}
    assert api.get(stream("/ffffffffffffffffffffffffffffffff/downloads")).status_code == 404


def test_demo_library_mixes_signed_and_public_videos(sandbox: Sandbox) -> None:
    signed, public = sandbox.video_uids(signed=True), sandbox.video_uids(signed=False)
    assert signed and public
    assert sorted(signed + public) == sorted(sandbox.video_uids())
    assert 5 <= len(sandbox.videos) <= 7
    # The first signed and public UIDs are playable, so tests can simply take [0].
    ready = {v["uid"] for v in sandbox.videos if v["readyToStream"]}
    assert signed[0] in ready and public[0] in ready


def test_list_videos_with_total_and_range(api: httpx.Client, sandbox: Sandbox) -> None:
    body = api.get(stream(), params={"include_counts": "true"}).json()
    assert [v["uid"] for v in body["result"]] == [v["uid"] for v in sandbox.videos]
    assert body["total"] == body["range"] == len(sandbox.videos)
    # Cloudflare adds the total only when asked for it.
    assert "total" not in api.get(stream()).json()
    created = [v["created"] for v in body["result"]]
    assert created == sorted(created, reverse=True)


def test_list_search_matches_part_of_name_case_insensitively(api: httpx.Client) -> None:
    body = api.get(stream(), params={"search": "TRAINING", "include_counts": "true"}).json()
    assert [v["meta"]["name"] for v in body["result"]] == ["Training: advanced signing"]
    assert body["total"] == 1


def test_list_limit(api: httpx.Client, sandbox: Sandbox) -> None:
    body = api.get(stream(), params={"limit": "2", "include_counts": "true"}).json()
    assert len(body["result"]) == 2
    assert body["total"] == len(sandbox.videos)


def test_list_pages_with_before(api: httpx.Client, sandbox: Sandbox) -> None:
    first = api.get(stream(), params={"limit": "2"}).json()["result"]
    rest = api.get(stream(), params={"before": first[-1]["created"]}).json()["result"]
    assert [v["uid"] for v in first + rest] == sandbox.video_uids()


@pytest.mark.parametrize("limit", ["0", "1001", "ten"])
def test_list_rejects_bad_limit(api: httpx.Client, limit: str) -> None:
    response = api.get(stream(), params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in error_of(response)["message"]


def test_edit_video_requires_signed_urls() -> None:
    # Its own sandbox: editing changes the demo library.
    with Sandbox() as sandbox:
        uid = sandbox.video_uids(signed=False)[0]
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        with httpx.Client(base_url=sandbox.base_url, headers=headers) as api:
            response = api.post(stream(f"/{uid}"), json={"uid": uid, "requireSignedURLs": True})
            assert response.json()["result"]["requireSignedURLs"] is True
            assert api.get(stream(f"/{uid}")).json()["result"]["requireSignedURLs"] is True
        assert uid in sandbox.video_uids(signed=True)


def test_edit_video_rejects_mismatched_uid(api: httpx.Client, sandbox: Sandbox) -> None:
    uid, other = sandbox.video_uids()[:2]
    response = api.post(stream(f"/{uid}"), json={"uid": other, "requireSignedURLs": True})
    assert response.status_code == 400
    assert "uid" in error_of(response)["message"]
