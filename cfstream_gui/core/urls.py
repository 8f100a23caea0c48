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

# Where playback links point unless a setting or a profile says otherwise. `{code}` is the
# account's customer code; nothing else in a template is filled in.
CODE_PLACEHOLDER = "{code}"
DEFAULT_HOST_TEMPLATE = f"https://customer-{CODE_PLACEHOLDER}.cloudflarestream.com"
# Stands in for the code when a template is checked before any code is known; reads well in
# a message ("http:// for customer-code.example.com").
_SAMPLE_CODE = "code"
_MAX_TEMPLATE_LENGTH = 200

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
    host_template: str | None = None,
) -> PlaybackUrls:
    """Every link a viewer could use with `token`. `delivery_base` replaces the Cloudflare host
    (the sandbox serves playback on loopback); without it the links start with `host_template`
    (see `host_template_problem`) with the customer code filled in, by default
    `https://customer-<code>.cloudflarestream.com`."""
    if not is_customer_code(customer_code):
        raise ValueError(customer_code_message(customer_code))
    token = token.strip()
    if not _TOKEN_RE.fullmatch(token):
        raise ValueError(
            "The token cannot go into a link: it should be letters, digits, “-”, “_” and dots "
            "only, as a signed token is."
        )
    base = _base_url(customer_code, delivery_base, host_template)
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
    return _address_problem(delivery_base, "The delivery base URL", ascii(delivery_base[:80]))


def _address_problem(address: str, what: str, shown: str) -> str | None:
    base = address.strip().rstrip("/")
    # urlsplit drops tabs and line breaks silently; a base URL has no business holding them.
    if not base.isascii() or not base.isprintable() or " " in base:
        return f"{what} {shown} contains spaces or control characters."
    try:
        parts = urlsplit(base)
        scheme, host = parts.scheme, parts.hostname or ""
    except ValueError:  # e.g. an unclosed [ in an IPv6 host
        scheme, host = "", ""
    else:
        try:
            _ = parts.port  # read only to refuse one out of range or not a number
        except ValueError:
            return f"{what} {shown} has a port that is not a number from 0 to 65535."
    if scheme not in ("http", "https") or not host:
        return f"{what} {shown} should be an https:// address."
    if scheme == "http" and not is_loopback_host(host):
        return (
            f"{what} {shown} uses http:// for {host}; only https:// is allowed "
            "except for this computer (127.0.0.1, ::1, localhost)."
        )
    return None


def host_template_problem(template: str) -> str | None:
    """What is wrong with a link host template (a sentence naming it), or None when links may
    start with it. A template is a base URL holding `{code}` exactly once, such as
    `https://customer-{code}.cloudflarestream.com`: https (http only for this computer), no
    query, fragment or user name, and no other braces (it is filled in by plain replacement,
    never by str.format, so nothing else in it is ever evaluated)."""
    text = template.strip()
    shown = ascii(template[:80])
    if len(text) > _MAX_TEMPLATE_LENGTH:
        return f"The link host template is longer than {_MAX_TEMPLATE_LENGTH} characters."
    if text.count(CODE_PLACEHOLDER) != 1:
        return (
            f"The link host template {shown} should contain {CODE_PLACEHOLDER} exactly once, "
            f"where the customer code goes, as in {DEFAULT_HOST_TEMPLATE}."
        )
    rest = text.replace(CODE_PLACEHOLDER, "")
    if "{" in rest or "}" in rest:
        return (
            f"The link host template {shown} has braces other than {CODE_PLACEHOLDER}; "
            "only the customer code can be filled in."
        )
    if any(mark in rest for mark in "?#@\\"):
        return (
            f"The link host template {shown} should be a plain https:// address, without a "
            "query (?), a fragment (#), a user name (@) or a backslash: the token's path "
            "follows it."
        )
    return _address_problem(
        expand_host_template(text, _SAMPLE_CODE), "The link host template", shown
    )


def expand_host_template(template: str, customer_code: str) -> str:
    """The base URL `template` names for `customer_code`, without a trailing slash."""
    return template.strip().replace(CODE_PLACEHOLDER, customer_code).rstrip("/")


def link_base(
    customer_code: str | None, *, delivery_base: str | None, host_template: str | None
) -> str | None:
    """What playback links for `customer_code` start with, as `playback_urls` builds them:
    `delivery_base` when given (the sandbox's), else `host_template` (None: Cloudflare's host)
    filled in. None when the code is unknown or the address unusable: then there are no links.
    """
    if customer_code is None or not is_customer_code(customer_code):
        return None
    try:
        return _base_url(customer_code, delivery_base, host_template)
    except ValueError:
        return None


def _base_url(customer_code: str, delivery_base: str | None, host_template: str | None) -> str:
    if delivery_base is None:
        template = DEFAULT_HOST_TEMPLATE if host_template is None else host_template
        problem = host_template_problem(template)
        if problem is not None:
            raise ValueError(problem)
        return expand_host_template(template, customer_code)
    problem = delivery_base_problem(delivery_base)
    if problem is not None:
        raise ValueError(problem)
    return delivery_base.strip().rstrip("/")
