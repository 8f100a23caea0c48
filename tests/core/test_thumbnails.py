"""Where a video's thumbnail is and how it is fetched: only public, ready videos; the URL built
by the app from the UID and customer code (never the API's own URL); no token sent; and an
answer that is too large, not an image, or not a 200 is no picture rather than an error."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from functools import partial

import httpx

from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.thumbnails import MAX_THUMBNAIL_BYTES, ThumbnailFetcher, thumbnail_url
from cfstream_gui.core.videos import VideoSummary

UID = "ea95132c15732412d22c1476fa83f27a"
CLOUDFLARE = "https://api.cloudflare.com/client/v4"
PROFILE = Profile("work", "0" * 32, customer_code="abc123")
VIDEO = VideoSummary(
    uid=UID,
    name="Trailer",
    created=None,
    state="ready",
    ready=True,
    require_signed_urls=False,
    duration=12.0,
    customer_code="m033z5x00ks6nunl",
)


def test_a_public_ready_video_has_its_thumbnail_on_its_own_customer_host() -> None:
    url = thumbnail_url(VIDEO, PROFILE, CLOUDFLARE)
    assert url is not None
    assert url.startswith(
        f"https://customer-m033z5x00ks6nunl.cloudflarestream.com/{UID}/thumbnails/thumbnail.jpg?"
    )
    # The profile's code when the video's URLs did not name one.
    without = dataclasses.replace(VIDEO, customer_code=None)
    assert "customer-abc123." in str(thumbnail_url(without, PROFILE, CLOUDFLARE))


def test_no_thumbnail_is_fetched_where_it_needs_a_token_or_does_not_exist() -> None:
    assert (
        thumbnail_url(dataclasses.replace(VIDEO, require_signed_urls=True), PROFILE, CLOUDFLARE)
        is None
    )
    assert thumbnail_url(dataclasses.replace(VIDEO, ready=False), PROFILE, CLOUDFLARE) is None
    no_code = dataclasses.replace(VIDEO, customer_code=None)
    assert (
        thumbnail_url(no_code, dataclasses.replace(PROFILE, customer_code=None), CLOUDFLARE) is None
    )
    # A UID that would change the path is never put into a URL.
    assert thumbnail_url(dataclasses.replace(VIDEO, uid="../../x?y"), PROFILE, CLOUDFLARE) is None


def test_a_local_api_without_a_delivery_base_fetches_nothing_from_the_internet() -> None:
    local = "http://127.0.0.1:8787/client/v4"
    assert thumbnail_url(VIDEO, PROFILE, local) is None
    sandbox = dataclasses.replace(PROFILE, delivery_base_url="http://127.0.0.1:8787")
    assert str(thumbnail_url(VIDEO, sandbox, local)).startswith(f"http://127.0.0.1:8787/{UID}/")


PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def fetch(
    answer: Callable[[httpx.Request], httpx.Response],
) -> tuple[bytes | None, list[httpx.Request]]:
    """What the fetcher makes of `answer`, and the requests it sent."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    async def run() -> bytes | None:
        fetcher = ThumbnailFetcher(transport=httpx.MockTransport(record))
        try:
            return await fetcher.fetch(f"https://customer-abc123.cloudflarestream.com/{UID}/t.jpg")
        finally:
            await fetcher.aclose()

    return asyncio.run(run()), seen


def test_a_picture_is_fetched_without_any_token() -> None:
    body = PNG_HEADER + b"rest"
    data, seen = fetch(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "image/png"})
    )
    assert data == body
    assert "authorization" not in seen[0].headers
    assert seen[0].headers["accept"] == "image/*"


def given(answer: httpx.Response, _request: httpx.Request) -> httpx.Response:
    return answer


def test_what_is_not_a_small_image_is_no_picture() -> None:
    too_big = b"x" * (MAX_THUMBNAIL_BYTES + 1)
    answers = [
        httpx.Response(200, content=too_big, headers={"content-type": "image/jpeg"}),
        httpx.Response(200, content=b"<html>login</html>", headers={"content-type": "text/html"}),
        httpx.Response(401, content=b"needs a token", headers={"content-type": "image/png"}),
        httpx.Response(302, headers={"location": "https://elsewhere.example/x.png"}),
    ]
    for answer in answers:
        data, _seen = fetch(partial(given, answer))
        assert data is None, answer


def test_a_network_failure_is_no_picture() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    data, _seen = fetch(refuse)
    assert data is None
