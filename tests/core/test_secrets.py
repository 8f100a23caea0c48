"""SecretStore over the in-memory keyring, and over backends that fail the way real ones do."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import (
    InitError,
    KeyringError,
    KeyringLocked,
    PasswordDeleteError,
    PasswordSetError,
)

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SERVICE, SecretStore, SecretStoreError
from tests.support import hanging_keyring
from tests.support.hanging_keyring import HangingKeyring

TOKEN = "Zx9-secret-api-token-value-0123456789abcdef"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretkeymaterial\n-----END RSA PRIVATE KEY-----\n"
KEY_A = "e9db990a82666dd571c77f944a5c5c8d"
KEY_B = "cdc935982f8075f2ef96106d85fcd838"


class FailingKeyring(KeyringBackend):
    """Raises `error` from every operation, as a broken or locked keyring does."""

    priority = -1

    def __init__(self, error: Exception) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


class SecretServiceLike(MemoryKeyring):
    """Works like the memory keyring but words "not found" the way SecretService does."""

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("No such password!")
        del self.store[(service, username)]


class WindowsLike(MemoryKeyring):
    """Windows' backend says only the service name when there is nothing to delete."""

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError(service)
        del self.store[(service, username)]


class StickyKeyring(MemoryKeyring):
    """Refuses deletes of entries that exist (a policy or a cancelled prompt)."""

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("Cancelled by user")


# -- API token ---------------------------------------------------------------------------------


def test_api_token_round_trip_uses_service_and_username(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.get_api_token("work") is None

    store.set_api_token("work", f"  {TOKEN}\n")

    assert memory_keyring.store[(SERVICE, "api-token:work")] == TOKEN
    assert store.get_api_token("work") == TOKEN
    assert store.get_api_token("home") is None


def test_default_backend_is_keyrings_own_choice_resolved_lazily(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore()
    replacement = MemoryKeyring()
    # The conftest installed memory_keyring; swapping before first use proves no early lookup.
    keyring.set_keyring(replacement)
    try:
        store.set_api_token("work", TOKEN)
    finally:
        keyring.set_keyring(memory_keyring)
    assert (SERVICE, "api-token:work") in replacement.store
    assert memory_keyring.store == {}


def test_empty_token_is_refused_before_touching_the_keyring(
    memory_keyring: MemoryKeyring,
) -> None:
    with pytest.raises(ValueError, match="API token is empty"):
        SecretStore().set_api_token("work", "  \n")
    assert memory_keyring.store == {}


def test_delete_api_token_and_deleting_again_is_fine(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_api_token("work", TOKEN)
    assert store.delete_api_token("work") is True
    assert store.get_api_token("work") is None
    assert store.delete_api_token("work") is False  # absent: no error, and says so
    assert memory_keyring.store == {}


@pytest.mark.parametrize("backend_class", [SecretServiceLike, WindowsLike])
def test_deleting_an_absent_token_is_fine_whatever_the_backend_says(
    backend_class: type[MemoryKeyring],
) -> None:
    store = SecretStore(backend=backend_class())
    assert store.delete_api_token("never-saved") is False
    assert store.delete_signing_key("never-saved", KEY_A) is False
    assert store.list_signing_key_ids("never-saved") == []


def test_refused_delete_of_an_existing_entry_is_an_error() -> None:
    backend = StickyKeyring()
    store = SecretStore(backend=backend)
    store.set_api_token("work", TOKEN)
    with pytest.raises(SecretStoreError) as caught:
        store.delete_api_token("work")
    assert str(caught.value) == (
        "The keyring refused to delete the API token for profile “work”. Unlock it and try "
        "again, or remove the entry with your keyring manager (service “cfstream-gui”)."
    )
    assert "Cancelled by user" in caught.value.detail


# -- signing keys ------------------------------------------------------------------------------


def test_signing_keys_are_stored_and_indexed_per_profile(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_signing_key("work", KEY_A, PEM)
    store.set_signing_key("work", KEY_B, PEM + "b")
    store.set_signing_key("work", KEY_A, PEM + "replaced")

    assert store.get_signing_key("work", KEY_A) == PEM + "replaced"
    assert store.get_signing_key("work", KEY_B) == PEM + "b"
    assert store.list_signing_key_ids("work") == [KEY_A, KEY_B]
    assert store.list_signing_key_ids("home") == []
    assert store.get_signing_key("home", KEY_A) is None
    assert memory_keyring.store[(SERVICE, f"signing-key:work:{KEY_A}")] == PEM + "replaced"
    assert json.loads(memory_keyring.store[(SERVICE, "signing-keys:work")]) == [KEY_A, KEY_B]


def test_deleting_signing_keys_updates_the_index(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_signing_key("work", KEY_A, PEM)
    store.set_signing_key("work", KEY_B, PEM)

    store.delete_signing_key("work", KEY_A)
    assert store.get_signing_key("work", KEY_A) is None
    assert store.list_signing_key_ids("work") == [KEY_B]

    store.delete_signing_key("work", KEY_B)
    store.delete_signing_key("work", KEY_B)  # absent: no error
    assert store.list_signing_key_ids("work") == []
    assert memory_keyring.store == {}  # the emptied index is removed too


def test_damaged_index_reads_as_empty_and_is_rewritten(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[(SERVICE, "signing-keys:work")] = "{not json"
    store = SecretStore()
    assert store.list_signing_key_ids("work") == []
    store.set_signing_key("work", KEY_A, PEM)
    assert store.list_signing_key_ids("work") == [KEY_A]


def test_deleting_all_of_a_profiles_signing_keys(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_signing_key("work", KEY_A, PEM)
    store.set_signing_key("work", KEY_B, PEM)
    store.set_signing_key("home", KEY_A, PEM)

    assert store.delete_signing_keys("work") == 2
    assert store.list_signing_key_ids("work") == []
    assert store.get_signing_key("work", KEY_A) is None
    assert store.get_signing_key("work", KEY_B) is None
    assert store.list_signing_key_ids("home") == [KEY_A]  # other profiles keep theirs
    assert store.delete_signing_keys("work") == 0  # nothing left: no error


def test_deleting_all_signing_keys_again_counts_only_what_is_left(
    memory_keyring: MemoryKeyring,
) -> None:
    """After a failure part-way the index still lists every key; a second call finishes the job
    and counts only the keys it deleted itself."""
    store = SecretStore()
    store.set_signing_key("work", KEY_A, PEM)
    store.set_signing_key("work", KEY_B, PEM)
    del memory_keyring.store[(SERVICE, f"signing-key:work:{KEY_A}")]  # gone in the first try

    assert store.delete_signing_keys("work") == 1
    assert memory_keyring.store == {}


def test_deleting_all_signing_keys_removes_a_damaged_index(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[(SERVICE, "signing-keys:work")] = "{not json"
    assert SecretStore().delete_signing_keys("work") == 0
    assert memory_keyring.store == {}


def test_empty_signing_key_is_refused(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    with pytest.raises(ValueError, match="private key for signing key"):
        store.set_signing_key("work", KEY_A, "\n")
    with pytest.raises(ValueError, match="signing key ID is empty"):
        store.set_signing_key("work", " ", PEM)
    assert memory_keyring.store == {}


# -- where secrets live ------------------------------------------------------------------------


def _backend_named(module: str, name: str) -> KeyringBackend:
    """An instance of a backend class that claims to come from `module` (no real service)."""
    cls = type(name, (MemoryKeyring,), {"__module__": module, "display_name": None})
    backend: KeyringBackend = cls()
    return backend


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("keyring.backends.SecretService", "Keyring", "Secret Service"),
        ("keyring.backends.libsecret", "Keyring", "Secret Service"),
        ("keyring.backends.kwallet", "DBusKeyring", "KWallet"),
        ("keyring.backends.macOS", "Keyring", "macOS Keychain"),
        ("keyring.backends.Windows", "WinVaultKeyring", "Windows Credential Locker"),
        ("some.plugin", "VaultKeyring", "VaultKeyring"),
    ],
)
def test_store_name_says_where_secrets_live(module: str, name: str, expected: str) -> None:
    store = SecretStore(backend=_backend_named(module, name))
    assert store.store_name() == expected
    assert store.is_available()


def test_real_backend_classes_are_named() -> None:
    from keyring.backends import SecretService, kwallet

    assert SecretStore(backend=SecretService.Keyring()).store_name() == "Secret Service"
    assert SecretStore(backend=kwallet.DBusKeyringKWallet4()).store_name() == "KWallet"


def test_no_keyring_is_named_and_unavailable() -> None:
    store = SecretStore(backend=fail.Keyring())
    assert store.store_name() == "no keyring available"
    assert not store.is_available()


def test_null_backend_is_unavailable_and_refuses_to_pretend_it_saved() -> None:
    store = SecretStore(backend=null.Keyring())
    assert not store.is_available()
    with pytest.raises(SecretStoreError, match="cannot be remembered") as caught:
        store.set_api_token("work", TOKEN)
    assert TOKEN not in str(caught.value)


def test_memory_backend_from_conftest_is_available() -> None:
    store = SecretStore()
    assert store.store_name() == "this session only (memory)"
    assert store.is_available()


def test_unloadable_backend_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> KeyringBackend:
        raise ModuleNotFoundError("No module named 'nosuchbackend'")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    store = SecretStore()
    assert store.store_name() == "no keyring available"
    assert not store.is_available()
    with pytest.raises(SecretStoreError, match="PYTHON_KEYRING_BACKEND") as caught:
        store.get_api_token("work")
    assert "nosuchbackend" in caught.value.detail


# -- every failure becomes a sentence ----------------------------------------------------------

NO_KEYRING_SAVE = (
    "No system keyring is available, so the API token for profile “work” cannot be "
    "remembered. Install and unlock a Secret Service provider such as GNOME Keyring or "
    "KWallet, or set CLOUDFLARE_API_TOKEN for this run."
)
LOCKED = "The keyring is locked. Unlock it and try again."
INIT = (
    "The keyring could not be opened, perhaps because its unlock prompt was dismissed. "
    "Unlock it and try again."
)


def _save(store: SecretStore) -> None:
    store.set_api_token("work", TOKEN)


def _read(store: SecretStore) -> None:
    store.get_api_token("work")


def _delete(store: SecretStore) -> None:
    store.delete_api_token("work")


def _save_key(store: SecretStore) -> None:
    store.set_signing_key("work", KEY_A, PEM)


def _list_keys(store: SecretStore) -> None:
    store.list_signing_key_ids("work")


Op = Callable[[SecretStore], None]


@pytest.mark.parametrize(
    ("backend", "op", "expected"),
    [
        (fail.Keyring(), _save, NO_KEYRING_SAVE),
        (
            fail.Keyring(),
            _read,
            "No system keyring is available, so the API token for profile “work” cannot be "
            "looked up. Install and unlock a Secret Service provider such as GNOME Keyring or "
            "KWallet, or set CLOUDFLARE_API_TOKEN for this run.",
        ),
        (
            fail.Keyring(),
            _delete,
            "No system keyring is available, so the API token for profile “work” cannot be "
            "removed. Install and unlock a Secret Service provider such as GNOME Keyring or "
            "KWallet, or set CLOUDFLARE_API_TOKEN for this run.",
        ),
        (
            fail.Keyring(),
            _save_key,
            f"No system keyring is available, so signing key {KEY_A} cannot be remembered. "
            "Install and unlock a Secret Service provider such as GNOME Keyring or KWallet.",
        ),
        (FailingKeyring(KeyringLocked("Failed to unlock the collection!")), _save, LOCKED),
        (
            FailingKeyring(InitError("Failed to create the collection: Prompt dismissed.")),
            _save,
            INIT,
        ),
        (
            FailingKeyring(PasswordSetError("Cancelled by user")),
            _save,
            "The keyring refused to save the API token for profile “work”. Unlock it and try "
            "again.",
        ),
        (
            FailingKeyring(PasswordDeleteError("Cancelled by user")),
            _delete,
            "The keyring refused to delete the API token for profile “work”. Unlock it and try "
            "again, or remove the entry with your keyring manager (service “cfstream-gui”).",
        ),
        (
            FailingKeyring(KeyringError("Can't get password from keychain: denied")),
            _read,
            "The keyring reported an error, so the API token for profile “work” could not be "
            "read. Unlock it and try again.",
        ),
        (
            FailingKeyring(KeyringError("odd")),
            _list_keys,
            "The keyring reported an error, so the list of saved signing keys could not be "
            "read. Unlock it and try again.",
        ),
        (
            FailingKeyring(Exception("org.freedesktop.DBus.Error.ServiceUnknown")),
            _save,
            "The system keyring could not be reached, so the API token for profile “work” could "
            "not be saved. Check that the keyring service is running and unlocked, then try "
            "again.",
        ),
        (
            FailingKeyring(RuntimeError("secretstorage: connection closed")),
            _delete,
            "The system keyring could not be reached, so the API token for profile “work” could "
            "not be deleted. Check that the keyring service is running and unlocked, then try "
            "again.",
        ),
    ],
)
def test_every_keyring_failure_becomes_a_sentence(
    backend: KeyringBackend, op: Op, expected: str
) -> None:
    store = SecretStore(backend=backend)
    with pytest.raises(SecretStoreError) as caught:
        op(store)
    assert str(caught.value) == expected
    assert caught.value.__cause__ is None  # the backend's exception is not chained along
    assert TOKEN not in str(caught.value)
    assert PEM not in str(caught.value)


class EchoingKeyring(KeyringBackend):
    """A badly behaved backend that puts the password into its error message."""

    priority = -1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("not found")


def test_secret_never_appears_in_the_error_even_if_the_backend_echoes_it() -> None:
    store = SecretStore(backend=EchoingKeyring())  # type: ignore[no-untyped-call]
    with pytest.raises(SecretStoreError) as caught:
        store.set_api_token("work", TOKEN)
    error = caught.value
    assert TOKEN not in str(error)
    assert TOKEN not in error.detail
    assert TOKEN not in repr(error.args)
    assert "<hidden>" in error.detail
    assert error.__cause__ is None
    assert error.__suppress_context__

    with pytest.raises(SecretStoreError) as caught_key:
        store.set_signing_key("work", KEY_A, PEM)
    assert "MIIEsecretkeymaterial" not in caught_key.value.detail


def test_the_session_keyring_names_itself_for_the_user() -> None:
    assert SecretStore(MemoryKeyring()).store_name() == "this session only (memory)"


# -- a keyring that never answers ---------------------------------------------------------------


@pytest.fixture
def hanging() -> Iterator[HangingKeyring]:
    hanging_keyring.rearm()
    yield HangingKeyring()
    hanging_keyring.release()  # let the abandoned daemon threads finish


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.get_api_token("work"),
        lambda s: s.set_api_token("work", TOKEN),
        lambda s: s.delete_api_token("work"),
        lambda s: s.list_signing_key_ids("work"),
        lambda s: s.delete_signing_keys("work"),
    ],
    ids=["read", "save", "delete", "list keys", "delete keys"],
)
def test_a_keyring_that_never_answers_becomes_a_sentence(
    hanging: HangingKeyring, call: Callable[[SecretStore], object]
) -> None:
    store = SecretStore(backend=hanging, timeout=0.2)
    with pytest.raises(SecretStoreError) as caught:
        call(store)
    assert "did not answer in time" in caught.value.message
    assert "unlock prompt" in caught.value.message
    # The next call is not stuck behind the first one.
    with pytest.raises(SecretStoreError):
        store.get_api_token("other")


def test_choosing_a_backend_that_hangs_is_bounded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    stuck = threading.Event()

    def never() -> KeyringBackend:
        stuck.wait()
        raise AssertionError("unreachable")

    monkeypatch.setattr(keyring, "get_keyring", never)
    store = SecretStore(timeout=0.2)
    try:
        with pytest.raises(SecretStoreError, match="did not answer in time"):
            store.get_api_token("work")
        assert store.store_name() == "no keyring available"
    finally:
        stuck.set()
