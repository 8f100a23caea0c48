"""How Create makes a token with each signing engine.

Cloudflare's key and the user's key both go through `/token` (the latter with the key's `id`
and `pem`); local signing touches no network at all, so it needs neither the API token nor the
account ID, and its playback links come from a customer code already known (the profile's, or
a pasted link's) rather than from a lookup.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyService
from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.storage.profiles import Profile, ProfileError
from cfstream_gui.core.urls import PlaybackUrls
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.common.async_support import ClientPool
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.keys.window_keys import WindowKeys
from cfstream_gui.ui.playback_links import CustomerCodes, links_for

Made = tuple[str, PlaybackUrls | None]


class TokenEngines:
    def __init__(
        self,
        *,
        clients: ClientPool,
        codes: CustomerCodes,
        keys: WindowKeys,
        account: AccountPanel,
        form: TokenForm,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clients = clients
        self._codes = codes
        self._keys = keys
        self._account = account
        self._form = form
        self._clock = clock

    async def make(self, engine: SigningEngine, profile: Profile, request: TokenRequest) -> Made:
        """The token and its links. Raises ApiError, ValidationError, the key errors of
        `window_keys.KEY_ERRORS`, or ValueError for a profile's bad API base URL."""
        if engine is SigningEngine.LOCAL:
            return await self._sign_here(profile, request)
        return await self._create_with_api(profile, request, engine)

    async def client_for(self, profile: Profile) -> StreamClient:
        client = await self._clients.get(profile.api_base_url)
        client.api_token = self._account.api_token()
        return client

    async def key_service(self) -> KeyService:
        """Signing-key work for the current profile, account and API token."""
        profile = self._account.profile()
        if profile is None:
            raise ProfileError("Choose a profile first.")
        client = await self.client_for(profile)
        return KeyService(client, self._keys.store(), profile.name, self._account.account_id())

    def _chosen_key(self, profile: Profile) -> str:
        key_id = self._form.key_id()
        if key_id is None:  # Create is disabled then; this is a race with a key list refresh
            raise KeyNotHeldError("(none chosen)", profile.name)
        return key_id

    async def _create_with_api(
        self, profile: Profile, request: TokenRequest, engine: SigningEngine
    ) -> Made:
        account_id = self._account.account_id()
        client = await self.client_for(profile)
        if engine is SigningEngine.API_KEY:
            key = await self._keys.load(profile, self._chosen_key(profile))
            pem = await asyncio.get_running_loop().run_in_executor(None, key.api_pem)
            request = replace(request, key_id=key.key_id, pem=pem)
        token = await client.create_token(account_id, request)
        code = await self._codes.find(
            client,
            profile,
            account_id,
            request.video_uid,
            pasted=self._form.pasted_customer_code(),
            persist=not self._account.is_session_only(),
        )
        return token, links_for(code, token, request, profile)

    async def _sign_here(self, profile: Profile, request: TokenRequest) -> Made:
        key = await self._keys.load(profile, self._chosen_key(profile))
        # Signing takes a couple of milliseconds once the key is parsed; a worker thread keeps
        # even a slow machine's UI live.
        sign = partial(sign_locally, request, key, now=int(self._clock()))
        token = await asyncio.get_running_loop().run_in_executor(None, sign)
        code = self._codes.known(
            profile, self._account.account_id(), pasted=self._form.pasted_customer_code()
        )
        return token, links_for(code, token, request, profile)
