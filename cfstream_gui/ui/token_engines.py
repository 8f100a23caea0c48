"""How Create hands the form to the core's token service, and the API clients around it.

The service does the work for every engine (`/token`, `/token` with the user's key, or signed
locally); this only gathers the values it needs from the window's parts: the profile, account
and credentials the account panel shows, the engine and key the form has chosen, the link the
user pasted.
"""

from __future__ import annotations

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyService
from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.storage.profiles import Profile, ProfileError
from cfstream_gui.core.token_service import LinkNeed, TokenJob, TokenResult, TokenService
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.keys.window_keys import WindowKeys


class TokenEngines:
    def __init__(
        self,
        *,
        service: TokenService,
        keys: WindowKeys,
        account: AccountPanel,
        form: TokenForm,
    ) -> None:
        self._service = service
        self._keys = keys
        self._account = account
        self._form = form

    async def make(
        self, engine: SigningEngine, profile: Profile, request: TokenRequest
    ) -> TokenResult:
        """The token and its links. Raises ApiError, ValidationError, the key errors of
        `window_keys.KEY_ERRORS`, or ValueError for a profile's bad API base URL."""
        key = None
        if engine.uses_key:
            key = await self._keys.load(profile, self._chosen_key(profile))
        job = TokenJob(
            request=request,
            engine=engine,
            profile=profile,
            account_id=self._account.account_id(),
            credentials=self._account.credentials() if engine.uses_network else None,
            key=key,
            # Local signing touches no network at all, not even for the links.
            links=LinkNeed.LOOKUP if engine.uses_network else LinkNeed.KNOWN,
            pasted_customer_code=self._form.pasted_customer_code(),
            remember_code=not self._account.is_session_only(),
        )
        return await self._service.make(job)

    async def client_for(self, profile: Profile) -> StreamClient:
        return await self._service.client(profile, self._account.credentials())

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
