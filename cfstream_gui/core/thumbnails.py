"""Video thumbnails for a list of videos: where each one is, and fetching it within a bound.

Only what can be fetched without a token is fetched: a video that requires signed URLs serves
its thumbnail only for a signed token, and minting one per row would spend the API's rate limit
on pictures. The URL is built from the video's UID and customer code with the app's own link
template (never taken from the API's answer as it stands), so a hostile answer cannot send the
app to fetch from anywhere else; the app's API token is never sent with it.

A picture is small: an answer past `MAX_THUMBNAIL_BYTES`, or one that is not an image, is
treated as no picture. Nothing here raises for a failed fetch: a missing thumbnail is not an
error the user has to deal with.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from cfstream_gui.core.cloudflare._body import read_body
from cfstream_gui.core.cloudflare._errors import BadResponse
from cfstream_gui.core.cloudflare._http import new_http_client
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.urls import is_loopback_host, playback_urls
from cfstream_gui.core.videos import VideoSummary

logger = logging.getLogger(__name__)

MAX_THUMBNAIL_BYTES = 512 * 1024
# Cloudflare scales the picture to what a table row shows (D-THUMB: width, height, fit).
SIZE_QUERY = "?width=128&height=72&fit=crop"
TIMEOUT = 10.0


def thumbnail_url(video: VideoSummary, profile: Profile, api_base_url: str) -> str | None:
    """Where `video`'s thumbnail is, or None when there is nothing to fetch without a token:
    the video is not ready, requires signed URLs, or has no customer code to find it by. A
    profile whose API is on this computer (a sandbox) without a delivery base URL has its
    videos nowhere on the internet, so none are fetched for it either."""
    if not video.ready or video.require_signed_urls:
        return None
    code = video.customer_code or profile.customer_code
    delivery = profile.delivery_base_url
    if code is None or (delivery is None and _is_local(api_base_url)):
        return None
    try:
        urls = playback_urls(code, video.uid, downloadable=False, delivery_base=delivery)
    except ValueError:  # a UID or code that cannot go into a link
        return None
    return urls.thumbnail + SIZE_QUERY


def _is_local(url: str) -> bool:
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL:
        return False
    return is_loopback_host(host)


class ThumbnailFetcher:
    """One pooled HTTP client for thumbnails (made on first use, in a worker thread: its TLS
    context is the slow part). `fetch` returns the picture's bytes or None."""

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limit: int = MAX_THUMBNAIL_BYTES,
    ) -> None:
        self._transport = transport
        self._limit = limit
        self._http: httpx.AsyncClient | None = None
        self._making: asyncio.Future[httpx.AsyncClient] | None = None

    async def fetch(self, url: str) -> bytes | None:
        try:
            http = await self._client(url)
            async with http.stream("GET", url, headers={"Accept": "image/*"}) as response:
                if response.status_code != 200 or not _is_image(response):
                    return None
                return await read_body(response, self._limit)
        except (httpx.HTTPError, BadResponse) as exc:
            logger.debug("no thumbnail: %s", type(exc).__name__)
            return None

    async def _client(self, url: str) -> httpx.AsyncClient:
        if self._http is not None:
            return self._http
        if self._making is None:
            host = httpx.URL(url).host
            loop = asyncio.get_running_loop()
            self._making = loop.run_in_executor(None, self._make, host)
        self._http = await asyncio.shield(self._making)
        return self._http

    def _make(self, host: str) -> httpx.AsyncClient:
        return new_http_client(self._transport, timeout=TIMEOUT, host=host)

    def is_open(self) -> bool:
        """Whether a connection pool is open (or being made)."""
        return self._http is not None or self._making is not None

    async def aclose(self) -> None:
        http, making = self._http, self._making
        self._http = self._making = None
        if http is None and making is not None:
            http = await making  # being made in a worker thread: close it once it exists
        if http is not None:
            # Shielded: a cancelled caller must not leave the pool's sockets open.
            await asyncio.shield(http.aclose())


def _is_image(response: httpx.Response) -> bool:
    kind: str = response.headers.get("content-type", "")
    return kind.split(";")[0].strip().lower().startswith("image/")
