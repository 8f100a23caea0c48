"""Where a playback check sends a token: the edge host of the link it came in, or the account's.

A token is a credential, so it is sent only to Cloudflare Stream's own hosts or to a sandbox on
this computer (or to the profile's configured delivery base): a pasted link pointing anywhere
else is refused rather than followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cfstream_gui.core.ids import shown
from cfstream_gui.core.inspection import TokenInspectError, find_token
from cfstream_gui.core.urls import delivery_base_problem, is_customer_code, is_loopback_host

_STREAM_HOST = re.compile(r"(^|\.)(cloudflarestream\.com|videodelivery\.net)$")
_CUSTOMER_HOST = re.compile(r"customer-[a-z0-9]+\.cloudflarestream\.com")
# Old player and watch hosts serve no manifests; the media of a token lives on videodelivery.net.
_LEGACY_MEDIA_BASE = "https://videodelivery.net"


class PlaybackTargetError(ValueError):
    """There is no token, or nowhere safe to check it; str() is a sentence saying which."""


@dataclass(frozen=True)
class PlaybackTarget:
    token: str
    base: str  # scheme and host (and port) the assets are fetched from, no trailing slash

    @property
    def is_sandbox(self) -> bool:
        """A sandbox on this computer: it takes the viewer from CF-Connecting-IP and says why."""
        return is_loopback_host(urlsplit(self.base).hostname or "")

    def url(self, asset: str) -> str:
        return f"{self.base}/{self.token}/{asset}"


def playback_target(
    text: str, *, customer_code: str | None = None, delivery_base: str | None = None
) -> PlaybackTarget:
    """The token in `text` and where to check it: the link's own host when `text` is a link,
    else `delivery_base` (a sandbox) or the account's `customer-<code>` host."""
    try:
        token, _ = find_token(text)
    except TokenInspectError as exc:
        raise PlaybackTargetError(str(exc)) from None
    base = _link_base(text, token)
    if base is not None:
        return PlaybackTarget(token, _checked(base, delivery_base))
    if delivery_base is not None:
        problem = delivery_base_problem(delivery_base)
        if problem is not None:
            raise PlaybackTargetError(problem)
        return PlaybackTarget(token, delivery_base.strip().rstrip("/"))
    if customer_code is not None and is_customer_code(customer_code):
        return PlaybackTarget(token, f"https://customer-{customer_code}.cloudflarestream.com")
    raise PlaybackTargetError(
        "A bare token does not say which account's host plays it; paste a whole playback link, "
        "or set the profile's customer code."
    )


def _link_base(text: str, token: str) -> str | None:
    """scheme://host[:port] of the link in `text` whose path holds `token`, if there is one."""
    for word in re.split(r"[\s\"'<>]+", text):
        if token not in word:
            continue
        url = word if "://" in word else "https://" + word.lstrip("/")
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018  # raises ValueError for a port that is not one
        except ValueError:
            continue
        if host and token in parts.path.split("/"):
            return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    return None


def _checked(base: str, delivery_base: str | None) -> str:
    parts = urlsplit(base)
    host = parts.hostname or ""
    configured = delivery_base.strip().rstrip("/").lower() if delivery_base else None
    if is_loopback_host(host) or base == configured:
        problem = delivery_base_problem(base)
        if problem is not None:
            raise PlaybackTargetError(problem)
        return base
    if not _STREAM_HOST.search(host):
        raise PlaybackTargetError(
            f"The link points at {shown(host)}, which is neither Cloudflare Stream nor a "
            "sandbox on this computer; the check sends tokens nowhere else."
        )
    if parts.scheme != "https" or parts.port not in (None, 443):
        raise PlaybackTargetError(
            f"The link uses {shown(parts.scheme + '://')} with port {parts.port}; "
            "Cloudflare Stream links are https:// on the standard port."
        )
    if _CUSTOMER_HOST.fullmatch(host) or host == "videodelivery.net":
        return f"https://{host}"
    return _LEGACY_MEDIA_BASE
