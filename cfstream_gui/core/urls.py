"""Playback links for a signed token, and the account's customer code behind them.

Cloudflare's rule is that the token takes the place of the video UID: the whole path segment
after `customer-<CODE>.cloudflarestream.com/`. No API field gives the customer code by itself,
so it is read from the host of any video URL the API returns.
"""

from __future__ import annotations

import html
import ipaddress
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cfstream_gui.core.ids import shown

URL_KINDS = ("iframe", "watch", "hls", "dash", "thumbnail", "mp4", "embed")
URL_KIND_LABELS: dict[str, str] = {
    "iframe": "Player iframe",
    "watch": "Watch page",
    "hls": "HLS manifest",
    "dash": "DASH manifest",
    "thumbnail": "Thumbnail",
    "mp4": "MP4 download",
    "embed": "Embed HTML",
}

# The one definition of a customer code and of the host it names (use fullmatch).
CUSTOMER_CODE_RE = re.compile(r"[a-z0-9]+")
CUSTOMER_HOST_RE = re.compile(r"customer-([a-z0-9]+)\.cloudflarestream\.com")
# A JWS compact token (base64url parts joined by dots) or a bare video UID. Anything else
# would change the meaning of the URL path.
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_.-]+$")

# Cloudflare's documented responsive embed: a 16:9 box with the player filling it.
_EMBED_TEMPLATE = (
    '<div style="position: relative; padding-top: 56.25%;">'
    '<iframe src="{src}" '
    'style="border: none; position: absolute; top: 0; left: 0; height: 100%; width: 100%;" '
    'allow="accelerometer; gyroscope; autoplay; encrypted-media; picture-in-picture;" '
    'allowfullscreen="true"></iframe>'
    "</div>"
)


@dataclass(frozen=True)
class PlaybackUrls:
    iframe: str
    watch: str
    hls: str
    dash: str
    thumbnail: str
    mp4: str | None  # only when the token allows downloads
    embed: str

    def get(self, kind: str) -> str | None:
        if kind not in URL_KINDS:
            raise KeyError(f"Unknown link kind “{kind}”; expected one of {', '.join(URL_KINDS)}.")
        value: str | None = getattr(self, kind)
        return value

    def items(self) -> Iterator[tuple[str, str | None]]:
        """(kind, url) in display order; `mp4` is included, possibly as None."""
        for kind in URL_KINDS:
            yield kind, self.get(kind)


def is_customer_code(text: str) -> bool:
    return CUSTOMER_CODE_RE.fullmatch(text) is not None


def customer_code_message(code: str) -> str:
    """The sentence for a customer code that is not one (`is_customer_code` is False)."""
    return (
        # Escaped and cut: the code may come from a hand-edited profiles file, and this
        # sentence also reaches a log line that nothing else makes safe for a terminal.
        f"The customer code {shown(code)} should be lowercase letters and digits only, "
        "as in customer-<code>.cloudflarestream.com."
    )


def customer_code_from_host(host: str) -> str | None:
    """The code in a `customer-<code>.cloudflarestream.com` host name, else None."""
    match = CUSTOMER_HOST_RE.fullmatch(host.lower())
    return match.group(1) if match else None


def parse_customer_code(text: str) -> str | None:
    """The code in `abc123`, `customer-abc123` or a whole customer-abc123... host or URL, as
    people paste it; None when there is no code in `text`."""
    code = text.strip().lower()
    code = re.sub(r"^(https?://)?customer-", "", code)
    code = re.sub(r"\.cloudflarestream\.com(/.*)?$", "", code)
    return code if is_customer_code(code) else None


def customer_code_from_video(video: Mapping[str, Any]) -> str | None:
    """The customer code in the host of the video's preview, thumbnail or manifest URLs.

    `preview` and `thumbnail` are missing until encoding finishes, hence the manifests too."""
    playback = video.get("playback")
    candidates = [video.get("preview"), video.get("thumbnail")]
    if isinstance(playback, Mapping):
        candidates += [playback.get("hls"), playback.get("dash")]
    for url in candidates:
        if not isinstance(url, str):
            continue
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError:
            continue
        code = customer_code_from_host(host)
        if code is not None:
            return code
    return None


def playback_urls(
    customer_code: str,
    token: str,
    *,
    downloadable: bool,
    delivery_base: str | None = None,
) -> PlaybackUrls:
    """Every link a viewer could use with `token`. `delivery_base` replaces the Cloudflare host
    (the sandbox serves playback on loopback)."""
    if not is_customer_code(customer_code):
        raise ValueError(customer_code_message(customer_code))
    token = token.strip()
    if not _TOKEN_RE.fullmatch(token):
        raise ValueError(
            "The token cannot go into a link: it should be letters, digits, “-”, “_” and dots "
            "only, as a signed token is."
        )
    base = _base_url(customer_code, delivery_base)
    root = f"{base}/{token}"
    iframe = f"{root}/iframe"
    return PlaybackUrls(
        iframe=iframe,
        watch=f"{root}/watch",
        hls=f"{root}/manifest/video.m3u8",
        dash=f"{root}/manifest/video.mpd",
        thumbnail=f"{root}/thumbnails/thumbnail.jpg",
        mp4=f"{root}/downloads/default.mp4" if downloadable else None,
        embed=_EMBED_TEMPLATE.format(src=html.escape(iframe, quote=True)),
    )


def is_loopback_host(host: str) -> bool:
    """Whether `host` (a name or an address, without brackets) is this computer itself."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def delivery_base_problem(delivery_base: str) -> str | None:
    """What is wrong with a delivery base URL (a sentence), or None when links may use it.
    Plain http is for this computer only: the token in a link is a credential."""
    base = delivery_base.strip().rstrip("/")
    shown = ascii(delivery_base[:80])
    # urlsplit drops tabs and line breaks silently; a base URL has no business holding them.
    if not base.isascii() or not base.isprintable() or " " in base:
        return f"The delivery base URL {shown} contains spaces or control characters."
    try:
        parts = urlsplit(base)
        scheme, host = parts.scheme, parts.hostname or ""
    except ValueError:  # e.g. an unclosed [ in an IPv6 host
        scheme, host = "", ""
    if scheme not in ("http", "https") or not host:
        return f"The delivery base URL {shown} should be an https:// address."
    if scheme == "http" and not is_loopback_host(host):
        return (
            f"The delivery base URL {shown} uses http:// for {host}; only https:// is allowed "
            "except for this computer (127.0.0.1, ::1, localhost)."
        )
    return None


def _base_url(customer_code: str, delivery_base: str | None) -> str:
    if delivery_base is None:
        return f"https://customer-{customer_code}.cloudflarestream.com"
    problem = delivery_base_problem(delivery_base)
    if problem is not None:
        raise ValueError(problem)
    return delivery_base.strip().rstrip("/")
