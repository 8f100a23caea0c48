"""The delivery side of the sandbox: what `customer-<CODE>.cloudflarestream.com` would answer.

The first path segment is a video UID or a signed token in its place (reference §6). A UID plays
only when the video does not require signed URLs; a token is checked like the edge checks it
(`verify_playback`) for the viewer at the other end of the connection.

The viewer is whoever connected, unless a `CF-Connecting-IP` header names another address, as
Cloudflare's own header does behind its proxy; so a check can ask "as a viewer at 2001:db8::1".
Loopback has no GeoIP: the country comes from `CF-IPCountry`, `X-Sandbox-Country` or a
`?country=` query, and defaults to `XX`, Cloudflare's "unknown".

Every answer carries its verdict as a word in `X-Sandbox-Verdict` (and the deciding rule's
1-based number in `X-Sandbox-Rule`), so the app's playback check can say exactly why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from cfstream_gui.core.edge_verdicts import RULE_HEADER, VERDICT_HEADER, EdgeVerdict
from cfstream_gui.core.simulate import SimulationError, parse_viewer_ip
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

COUNTRY_HEADERS = ("cf-ipcountry", "x-sandbox-country")
VIEWER_IP_HEADER = "cf-connecting-ip"
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
        country = _country(headers, query)
        if not _COUNTRY.match(country):
            return _text(
                400,
                f"The viewer country {country!r} should be a two-letter code such as US "
                f"(from the CF-IPCountry or X-Sandbox-Country header, or ?country=).",
                EdgeVerdict.REFUSED,
            )
        viewer = _viewer_ip(headers, viewer_ip)
        if viewer is None:
            return _text(
                400,
                "The CF-Connecting-IP header should be one IPv4 or IPv6 address.",
                EdgeVerdict.REFUSED,
            )
        now = int(self._clock())
        access = self._access(found.group("id"), viewer, country.upper(), now)
        if kind in ("watch", "iframe"):
            reply = self._page(access, kind, now, query)
        else:
            reply = self._media(access, kind, query)
        if VERDICT_HEADER not in reply.headers:
            reply.headers.update(_verdict_headers(access.verdict, access.rule_index))
        return reply

    # -- the decision ---------------------------------------------------------------------

    def _access(self, segment: str, viewer_ip: str, country: str, now: int) -> Access:
        video = self._account.video(segment)
        if video is not None:
            if video.get("requireSignedURLs"):
                reason = (
                    "This video requires signed URLs: put a signed token in the link where "
                    "the video ID is."
                )
                verdict = EdgeVerdict.NEEDS_TOKEN
                return Access(401, reason, video, None, viewer_ip, country, verdict=verdict)
            reason = "This video is public: anyone with the link can watch it."
            return Access(200, reason, video, None, viewer_ip, country)
        if "." not in segment:  # neither a known UID nor anything shaped like a token
            reason = f"No video has the ID {segment}, and it is not a signed token either."
            verdict = EdgeVerdict.VIDEO_NOT_FOUND
            return Access(404, reason, None, None, viewer_ip, country, verdict=verdict)
        bad = EdgeVerdict.BAD_TOKEN
        try:
            token = decode_token(segment)
        except TokenDecodeError as exc:
            return Access(403, str(exc), None, None, viewer_ip, country, verdict=bad)
        if token.sub is None:
            reason = "The token has no sub claim naming the video it plays."
            return Access(403, reason, None, token, viewer_ip, country, verdict=bad)
        video = self._account.video(token.sub)
        if video is None:
            reason = f"The token is for video {token.sub}, which is not in this account."
            verdict = EdgeVerdict.VIDEO_NOT_FOUND
            return Access(403, reason, None, token, viewer_ip, country, verdict=verdict)
        decided = verify_playback(
            segment, token.sub, self._account, viewer_ip=viewer_ip, country=country, now=now
        )
        status = 200 if decided.allowed else 403
        return Access(
            status,
            decided.reason,
            video,
            token,
            viewer_ip,
            country,
            decided.rule_index,
            decided.verdict,
        )

    def _download_refusal(self, access: Access) -> tuple[EdgeVerdict, str] | None:
        """Why the MP4 may not be fetched even though the video may be watched, if it may not."""
        if access.token is not None and not access.token.downloadable:
            reason = "This token does not allow downloads; create one with downloadable set."
            return EdgeVerdict.NOT_DOWNLOADABLE, reason
        uid = str(access.video["uid"]) if access.video is not None else ""
        if not self._account.downloads_enabled(uid):
            return (
                EdgeVerdict.MP4_NOT_ENABLED,
                f"Downloads are not enabled for {access.video_name}.",
            )
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
            reason = f"{access.video_name} is still encoding; try again when it is ready."
            return _text(404, reason, EdgeVerdict.NOT_READY)
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
            verdict, reason = refusal
            return _text(403, reason, verdict)
        filename = query.get("filename", "default")
        if not _FILENAME.match(filename):
            return _text(
                400,
                "filename must be 1 to 120 letters, digits, '-' or '_'; .mp4 is added for you.",
                EdgeVerdict.REFUSED,
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


def _text(status: int, reason: str, verdict: EdgeVerdict | None = None) -> Delivered:
    body = f"{status} {HTTPStatus(status).phrase}: {reason}\n".encode()
    headers = {"Content-Type": _TEXT, "Cache-Control": "no-store"}
    if verdict is not None:
        headers.update(_verdict_headers(verdict, None))
    return Delivered(status, body, headers)


def _verdict_headers(verdict: EdgeVerdict, rule_index: int | None) -> dict[str, str]:
    headers = {VERDICT_HEADER: verdict.value}
    if rule_index is not None:
        headers[RULE_HEADER] = str(rule_index + 1)
    return headers


def _country(headers: dict[str, str], query: dict[str, str]) -> str:
    for name in COUNTRY_HEADERS:
        if headers.get(name):
            return headers[name].strip()
    return query.get("country") or UNKNOWN_COUNTRY


def _viewer_ip(headers: dict[str, str], connected: str) -> str | None:
    """The viewer's address: CF-Connecting-IP when sent (None if it is not one address),
    else the connection's, an IPv4 viewer on a dual-stack socket shown as IPv4."""
    text = headers.get(VIEWER_IP_HEADER, connected).strip()
    try:
        return str(parse_viewer_ip(text))
    except SimulationError:
        return None
