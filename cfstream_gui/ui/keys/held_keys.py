"""The signing keys held for a profile: which keyring holds them, their IDs, and a key loaded
to sign with.

No Qt here: the window controller drives it and shows what it finds. Every keyring call runs in
a worker thread (a D-Bus round trip, and an unlock prompt takes as long as the user does). A
loaded key is cached for the session, because parsing the PEM costs far more than signing with
it, and dropped whenever the keys may have changed. In `--sandbox` mode the sandbox profile's
keys live in a `session_secrets` store over an in-memory keyring, so playing with the sandbox
never writes to the real keyring.
"""

from __future__ import annotations

from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.service import KeyNotHeldError
from cfstream_gui.core.keys.signing_key import SigningKey, import_key
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError

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


class HeldKeys:
    """`secrets` is the keyring; `session_secrets` (if any) holds the keys of session-only
    profiles instead."""

    def __init__(self, secrets: SecretStore, session_secrets: SecretStore | None = None) -> None:
        self._secrets = secrets
        self._session_secrets = session_secrets
        self._loaded: dict[tuple[int, str, str], SigningKey] = {}

    def store(self, *, session_only: bool) -> SecretStore:
        if session_only and self._session_secrets is not None:
            return self._session_secrets
        return self._secrets

    async def key_ids(self, store: SecretStore, profile: str) -> list[str]:
        """The IDs held for `profile`, oldest first. Raises SecretStoreError."""
        return await in_daemon_thread(store.list_signing_key_ids, profile)

    async def load(self, store: SecretStore, profile: str, key_id: str) -> SigningKey:
        """The held key `key_id`, from the cache or the keyring. Raises one of KEY_ERRORS."""
        cache_key = (id(store), profile, key_id)
        key = self._loaded.get(cache_key)
        if key is None:
            key = await in_daemon_thread(load_held_key, store, profile, key_id)
            self._loaded[cache_key] = key
        return key

    def loaded_secrets(self) -> list[str]:
        """Private keys in memory, for the crash handler to cut out of anything it shows."""
        return [key.pem for key in self._loaded.values()]

    def forget_loaded(self) -> None:
        self._loaded.clear()

    async def store_text(self, *, session_only: bool) -> str:
        """Where a profile's secrets are kept, as a sentence's end: "in …"."""
        if self.store(session_only=session_only) is self._session_secrets:
            return SESSION_STORE_TEXT
        store = self._secrets
        name, available = await in_daemon_thread(lambda: (store.store_name(), store.is_available()))
        if not available:
            return f"memory only, for this session ({name})"
        return f"your system keyring ({name})"
