"""The delivery side of the sandbox: what `customer-<CODE>.cloudflarestream.com` would answer.

The first path segment is a video UID or a signed token in its place (reference §6). A UID plays
only when the video does not require signed URLs; a token is checked like the edge checks it
(`verify_playback`) for the viewer at the other end of the connection. The country the edge
would see comes from an `X-Sandbox-Country` header or a `?country=` query, since loopback has no
GeoIP; it defaults to `XX`, Cloudflare's "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from cfstream_gui.core.tokens import TokenDecodeError, decode_token
from cfstream_gui.sandbox.delivery_media import (
    DASH_TYPE,
    HLS_TYPE,
    MP4_TYPE,
    PNG_TYPE,
    dash_manifest,
    hls_manifest,
    mp4_bytes,
    thumbnail_png,
)
from cfstream_gui.sandbox.delivery_pages import PAGE_HEADERS, Access, html_page
from cfstream_gui.sandbox.state import Account
from cfstream_gui.sandbox.tokens import verify_playback

COUNTRY_HEADER = "x-sandbox-country"
UNKNOWN_COUNTRY = "XX"

# The asset part of each delivery URL (core/urls.py builds the same shapes).
ASSETS = {
    "watch": "watch",
    "iframe": "iframe",
    "manifest/video.m3u8": "hls",
    "manifest/video.mpd": "dash",
    "thumbnails/thumbnail.jpg": "thumbnail",
    "downloads/default.mp4": "mp4",
}
_PATH = re.compile(
    r"^/(?P<id>[^/]+)/(?P<asset>" + "|".join(re.escape(asset) for asset in ASSETS) + r")$"
)
_COUNTRY = re.compile(r"^[A-Za-z0-9]{2}$")
_FILENAME = re.compile(r"^[A-Za-z0-9_-]{1,120}$")  # Cloudflare's rule for ?filename=
_TEXT = "text/plain; charset=utf-8"
_HTML = "text/html; charset=utf-8"
_LINK_LABELS = {
    "hls": "HLS manifest",
    "dash": "DASH manifest",
    "thumbnail": "Thumbnail",
    "mp4": "MP4 download",
}


@dataclass(frozen=True)
class Delivered:
    """One delivery answer: status, body and headers (Content-Type included)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Delivery:
    def __init__(self, account: Account, clock: Callable[[], float]) -> None:
        self._account = account
        self._clock = clock

    def serve(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        viewer_ip: str,
    ) -> Delivered | None:
        """The answer for a delivery URL, or None when `path` is not one (the API's 404 then)."""
        found = _PATH.match(path)
        if found is None or method != "GET":
            return None
        kind = ASSETS[found.group("asset")]
        country = headers.get(COUNTRY_HEADER) or query.get("country") or UNKNOWN_COUNTRY
        if not _COUNTRY.match(country):
            return _text(
                400,
                f"The viewer country {country!r} should be a two-letter code such as US "
                f"(from the X-Sandbox-Country header or ?country=).",
            )
        now = int(self._clock())
        access = self._access(found.group("id"), viewer_ip, country.upper(), now)
        if kind in ("watch", "iframe"):
            return self._page(access, kind, now, query)
        return self._media(access, kind, query)

    # -- the decision ---------------------------------------------------------------------

    def _access(self, segment: str, viewer_ip: str, country: str, now: int) -> Access:
        video = self._account.video(segment)
        if video is not None:
            if video.get("requireSignedURLs"):
                reason = (
                    "This video requires signed URLs: put a signed token in the link where "
                    "the video ID is."
                )
                return Access(401, reason, video, None, viewer_ip, country)
            reason = "This video is public: anyone with the link can watch it."
            return Access(200, reason, video, None, viewer_ip, country)
        if "." not in segment:  # neither a known UID nor anything shaped like a token
            reason = f"No video has the ID {segment}, and it is not a signed token either."
            return Access(404, reason, None, None, viewer_ip, country)
        try:
            token = decode_token(segment)
        except TokenDecodeError as exc:
            return Access(403, str(exc), None, None, viewer_ip, country)
        if token.sub is None:
            reason = "The token has no sub claim naming the video it plays."
            return Access(403, reason, None, token, viewer_ip, country)
        video = self._account.video(token.sub)
        if video is None:
            reason = f"The token is for video {token.sub}, which is not in this account."
            return Access(403, reason, None, token, viewer_ip, country)
        verdict = verify_playback(
            segment, token.sub, self._account, viewer_ip=viewer_ip, country=country, now=now
        )
        status = 200 if verdict.allowed else 403
        return Access(status, verdict.reason, video, token, viewer_ip, country, verdict.rule_index)

    def _download_refusal(self, access: Access) -> str | None:
        """Why the MP4 may not be fetched even though the video may be watched, if it may not."""
        if access.token is not None and not access.token.downloadable:
            return "This token does not allow downloads; create one with downloadable set."
        uid = str(access.video["uid"]) if access.video is not None else ""
        if not self._account.downloads_enabled(uid):
            return f"Downloads are not enabled for {access.video_name}."
        return None

    # -- the answers ----------------------------------------------------------------------

    def _page(self, access: Access, kind: str, now: int, query: dict[str, str]) -> Delivered:
        links: dict[str, str] = {}
        if access.allowed:
            # Relative to /<id>/watch, and carrying the ?country= the page was opened with.
            suffix = f"?country={access.country}" if "country" in query else ""
            for asset, asset_kind in ASSETS.items():
                if asset_kind in _LINK_LABELS:
                    if asset_kind == "mp4" and self._download_refusal(access) is not None:
                        continue
                    links[_LINK_LABELS[asset_kind]] = asset + suffix
        body = html_page(access, asset=kind, now=now, links=links)
        return Delivered(access.status, body, {"Content-Type": _HTML, **PAGE_HEADERS})

    def _media(self, access: Access, kind: str, query: dict[str, str]) -> Delivered:
        if not access.allowed:
            return _text(access.status, access.reason)
        assert access.video is not None  # an allowed access always names its video
        if not access.ready:
            return _text(404, f"{access.video_name} is still encoding; try again when it is ready.")
        if kind == "hls":
            return _media_reply(hls_manifest(access.video), HLS_TYPE)
        if kind == "dash":
            return _media_reply(dash_manifest(access.video), DASH_TYPE)
        if kind == "thumbnail":
            return _media_reply(thumbnail_png(), PNG_TYPE)
        return self._download(access, query)

    def _download(self, access: Access, query: dict[str, str]) -> Delivered:
        refusal = self._download_refusal(access)
        if refusal is not None:
            return _text(403, refusal)
        filename = query.get("filename", "default")
        if not _FILENAME.match(filename):
            return _text(
                400,
                "filename must be 1 to 120 letters, digits, '-' or '_'; .mp4 is added for you.",
            )
        reply = _media_reply(mp4_bytes(), MP4_TYPE)
        reply.headers["Content-Disposition"] = f'attachment; filename="{filename}.mp4"'
        return reply


def _media_reply(body: bytes, content_type: str) -> Delivered:
    # Players fetch manifests from other origins, as they do from Cloudflare's edge.
    headers = {
        "Content-Type": content_type,
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-store",
    }
    return Delivered(200, body, headers)


def _text(status: int, reason: str) -> Delivered:
    body = f"{status} {HTTPStatus(status).phrase}: {reason}\n".encode()
    return Delivered(status, body, {"Content-Type": _TEXT, "Cache-Control": "no-store"})
