"""API clients kept per (base URL, credentials): reused across requests, never re-pointed.

A `StreamClient`'s token is fixed for its life, so a profile switch or a newly typed token gets
another client rather than a reassigned one. Building one creates an httpx client and its TLS
context (the slow part, ~100 ms the first time), so it happens in a worker thread: the window's
event loop never waits on it. The CLI and the window both take their clients from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cfstream_gui.core.credentials import Credentials

if TYPE_CHECKING:
    from cfstream_gui.core.cloudflare import StreamClient

ClientFactory = Callable[[str | None, Credentials | None], "StreamClient"]
_Key = tuple[str | None, Credentials | None]


def default_factory(env: Mapping[str, str] | None = None) -> ClientFactory:
    """Clients for Cloudflare (or the profile's base URL, or `CLOUDFLARE_BASE_URL` in `env`)."""
    environment = os.environ if env is None else env

    def build(base_url: str | None, credentials: Credentials | None) -> StreamClient:
        # httpx loads with the first client, not with the window or the CLI.
        from cfstream_gui.core.cloudflare import StreamClient

        return StreamClient(credentials, base_url=base_url, env=environment)

    return build


class ClientPool:
    """One `StreamClient` per (base URL, credentials). `aclose()` closes them all."""

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory
        self._clients: dict[_Key, StreamClient] = {}
        self._building: dict[_Key, asyncio.Future[StreamClient]] = {}

    async def get(self, base_url: str | None, credentials: Credentials | None) -> StreamClient:
        """The client for `base_url` (None: the default API) and `credentials`, built off the
        event loop's thread the first time. Raises ValueError for a base URL we refuse."""
        key = (base_url, credentials)
        client = self._clients.get(key)
        if client is not None:
            return client
        pending = self._building.get(key)
        if pending is None:
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(None, self._build, base_url, credentials)
            self._building[key] = pending
        try:
            client = await asyncio.shield(pending)
        finally:
            if pending.done():
                self._building.pop(key, None)
        self._clients[key] = client
        return client

    def _build(self, base_url: str | None, credentials: Credentials | None) -> StreamClient:
        client = self._factory(base_url, credentials)
        client.prepare()  # the pooled httpx client, with its TLS context, made in this thread
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for pending in self._building.values():
            # A client still being built is closed as soon as it exists.
            with contextlib.suppress(Exception):
                clients.append(await pending)
        self._building.clear()
        for client in clients:
            await client.aclose()
