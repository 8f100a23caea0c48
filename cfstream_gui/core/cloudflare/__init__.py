"""The Cloudflare Stream API, as the app uses it: one async client, its answers, its errors.

Every failure is one of these exceptions::

    ApiError            base; also raised as-is for Cloudflare's other 4xx (400, 409, 422...)
    ├── AuthError       no token, HTTP 401/403, code 10000, or code 1000 "Invalid API Token"
    ├── NotFound        HTTP 404
    ├── RateLimited     HTTP 429; .retry_after: float | None seconds Cloudflare asked us to wait
    ├── ServerError     HTTP 5xx
    ├── NetworkError    no HTTP answer: DNS, refused connection, TLS, timeout
    └── BadResponse     not JSON, 2xx with success:false, no result / no result.token, redirect,
                        over 4 MiB, compression that does not decode, JSON nested too deep,
                        a token that is not a signed token

Each carries `.status` (HTTP status or None), `.code` and `.cf_message` (the first of
Cloudflare's `errors[]`), `.errors` (all of them) and `.hint` (what to do); `str()` is one or two
sentences for a person, e.g. "Cloudflare refused the API token (code 10000: Authentication
error). Check the token has Stream Edit permission for this account." No message ever contains
the API token, and nothing here logs it.

The modules are private; import from here. `_client.py` is the client and its retry loop,
`_errors.py` the exceptions, `_envelope.py` reading Cloudflare's envelope and rate-limit headers,
`_models.py` the answers, `_retry.py` the retry policy, `_urls.py` the base URL and path
segments, `_videos.py` the video calls (one video, a page of the list, the signed-URLs switch),
`_http.py` the connection, `_body.py` reading a body within its bound.

The client and the envelope need httpx (~45 ms to import), so they load when first named
(PEP 562): code that only catches these errors or reads these answers never loads httpx.
"""

from typing import TYPE_CHECKING, Any

from cfstream_gui.core.cloudflare._errors import (
    ApiError,
    AuthError,
    BadResponse,
    CloudflareMessage,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
)
from cfstream_gui.core.cloudflare._models import SigningKeyInfo, SigningKeyMaterial, TokenStatus
from cfstream_gui.core.cloudflare._urls import DEFAULT_BASE_URL, resolve_base_url
from cfstream_gui.core.cloudflare._videos import MAX_LIST_LIMIT, VideoListing

if TYPE_CHECKING:
    from cfstream_gui.core.cloudflare._client import StreamClient
    from cfstream_gui.core.cloudflare._envelope import RateLimitInfo

_LAZY = {
    "StreamClient": "cfstream_gui.core.cloudflare._client",
    "RateLimitInfo": "cfstream_gui.core.cloudflare._envelope",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_LIST_LIMIT",
    "ApiError",
    "AuthError",
    "BadResponse",
    "CloudflareMessage",
    "NetworkError",
    "NotFound",
    "RateLimitInfo",
    "RateLimited",
    "ServerError",
    "SigningKeyInfo",
    "SigningKeyMaterial",
    "StreamClient",
    "TokenStatus",
    "VideoListing",
    "resolve_base_url",
]
