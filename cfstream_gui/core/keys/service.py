"""The signing-key flows the CLI and the GUI share: create, list, revoke, forget, import, load.

Private keys go to the system keyring and nowhere else. Cloudflare shows a new key exactly once,
so when the keyring will not take it the key travels back inside `KeyNotSavedError` for the UI
to show that one time; it is never written to a file as a fallback.

Methods that talk to Cloudflare are async and run their keyring calls in a worker thread (an
unlock prompt can block for as long as the user takes). The keyring-only methods are plain sync
functions; the GUI runs them in an executor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfstream_gui.core.cloudflare import (
    BadResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    SigningKeyMaterial,
)
from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.inventory import KeyInventory, merge_keys
from cfstream_gui.core.keys.signing_key import SigningKey, import_key, key_from_material
from cfstream_gui.core.storage.profiles import ProfileError
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError

if TYPE_CHECKING:  # the client (httpx) is handed in; naming its class must not load it
    from cfstream_gui.core.cloudflare import StreamClient


class KeyNotHeldError(LookupError):
    """The keyring holds no private key with this ID for the profile."""

    def __init__(self, key_id: str, profile: str) -> None:
        super().__init__(
            f"Signing key {key_id} is not held in the keyring for profile “{profile}”; "
            "import its private key, or create a new signing key."
        )
        self.key_id = key_id
        self.profile = profile


class KeyNotSavedError(Exception):
    """A key was created on the account but the keyring would not keep it.

    `key` and `material` hold the private key so a UI can show it this one time; neither appears
    in `str()` or `repr()`. (An answer that cannot be read as a key is a `BadResponse`.)"""

    def __init__(
        self,
        message: str,
        *,
        key_id: str,
        key: SigningKey,
        material: SigningKeyMaterial,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.key_id = key_id
        self.key = key
        self.material = material
        self.detail = detail


class KeyService:
    def __init__(
        self, client: StreamClient, secrets: SecretStore, profile: str, account_id: str
    ) -> None:
        self._client = client
        self._secrets = secrets
        self._profile = profile
        self._account_id = account_id

    async def create(self) -> SigningKey:
        """A new key on the account, stored in the keyring before anything else happens."""
        material = await self._client.create_signing_key(self._account())
        try:
            key = key_from_material(material)
        except KeyImportError as exc:
            # The answer is at fault, not the keyring: nothing usable could be kept.
            raise BadResponse(
                f"Signing key {material.id} was created, but Cloudflare's answer could not be "
                f"read as a key ({exc}), so it was not saved.",
                hint=(
                    f"Revoke it (`cfstream-token keys revoke {material.id}`, or in Signing "
                    "keys) and create another."
                ),
            ) from None
        try:
            await in_daemon_thread(self._store, key)
        except SecretStoreError as exc:
            raise KeyNotSavedError(
                f"Signing key {key.key_id} was created, but the keyring could not save it: "
                f"{exc} Copy the private key now; Cloudflare never shows it again.",
                key_id=key.key_id,
                key=key,
                material=material,
                detail=exc.detail,
            ) from None
        return key

    async def inventory(self) -> KeyInventory:
        """Keys on the account and in the keyring, merged (see `key_inventory`).

        When Cloudflare cannot be reached or is busy, the held keys are still listed, marked as
        unchecked; errors the user must fix (credentials, account ID) are raised."""
        local_ids = await in_daemon_thread(self._secrets.list_signing_key_ids, self._profile)
        try:
            remote = await self._client.list_signing_keys(self._account())
        except (NetworkError, RateLimited, ServerError):
            return KeyInventory(tuple(merge_keys(None, local_ids)), account_checked=False)
        return KeyInventory(tuple(merge_keys(remote, local_ids)), account_checked=True)

    async def revoke(self, key_id: str) -> None:
        """Delete the key on the account (every token it signed stops playing), then forget it
        here. A key already gone from the account is only forgotten, if it is held."""
        key_id = _normal_id(key_id)
        try:
            await self._client.revoke_signing_key(self._account(), key_id)
        except NotFound:
            # A 404 alone does not prove the key is gone: a wrong base URL or account answers
            # 404 too, and forgetting a live key would lose its private half for good.
            if not await self._gone_from_account(key_id):
                raise
        await in_daemon_thread(self._delete, key_id)

    async def _gone_from_account(self, key_id: str) -> bool:
        """True when the account's key list (fetched successfully) lacks the key and it is held
        here, i.e. it was revoked elsewhere and only the local copy is left."""
        if not await in_daemon_thread(self.holds, key_id):
            return False
        remote = await self._client.list_signing_keys(self._account())
        return all(info.id.lower() != key_id for info in remote)

    def _account(self) -> str:
        account_id = self._account_id.strip()
        if not account_id:
            raise ProfileError(
                f"Profile “{self._profile}” has no account ID, so its signing keys on Cloudflare "
                "cannot be listed or changed. Set the account ID first."
            )
        return account_id

    def forget(self, key_id: str) -> None:
        """Remove the private key from the keyring only; the key stays valid on the account."""
        key_id = _normal_id(key_id)
        if not self.holds(key_id):
            raise KeyNotHeldError(key_id, self._profile)
        self._delete(key_id)

    def import_key(self, text: str, key_id: str | None = None) -> SigningKey:
        """Check a pasted private key (any shape `import_key` takes) and keep it."""
        key = import_key(text, key_id)
        self._store(key)
        return key

    def load(self, key_id: str) -> SigningKey:
        """The held key, ready to sign; KeyNotHeldError if the keyring does not have it."""
        key_id = _normal_id(key_id)
        pem = self._secrets.get_signing_key(self._profile, key_id)
        if pem is None:
            raise KeyNotHeldError(key_id, self._profile)
        try:
            return import_key(pem, key_id)
        except KeyImportError as exc:
            raise KeyImportError(
                f"The keyring's copy of signing key {key_id} cannot be used ({exc}); "
                "forget it and import the key again."
            ) from None

    def holds(self, key_id: str) -> bool:
        """Whether the keyring has this key's private half for the profile."""
        key_id = _normal_id(key_id)
        listed = key_id in self._secrets.list_signing_key_ids(self._profile)
        return listed or self._secrets.get_signing_key(self._profile, key_id) is not None

    # -- internals ---------------------------------------------------------------------------

    def _store(self, key: SigningKey) -> None:
        self._secrets.set_signing_key(self._profile, key.key_id, key.pem)
        # Some backends accept a write and keep nothing; a key shown once must be really kept.
        if self._secrets.get_signing_key(self._profile, key.key_id) != key.pem:
            raise SecretStoreError(
                f"The keyring accepted signing key {key.key_id} but does not give it back."
            )

    def _delete(self, key_id: str) -> None:
        self._secrets.delete_signing_key(self._profile, key_id)


def _normal_id(key_id: str) -> str:
    # Imported keys are stored under lower-case IDs, as Cloudflare writes them.
    return key_id.strip().lower()
