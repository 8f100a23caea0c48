"""Turn whatever a user pastes into the video field into a video UID.

People copy links from the Stream dashboard, from an embed snippet or from a browser's address
bar far more often than the bare UID, so any Stream playback URL is accepted: the customer-code
host (`/<uid>/watch`, `/<uid>/iframe`, `/<uid>/manifest/video.m3u8`, ...), the legacy
`iframe.videodelivery.net/<uid>` and `watch.videodelivery.net/<uid>` hosts, and an `<iframe>` or
`<stream>` snippet with such a URL inside, and a signed link (its token names the video). The
customer code in the host comes along for free, which saves an API call when building playback
links later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cfstream_gui.core.ids import is_hex_id
from cfstream_gui.core.tokens import TokenDecodeError, decode_token
from cfstream_gui.core.urls import customer_code_from_host

_URL_IN_TEXT_RE = re.compile(r"(?:https?://|//)[^\s\"'<>]+|[\w.-]+\.(?:com|net)/[^\s\"'<>]+")
_STREAM_HOSTS = re.compile(r"(^|\.)(cloudflarestream\.com|videodelivery\.net)$")


@dataclass(frozen=True)
class VideoReference:
    """What was found in the pasted text. `uid` is the text itself (trimmed) when no Stream URL
    was recognised, so validation can explain what is wrong with it."""

    uid: str
    customer_code: str | None = None
    from_url: bool = False


def is_video_uid(text: str) -> bool:
    return is_hex_id(text)


def parse_video_reference(text: str) -> VideoReference:
    """The video UID in `text`: a bare UID (lower-cased), or the UID inside a Stream URL."""
    stripped = text.strip()
    if is_video_uid(stripped):
        return VideoReference(stripped.lower())
    for candidate in _url_candidates(stripped):
        found = _from_url(candidate)
        if found is not None:
            return found
    return VideoReference(stripped)


def _url_candidates(text: str) -> list[str]:
    if not text:
        return []
    # The whole text first (a plain URL), then any URL inside a snippet of HTML.
    return [text, *_URL_IN_TEXT_RE.findall(text)]


def _from_url(text: str) -> VideoReference | None:
    if "://" not in text:
        text = "https:" + text if text.startswith("//") else "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not _STREAM_HOSTS.search(host):
        return None
    # The UID is the first path segment on every Stream host; the embed host puts it later.
    segments = [s for s in parts.path.split("/") if s]
    uid = next((s for s in segments if is_video_uid(s)), None)
    if uid is None:
        uid = _uid_from_signed_segment(segments)
    if uid is None:
        return None
    return VideoReference(uid.lower(), customer_code_from_host(host), from_url=True)


def _uid_from_signed_segment(segments: list[str]) -> str | None:
    """A signed link carries a token where the UID was; the token's `sub` is the UID."""
    for segment in segments:
        if segment.count(".") != 2:
            continue
        try:
            sub = decode_token(segment).sub
        except TokenDecodeError:
            continue
        if sub is not None and is_video_uid(sub):
            return sub
    return None
