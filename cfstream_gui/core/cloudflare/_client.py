"""`StreamClient`: the few Cloudflare Stream API calls the app makes, over one pooled httpx
client per API token and base URL.

Retries: network errors and 5xx are retried up to `max_retries` times with jittered exponential
backoff (the SDK's min(0.5 * 2^n, 8) * uniform(0.75, 1)). A 429 is retried only when Cloudflare
asks for a short wait (<= `max_rate_limit_wait`); its five-minute penalty is raised at once as
`RateLimited`, because quick retries would only prolong the block. Other 4xx are never retried.

Requests that change the account (creating or revoking a signing key) are retried only when they
certainly never left (no connection, or a 429). When their answer is lost or unreadable after
they were sent, the error says the change may have happened and how to check. `POST .../token`
is retried like a read: Cloudflare signs and returns a token and keeps nothing, so a second try
after a lost answer makes nothing twice.

Every answer is read through `read_body`: at most 4 MiB, before and after decompression.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from cfstream_gui.core.cloudflare._body import read_body
from cfstream_gui.core.cloudflare._envelope import RateLimitInfo, parse_ratelimit, read_envelope
from cfstream_gui.core.cloudflare._errors import (
    ApiError,
    AuthError,
    BadResponse,
    NotFound,
    RateLimited,
)
from cfstream_gui.core.cloudflare._http import (
    auth_header,
    network_error,
    never_sent,
    new_http_client,
)
from cfstream_gui.core.cloudflare._models import (
    SigningKeyInfo,
    SigningKeyMaterial,
    TokenStatus,
    parse_time,
)
from cfstream_gui.core.cloudflare._retry import (
    Attempt,
    RetryPolicy,
    unsure_if_done,
    with_retries,
)
from cfstream_gui.core.cloudflare._urls import path_segment as _segment
from cfstream_gui.core.cloudflare._urls import resolve_base_url
from cfstream_gui.core.cloudflare._videos import VideoCalls
from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.models import TokenRequest

logger = logging.getLogger(__name__)

# A signed token in JWS compact form: base64url header, payload and signature, joined by dots.
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

# Cloudflare's key IDs are 32 hex digits; this is only what can safely be named and stored.
_KEY_ID = re.compile(r"[A-Za-z0-9]{1,64}")

_KEYS_CHECK = "run `cfstream-token keys list` (or open Signing keys) to check"
KEY_MAY_EXIST = (
    f"Cloudflare may have created the key all the same, without its private half reaching "
    f"you: {_KEYS_CHECK}, and revoke a key that is not held here."
)
KEY_MAY_BE_REVOKED = f"Cloudflare may have revoked the key all the same: {_KEYS_CHECK}."


class StreamClient(VideoCalls):
    """One API token, one base URL, one pooled `httpx.AsyncClient` (made on first use).

    The token is fixed for the client's life: other credentials mean another client. A plain
    string is taken as typed credentials (trimmed, and refused with InvalidApiToken if it could
    not be sent); None or a blank string makes a client whose calls fail with AuthError."""

    def __init__(
        self,
        credentials: Credentials | str | None,
        *,
        base_url: str | None = None,
        env: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        max_rate_limit_wait: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if timeout <= 0 or max_retries < 0 or max_rate_limit_wait < 0:
            raise ValueError("timeout must be positive; retries and waits cannot be negative.")
        if isinstance(credentials, str):
            text = credentials
            credentials = Credentials.of(text, Origin.TYPED) if text.strip() else None
        self._credentials = credentials
        self.base_url = resolve_base_url(base_url, os.environ if env is None else env)
        self.last_rate_limit: RateLimitInfo | None = None
        self._host = urlsplit(self.base_url).hostname or self.base_url
        self._transport = transport
        self._timeout = timeout
        self._retry = RetryPolicy(
            max_retries, max_rate_limit_wait, rng if rng is not None else random.Random()
        )
        self._sleep = sleep
        self._http: httpx.AsyncClient | None = None

    @property
    def credentials(self) -> Credentials | None:
        return self._credentials

    @property
    def api_token(self) -> str | None:
        """Read-only: a client is made for one token (see `core.clients.ClientPool`)."""
        return self._api_token

    @property
    def _api_token(self) -> str | None:
        return None if self._credentials is None else self._credentials.api_token

    def __repr__(self) -> str:
        return (
            f"StreamClient(base_url={self.base_url!r}, token_set={self._credentials is not None})"
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool; a later call opens a new one."""
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    # --- API calls -------------------------------------------------------------------------

    async def create_token(self, account_id: str, request: TokenRequest) -> str:
        """A signed playback token for `request.video_uid`, made by Cloudflare."""
        path = (
            f"/accounts/{_segment(account_id, 'account ID')}"
            f"/stream/{_segment(request.video_uid, 'video ID')}/token"
        )
        result = await self._request(
            "POST",
            path,
            subject=f"video '{request.video_uid}' in account '{account_id}'",
            json_body=request.to_api_body(),
        )
        token = result.get("token") if isinstance(result, dict) else None
        if not isinstance(token, str) or not token:
            raise BadResponse("Cloudflare reported success but sent no token.")
        if not _JWS.fullmatch(token):
            # Checked here so that no caller (printing it, decoding it, building links) ever
            # handles a "token" that could not be one.
            raise BadResponse(
                "Cloudflare reported success but sent something that is not a signed token "
                "(three base64url parts joined by dots)."
            )
        return token

    async def verify_token(self, account_id: str | None = None) -> TokenStatus:
        """Ask Cloudflare about the API token itself.

        Account-owned (`cfat_`) tokens fail the user endpoint, user tokens may fail the account
        one, so with an account ID both are tried, the account endpoint first.
        """
        if account_id:
            path = f"/accounts/{_segment(account_id, 'account ID')}/tokens/verify"
            try:
                result = await self._request("GET", path, subject=f"account '{account_id}'")
                return self._token_status(result)
            except (AuthError, NotFound) as exc:
                if exc.status is None:  # no token at all: the other endpoint cannot help
                    raise
                logger.debug(
                    "account token verify failed (%s); trying the user endpoint", exc.status
                )
        result = await self._request("GET", "/user/tokens/verify", subject="the token check")
        return self._token_status(result)

    async def create_signing_key(self, account_id: str) -> SigningKeyMaterial:
        """A new signing key; its private half is in the answer and nowhere else, ever."""
        path = f"/accounts/{_segment(account_id, 'account ID')}/stream/keys"
        # Not idempotent: a blind retry after a lost answer would make a second key.
        result = await self._request(
            "POST", path, subject=f"account '{account_id}'", if_lost=KEY_MAY_EXIST
        )
        if not isinstance(result, dict) or not all(
            isinstance(result.get(k), str) and result.get(k) for k in ("id", "pem", "jwk")
        ):
            raise BadResponse(
                "Cloudflare reported success but sent no complete signing key.", hint=KEY_MAY_EXIST
            )
        if not _KEY_ID.fullmatch(result["id"]):
            # The ID names the key in the keyring and in every message: it must be plain.
            raise BadResponse(
                "Cloudflare reported success but sent a signing key whose ID is not letters "
                "and digits.",
                hint=KEY_MAY_EXIST,
            )
        return SigningKeyMaterial(
            id=result["id"],
            pem=result["pem"],
            jwk=result["jwk"],
            created=parse_time(result.get("created")),
        )

    async def list_signing_keys(self, account_id: str) -> list[SigningKeyInfo]:
        path = f"/accounts/{_segment(account_id, 'account ID')}/stream/keys"
        result = await self._request("GET", path, subject=f"account '{account_id}'")
        if not isinstance(result, list) or not all(
            isinstance(item, dict) and isinstance(item.get("id"), str) for item in result
        ):
            raise BadResponse("Cloudflare reported success but sent no list of signing keys.")
        return [SigningKeyInfo(item["id"], parse_time(item.get("created"))) for item in result]

    async def revoke_signing_key(self, account_id: str, key_id: str) -> str:
        """Delete a signing key, which revokes every token signed with it. Returns Cloudflare's
        word for it ("Revoked"), or "" when the success answer carried none."""
        path = (
            f"/accounts/{_segment(account_id, 'account ID')}"
            f"/stream/keys/{_segment(key_id, 'signing key ID')}"
        )
        # A retried DELETE whose first try worked would answer 404 and look like a failure.
        result = await self._request(
            "DELETE",
            path,
            subject=f"signing key '{key_id}' in account '{account_id}'",
            if_lost=KEY_MAY_BE_REVOKED,
        )
        return result if isinstance(result, str) else ""

    # --- plumbing --------------------------------------------------------------------------

    @staticmethod
    def _token_status(result: Any) -> TokenStatus:
        if not isinstance(result, dict) or not all(
            isinstance(result.get(k), str) for k in ("id", "status")
        ):
            raise BadResponse("Cloudflare reported success but did not describe the token.")
        return TokenStatus(
            id=result["id"],
            status=result["status"],
            expires_on=parse_time(result.get("expires_on")),
            not_before=parse_time(result.get("not_before")),
        )

    def prepare(self) -> None:
        """Build the connection pool now rather than on the first request. It is plain
        synchronous work (the first one loads the CA bundle), so a GUI can do it in a worker
        thread and keep the first request from stalling the event loop."""
        self._client()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = new_http_client(
                self._transport,
                timeout=self._timeout,
                host=self._host,
                tls=urlsplit(self.base_url).scheme != "http",
            )
        return self._http

    async def _exchange(
        self,
        method: str,
        path: str,
        json_body: dict[str, Any] | None,
        params: Mapping[str, str | int] | None,
    ) -> tuple[int, httpx.Headers, bytes]:
        """Status, headers and the bounded, decoded body of one request."""
        # httpx's timeout bounds each read; this bounds the whole answer, so a server that
        # drips its body a byte at a time cannot hold the request open indefinitely.
        async with asyncio.timeout(self._timeout):
            async with self._client().stream(
                method,
                self.base_url + path,
                headers=auth_header(self._api_token),
                json=json_body,
                params=params,
            ) as response:
                return response.status_code, response.headers, await read_body(response)

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        subject: str,
        json_body: dict[str, Any] | None,
        params: Mapping[str, str | int] | None,
        if_lost: str | None,
        whole: bool,
    ) -> Attempt:
        """One attempt: (result, None, _) on success, else (None, error, may_retry)."""
        try:
            status, headers, body = await self._exchange(method, path, json_body, params)
        except TimeoutError:
            timeout = httpx.ReadTimeout("no complete answer in time")
            return self._transport_failure(method, path, timeout, if_lost)
        except httpx.TransportError as exc:
            return self._transport_failure(method, path, exc, if_lost)
        except BadResponse as error:  # too large, or compressed in a way that does not read
            return None, unsure_if_done(error, if_lost), if_lost is None
        logger.debug("%s %s -> HTTP %d", method, path, status)

        info = parse_ratelimit(headers.get("ratelimit"))
        if info is not None:
            self.last_rate_limit = info
        try:
            result = read_envelope(
                status, headers, body, subject=subject, secret=self._api_token, whole=whole
            )
        except RateLimited as error:
            # A 429 was refused before any work was done, so even a POST may be retried.
            return None, error, True
        except ApiError as error:
            return None, unsure_if_done(error, if_lost), if_lost is None
        return result, None, False

    def _transport_failure(
        self, method: str, path: str, exc: httpx.TransportError, if_lost: str | None
    ) -> Attempt:
        logger.debug("%s %s failed: %s", method, path, type(exc).__name__)
        error = network_error(exc, self._host, self._timeout, if_lost=if_lost)
        error.__cause__ = exc
        # A request that never connected never reached Cloudflare: always safe to retry.
        return None, error, if_lost is None or never_sent(exc)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        subject: str,
        json_body: dict[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        if_lost: str | None = None,
        whole: bool = False,
    ) -> Any:
        """The envelope's result (`whole`: the whole envelope, for top-level members such as a
        list's `total`). `if_lost` marks a request that changes the account: it is not retried
        once sent, and says what may have happened when its answer is lost."""
        attempt = partial(
            self._send_once,
            method,
            path,
            subject=subject,
            json_body=json_body,
            params=params,
            if_lost=if_lost,
            whole=whole,
        )

        def on_retry(error: ApiError, delay: float) -> None:
            logger.info("%s %s: %s; retrying in %.1f s", method, path, type(error).__name__, delay)

        return await with_retries(attempt, self._retry, sleep=self._sleep, on_retry=on_retry)
