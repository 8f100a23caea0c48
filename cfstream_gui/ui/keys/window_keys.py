"""The main window's signing keys: which keyring holds them, the list the key selector shows,
loading a key to sign with, and the dialogs of the Keys and Tools menus.

Every keyring call runs in a worker thread. A loaded key is cached for the session (parsing
the PEM costs far more than signing with it) and dropped whenever the keys may have changed.
In `--sandbox` mode the sandbox profile's keys live in a `session_secrets` store over an
in-memory keyring, so playing with the sandbox never writes to the real keyring.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyService
from cfstream_gui.core.keys.signing_key import SigningKey, import_key
from cfstream_gui.core.storage.profiles import Profile, ProfileError
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
from cfstream_gui.ui.batch.dialog import BatchDialog
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.form.engine_picker import EnginePicker
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog
from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog

# What can go wrong with a held key that the user can act on.
KEY_ERRORS = (KeyNotHeldError, KeyImportError, SecretStoreError)
SESSION_STORE_TEXT = "memory, for this sandbox session only (forgotten when the app closes)"


def load_held_key(store: SecretStore, profile: str, key_id: str) -> SigningKey:
    """The held key, parsed and ready to sign. Blocking: run it in a worker thread."""
    key_id = key_id.strip().lower()
    pem = store.get_signing_key(profile, key_id)
    if pem is None:
        raise KeyNotHeldError(key_id, profile)
    try:
        key = import_key(pem, key_id)
        key.private_key  # noqa: B018 - parse here, in the worker thread, not when signing
    except KeyImportError as exc:
        raise KeyImportError(
            f"The keyring's copy of signing key {key_id} cannot be used ({exc}); "
            "forget it and import the key again."
        ) from None
    return key


class WindowKeys(QObject):
    # A sentence for the status bar.
    status = Signal(str)
    # Trouble with the keyring: message and what to do, for the banner.
    problem = Signal(str, str)
    # The held keys (may) have changed; the selector has the new list.
    keysChanged = Signal()

    def __init__(
        self,
        parent: QWidget,
        *,
        picker: EnginePicker,
        tasks: BackgroundTasks,
        secrets: SecretStore,
        session_secrets: SecretStore | None,
        profile: Callable[[], Profile | None],
        is_session_only: Callable[[], bool],
        key_service: Callable[[], Awaitable[KeyService]],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._picker = picker
        self._tasks = tasks
        self._secrets = secrets
        self._session_secrets = session_secrets
        self._profile = profile
        self._is_session_only = is_session_only
        self._key_service = key_service
        self._loaded: dict[tuple[int, str, str], SigningKey] = {}
        self._reads = 0  # a newer read (another profile) makes older answers stale
        self.keys_dialog: SigningKeysDialog | None = None
        self.batch_dialog: BatchDialog | None = None

    # -- which store ------------------------------------------------------------------------

    def store(self) -> SecretStore:
        if self._session_secrets is not None and self._is_session_only():
            return self._session_secrets
        return self._secrets

    async def store_text(self) -> str:
        """Where the current profile's secrets are kept, as a sentence's end: "in …"."""
        if self.store() is self._session_secrets:
            return SESSION_STORE_TEXT
        loop = asyncio.get_running_loop()
        store = self._secrets
        name, available = await loop.run_in_executor(
            None, lambda: (store.store_name(), store.is_available())
        )
        if not available:
            return f"memory only, for this session ({name})"
        return f"your system keyring ({name})"

    # -- the selector's list ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the current profile's held key IDs (in a worker thread) into the selector."""
        profile = self._profile()
        self._reads += 1
        if profile is None:
            self._picker.set_keys([], None)
            return
        self._picker.set_reading()
        self._tasks.spawn(self._read(profile, self.store(), self._reads), "read signing keys")

    async def _read(self, profile: Profile, store: SecretStore, generation: int) -> None:
        loop = asyncio.get_running_loop()
        ids: list[str] = []
        try:
            ids = await loop.run_in_executor(None, store.list_signing_key_ids, profile.name)
        except SecretStoreError as exc:
            if generation == self._reads and self._picker.engine().uses_key:
                self.problem.emit(exc.message, "Sign with Cloudflare's key, or fix the keyring.")
        if generation != self._reads:
            return
        self._picker.set_keys(ids, profile.default_key_id)
        self.keysChanged.emit()

    # -- signing keys -----------------------------------------------------------------------

    async def load(self, profile: Profile, key_id: str) -> SigningKey:
        """The held key `key_id` of `profile`, from the cache or the keyring (worker thread)."""
        store = self.store()
        cache_key = (id(store), profile.name, key_id)
        key = self._loaded.get(cache_key)
        if key is None:
            loop = asyncio.get_running_loop()
            key = await loop.run_in_executor(None, load_held_key, store, profile.name, key_id)
            self._loaded[cache_key] = key
        return key

    def loaded_secrets(self) -> list[str]:
        """Private keys in memory, for the crash handler to cut out of anything it shows."""
        return [key.pem for key in self._loaded.values()]

    def forget_loaded(self) -> None:
        self._loaded.clear()

    # -- dialogs ----------------------------------------------------------------------------

    def open_signing_keys(self) -> None:
        if self.keys_dialog is not None:
            self.keys_dialog.raise_()
            self.keys_dialog.activateWindow()
            return
        dialog = SigningKeysDialog(self._key_service, self._parent)
        self.keys_dialog = dialog
        dialog.finished.connect(
            lambda _result: self._tasks.spawn(self._keys_dialog_closed(dialog), "keys closed")
        )
        dialog.open()

    async def _keys_dialog_closed(self, dialog: SigningKeysDialog) -> None:
        # A create or revoke may still be running: it must finish (and the key be stored)
        # before the dialog goes, or its result would be lost.
        with contextlib.suppress(Exception):
            await dialog.wait_idle()
        if self.keys_dialog is dialog:
            self.keys_dialog = None
        dialog.deleteLater()
        self.forget_loaded()
        self.refresh()

    def open_import(self) -> None:
        dialog = KeyImportDialog(self._parent)
        dialog.accepted.connect(lambda: self._imported(dialog.signing_key()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _imported(self, key: SigningKey | None) -> None:
        if key is not None:
            self._tasks.spawn(self._store_import(key), "import signing key")

    async def _store_import(self, key: SigningKey) -> None:
        profile = self._profile()
        if profile is None:
            return
        try:
            service = await self._key_service()
            await asyncio.to_thread(service.import_key, key.pem, key.key_id)
        except (*KEY_ERRORS, ProfileError, ValueError) as exc:
            self.problem.emit(str(exc), "The key was not imported.")
            return
        self.forget_loaded()
        self._picker.want_key(key.key_id)
        self.refresh()
        self.status.emit(f"Signing key {key.key_id} is now held here for “{profile.name}”.")

    def open_batch(self, *, clock: Callable[[], float]) -> None:
        profile = self._profile()
        if self.batch_dialog is not None:
            self.batch_dialog.raise_()
            self.batch_dialog.activateWindow()
            return
        if profile is None:
            self.status.emit("Choose a profile first.")
            return
        dialog = BatchDialog(
            self._picker.key_ids(),
            partial(load_held_key, self.store(), profile.name),
            customer_code=profile.customer_code,
            delivery_base=profile.delivery_base_url,
            default_key_id=self._picker.key_id() or profile.default_key_id,
            clock=clock,
            parent=self._parent,
        )
        self.batch_dialog = dialog
        dialog.finished.connect(
            lambda _result: self._tasks.spawn(self._batch_closed(dialog), "batch closed")
        )
        dialog.open()

    async def _batch_closed(self, dialog: BatchDialog) -> None:
        with contextlib.suppress(Exception):
            await dialog.wait_idle()
        if self.batch_dialog is dialog:
            self.batch_dialog = None
        dialog.deleteLater()

    async def close_dialogs(self) -> None:
        """Close what is open and wait for its work to end (the window is closing)."""
        for dialog in (self.keys_dialog, self.batch_dialog):
            if dialog is not None:
                dialog.reject()
                with contextlib.suppress(Exception):
                    await dialog.wait_idle()
