"""The window controller's signing-key part: the key selector's list, the key that signs, the
`KeyService` the Signing keys dialog works with, a key the Import dialog accepted, and what the
Batch dialog signs with.

The dialogs get what they need from here explicitly (`key_service`, `batch_setup`); they never
reach into the window. Keyring calls run in worker threads (`HeldKeys`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal

from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyService
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.settings import (
    CLIPBOARD_CLEAR_SECONDS,
    DEFAULT_EXPIRY,
    URL_HOST_TEMPLATE,
    Settings,
)
from cfstream_gui.core.storage.profiles import Profile, ProfileError
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.ui.account.tokens import ApiTokens
from cfstream_gui.ui.batch.setup import BatchSetup, Prefill
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.keys.held_keys import KEY_ERRORS, HeldKeys, load_held_key
from cfstream_gui.ui.window.gate import NO_PROFILE
from cfstream_gui.ui.window.view import WindowView


class KeyActions(QObject):
    # The selector's list arrived (or was emptied): whether Create can be pressed may differ.
    keysShown = Signal()

    def __init__(
        self,
        view: WindowView,
        *,
        tokens: ApiTokens,
        held: HeldKeys,
        service: TokenService,
        tasks: BackgroundTasks,
        clock: Callable[[], float] = time.time,
        settings: Callable[[], Settings] = Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._view = view
        self._settings = settings
        self._tokens = tokens
        self._held = held
        self._service = service
        self._tasks = tasks
        self._clock = clock
        self._reads = 0  # a newer read (another profile) makes older answers stale
        self._reading = False
        self._ids: list[str] = []

    def store(self) -> SecretStore:
        """Where the current profile's keys are held."""
        return self._held.store(session_only=self._tokens.is_session_only())

    # -- the selector's list ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the current profile's held key IDs (in a worker thread) into the selector."""
        profile = self._tokens.profile()
        self._reads += 1
        if profile is None:
            self._show([], None)
            return
        self._reading = True
        self._view.show_keys_reading()
        self._tasks.spawn(self._read(profile, self.store(), self._reads), "read signing keys")

    def reload(self) -> None:
        """The held keys may have changed (the Signing keys dialog closed): read them again."""
        self._held.forget_loaded()
        self.refresh()

    def is_reading(self) -> bool:
        return self._reading

    def key_ids(self) -> list[str]:
        """The IDs the selector offers, oldest first."""
        return list(self._ids)

    async def _read(self, profile: Profile, store: SecretStore, generation: int) -> None:
        ids: list[str] = []
        try:
            ids = await self._held.key_ids(store, profile.name)
        except SecretStoreError as exc:
            if generation == self._reads and self._view.engine().uses_key:
                self._view.show_error(
                    exc.message, "Sign with Cloudflare's key, or fix the keyring."
                )
        if generation == self._reads:
            self._show(ids, profile.default_key_id)

    def _show(self, ids: list[str], default_key_id: str | None) -> None:
        self._reading = False
        self._ids = ids
        self._view.show_keys(ids, default_key_id)
        self.keysShown.emit()

    # -- signing ----------------------------------------------------------------------------

    async def chosen_key(self, profile: Profile) -> SigningKey:
        """The key chosen in the selector, loaded to sign. Raises one of KEY_ERRORS."""
        key_id = self._view.key_id()
        if key_id is None:  # Create is disabled then; this is a race with a list refresh
            raise KeyNotHeldError("(none chosen)", profile.name)
        return await self._held.load(self.store(), profile.name, key_id)

    def loaded_secrets(self) -> list[str]:
        return self._held.loaded_secrets()

    async def store_text(self) -> str:
        """Where the current profile's secrets are kept, as a sentence's end: "in …"."""
        return await self._held.store_text(session_only=self._tokens.is_session_only())

    # -- the dialogs' work ------------------------------------------------------------------

    async def key_service(self) -> KeyService:
        """Signing-key work for the current profile, account and API token: what the Signing
        keys dialog is given. Raises ProfileError, or ValueError for a bad API base URL."""
        profile = self._tokens.profile()
        if profile is None:
            raise ProfileError(NO_PROFILE)
        client = await self._service.client(profile, self._tokens.credentials())
        return KeyService(client, self.store(), profile.name, self._view.account_id())

    def import_key(self, key: SigningKey) -> None:
        """Hold `key` for the current profile (the Import key dialog accepted it)."""
        self._tasks.spawn(self._import(key), "import signing key")

    async def _import(self, key: SigningKey) -> None:
        profile = self._tokens.profile()
        if profile is None:
            return
        try:
            service = await self.key_service()
            await in_daemon_thread(service.import_key, key.pem, key.key_id)
        except (*KEY_ERRORS, ProfileError, ValueError) as exc:
            self._view.show_error(str(exc), "The key was not imported.")
            return
        self._held.forget_loaded()
        self._view.want_key(key.key_id)
        self.refresh()
        text = f"Signing key {key.key_id} is now held here for “{profile.name}”."
        self._view.show_status(text, 8000)

    def batch_setup(self) -> BatchSetup | None:
        """What the Batch dialog signs with, or None without a profile: the held keys, the one
        token flow with the profile and account whose customer code the links use, the
        settings a batch follows (link host, default expiry, clipboard), and the form's rules
        and download choice to start from."""
        profile = self._tokens.profile()
        if profile is None:
            return None
        settings = self._settings()
        form = self._view.form_values()
        return BatchSetup(
            key_ids=tuple(self._ids),
            load_key=partial(load_held_key, self.store(), profile.name),
            service=self._service,
            profile=profile,
            account_id=self._view.account_id(),
            pasted_customer_code=self._view.pasted_customer_code(),
            default_key_id=self._view.key_id() or profile.default_key_id,
            clock=self._clock,
            host_template=settings[URL_HOST_TEMPLATE],
            default_exp=settings[DEFAULT_EXPIRY],
            clipboard_clear_seconds=settings[CLIPBOARD_CLEAR_SECONDS],
            prefill=Prefill(rules=form.rules, downloadable=form.downloadable),
        )
