"""The HTTP connection underneath `StreamClient`: its pooled `httpx.AsyncClient`, the bearer
header, and a transport failure said as a `NetworkError` a person understands.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx

from cfstream_gui import __version__
from cfstream_gui.core.cloudflare._body import ACCEPT_ENCODING
from cfstream_gui.core.cloudflare._errors import AuthError, NetworkError
from cfstream_gui.core.urls import is_loopback_host

CONNECT_TIMEOUT = 5.0


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building one loads the CA bundle (~20-90 ms), and every
    client (a GUI profile switch, each CLI command, every test) would otherwise pay that again."""
    return ssl.create_default_context()


@cache
def _no_tls_context() -> ssl.SSLContext:
    """For a plain-http base URL (loopback only, see `_urls`): no request of such a client uses
    TLS, so no CA bundle is loaded. It trusts no certificate at all, so should one ever be asked
    for TLS it fails closed rather than connect unverified."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def new_http_client(
    transport: httpx.AsyncBaseTransport | None, *, timeout: float, host: str, tls: bool = True
) -> httpx.AsyncClient:
    """`tls`: whether the base URL is https (False only for the loopback sandbox's http)."""
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
        headers={
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": f"cfstream-gui/{__version__}",
        },
        follow_redirects=False,
        verify=_tls_context() if tls else _no_tls_context(),
        # Proxy variables must not capture the loopback sandbox.
        trust_env=not is_loopback_host(host),
    )


def auth_header(token: str | None) -> dict[str, str]:
    if token is None:
        raise AuthError(
            "No API token is set for this profile.",
            hint="Add one in the profile settings or set CLOUDFLARE_API_TOKEN.",
        )
    if not (token.isascii() and token.isprintable()) or " " in token:
        raise AuthError(
            "The API token contains spaces or characters that cannot be sent.",
            hint="Copy the token again from the Cloudflare dashboard.",
        )
    return {"Authorization": f"Bearer {token}"}


def never_sent(exc: httpx.TransportError) -> bool:
    """Whether the request certainly did not reach the server: no connection was made."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def network_error(
    exc: httpx.TransportError, host: str, timeout: float, *, if_lost: str | None = None
) -> NetworkError:
    """The sentence for a request that got no answer. `if_lost` is what to tell the user when a
    request that changes something (a new key) may have been carried out all the same."""
    if isinstance(exc, httpx.ConnectTimeout):
        text = f"Could not connect to {host} within {CONNECT_TIMEOUT:g} seconds."
    elif isinstance(exc, httpx.TimeoutException):
        unit = "second" if timeout == 1 else "seconds"
        text = f"The API server at {host} did not answer within {timeout:g} {unit}."
    elif isinstance(exc, httpx.ConnectError):
        text = f"Could not connect to {host}."
    elif if_lost is not None:
        text = (
            f"The connection to {host} broke after the request was sent, before the answer arrived."
        )
    else:
        text = f"The connection to {host} failed before Cloudflare answered."
    if if_lost is not None and not never_sent(exc):
        return NetworkError(text, hint=if_lost)
    if is_loopback_host(host):
        # A local address: the internet is not the problem, the local server is.
        return NetworkError(text, hint="Check that the local server (e.g. the sandbox) is running.")
    return NetworkError(text)
