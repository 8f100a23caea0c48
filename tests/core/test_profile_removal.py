"""`remove_profile`, the one complete removal the command line and the window share: secrets
first, so a keyring failure leaves the profile to retry, and only what was there is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends import null
from keyring.errors import KeyringLocked

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.core.storage.removal import Removal, remove_profile
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
TOKEN = "test-only-api-token-0000000000000000"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n-----END RSA PRIVATE KEY-----\n"
KEY_A = "e9db990a82666dd571c77f944a5c5c8d"
KEY_B = "cdc935982f8075f2ef96106d85fcd838"


class RefusingKeyring(MemoryKeyring):
    """Reads work; deletes fail while `refuse` is set (a locked collection)."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = False

    def delete_password(self, service: str, username: str) -> None:
        if self.refuse:
            raise KeyringLocked("collection is locked")
        super().delete_password(service, username)


class UnreadableKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("collection is locked")


@pytest.fixture
def profiles(tmp_path: Path) -> ProfileStore:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("work", ACCOUNT))
    store.save(Profile("home", ACCOUNT))
    return store


def with_secrets(backend: MemoryKeyring) -> SecretStore:
    secrets = SecretStore(backend=backend)
    secrets.set_api_token("work", TOKEN)
    secrets.set_signing_key("work", KEY_A, PEM)
    secrets.set_signing_key("work", KEY_B, PEM)
    return secrets


def test_a_refused_delete_keeps_the_profile_and_the_retry_completes(
    profiles: ProfileStore,
) -> None:
    backend = RefusingKeyring()
    secrets = with_secrets(backend)
    profiles.use("work")
    backend.refuse = True

    with pytest.raises(SecretStoreError, match="locked"):
        remove_profile(profiles, secrets, "work")
    assert profiles.exists("work")
    assert profiles.current_name() == "work"

    backend.refuse = False
    assert remove_profile(profiles, secrets, "work") == Removal("work", True, True, 2)
    assert [p.name for p in profiles.list()] == ["home"]
    assert profiles.current_name() is None
    assert backend.store == {}

    profiles.save(Profile("work", ACCOUNT))  # re-created: it starts with nothing
    assert secrets.get_api_token("work") is None
    assert secrets.list_signing_key_ids("work") == []


def test_a_profile_without_secrets_reports_none(profiles: ProfileStore) -> None:
    removal = remove_profile(profiles, SecretStore(backend=MemoryKeyring()), "home")

    assert removal == Removal("home", profile=True, api_token=False, signing_keys=0)
    assert not removal.secrets


def test_a_keyring_that_deletes_anything_is_not_believed(profiles: ProfileStore) -> None:
    """The null backend says nothing when asked to delete what it never held."""
    removal = remove_profile(profiles, SecretStore(backend=null.Keyring()), "work")

    assert removal == Removal("work", profile=True, api_token=False, signing_keys=0)


def test_secrets_left_by_an_older_version_are_removed_by_name(profiles: ProfileStore) -> None:
    backend = MemoryKeyring()
    secrets = with_secrets(backend)
    profiles.remove("work")  # what the old `profiles remove` did first, then failed

    assert remove_profile(profiles, secrets, "work") == Removal("work", False, True, 2)
    assert backend.store == {}
    assert [p.name for p in profiles.list()] == ["home"]


def test_nothing_by_that_name_is_a_profile_error(profiles: ProfileStore) -> None:
    before = profiles.path.read_bytes()
    for backend in (MemoryKeyring(), UnreadableKeyring()):
        with pytest.raises(ProfileError) as caught:
            remove_profile(profiles, SecretStore(backend=backend), "wrok")
        assert str(caught.value) == "There is no profile named “wrok”. Known profiles: home, work."
    assert profiles.path.read_bytes() == before
