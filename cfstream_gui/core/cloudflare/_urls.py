"""Where `StreamClient` sends its requests: the API base URL, and the IDs in each path.

The base URL may come from a profile or `CLOUDFLARE_BASE_URL` (the sandbox, a proxy); plain
`http://` is accepted only for this computer, so the API token never crosses a network in clear
text. IDs typed by a user are quoted as single path segments, so a stray '/' or '?' cannot point
a request at another endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from cfstream_gui.core.urls import is_loopback_host

DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"


def resolve_base_url(profile_url: str | None, env: Mapping[str, str]) -> str:
    """The API base URL: the profile's, else `CLOUDFLARE_BASE_URL`, else Cloudflare's.

    Plain `http://` is allowed only for loopback (the sandbox); anywhere else the API token would
    cross the network in clear text.
    """
    origin = "The profile's API base URL"
    url = (profile_url or "").strip()
    if not url:
        origin, url = "CLOUDFLARE_BASE_URL", env.get("CLOUDFLARE_BASE_URL", "").strip()
    if not url:
        return DEFAULT_BASE_URL
    url = url.rstrip("/")
    if not url.isprintable() or any(char.isspace() for char in url):
        # urlsplit would take "https://api.cloudflare.com /v4" and make a host of it.
        raise ValueError(f"{origin} contains spaces or control characters; remove them.")
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname or "", parts.port
    except ValueError:
        raise ValueError(f"{origin} is not a valid URL.") from None
    if parts.scheme.lower() not in ("https", "http") or not host:
        raise ValueError(
            f"{origin} must start with https:// and name a host, like {DEFAULT_BASE_URL}."
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{origin} must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise ValueError(f"{origin} must not contain '?' or '#'.")
    if parts.scheme.lower() == "http" and not is_loopback_host(host):
        raise ValueError(
            f"{origin} uses http:// for {host}; only https:// is allowed except for this "
            "computer (127.0.0.1, ::1, localhost), so the API token is never sent unencrypted."
        )
    return url


def path_segment(value: str, what: str) -> str:
    """One path segment, quoted so a typed '/' or '?' cannot change which endpoint is called."""
    if not value or not value.strip():
        raise ValueError(f"The {what} is empty.")
    if value in (".", ".."):
        raise ValueError(f"The {what} '{value}' is not a valid ID.")
    return quote(value, safe="")
