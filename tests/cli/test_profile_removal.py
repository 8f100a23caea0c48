"""`profiles remove` when the keyring says no: nothing is half-removed, the same command finishes
the job once the keyring is back, and a profile re-created under the name starts empty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.errors import KeyringLocked

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from tests.cli.conftest import Run

ACCOUNT = "0123456789abcdef0123456789abcdef"
# Obviously fake: nothing that looks like a real Cloudflare token.
TOKEN = "test-only-api-token-for-removal-0000000000"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n-----END RSA PRIVATE KEY-----\n"
KEY_A = "e9db990a82666dd571c77f944a5c5c8d"
KEY_B = "cdc935982f8075f2ef96106d85fcd838"


class LockableKeyring(MemoryKeyring):
    """A keyring that can be locked, as GNOME Keyring or KWallet are after a dismissed prompt.

    `locked_for` holds the entries that refuse to be touched; "*" locks them all."""

    def __init__(self) -> None:
        super().__init__()
        self.locked_for: set[str] = set()

    def _check(self, username: str) -> None:
        if "*" in self.locked_for or username in self.locked_for:
            raise KeyringLocked("collection is locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check(username)
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check(username)
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._check(username)
        super().delete_password(service, username)


@pytest.fixture
def lockable() -> Iterator[LockableKeyring]:
    previous = keyring.get_keyring()
    backend = LockableKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def saved_names(config_dir: Path) -> list[str]:
    data = json.loads((config_dir / "profiles.json").read_text(encoding="utf-8"))
    return sorted(data["profiles"])


def work_entries(backend: MemoryKeyring) -> list[str]:
    return sorted(user for _, user in backend.store if user.endswith(":work") or ":work:" in user)


@pytest.fixture
def work_with_secrets(cli: Run, lockable: LockableKeyring) -> None:
    assert cli("profiles", "add", "work", "--account", ACCOUNT).code == 0
    secrets = SecretStore()
    secrets.set_api_token("work", TOKEN)
    secrets.set_signing_key("work", KEY_A, PEM)
    secrets.set_signing_key("work", KEY_B, PEM)


@pytest.mark.usefixtures("work_with_secrets")
@pytest.mark.parametrize(
    "locked",
    [
        {"*"},  # locked from the start: nothing at all can be removed
        {f"signing-key:work:{KEY_B}"},  # locked halfway: the token and one key are gone
    ],
    ids=["locked", "locked-halfway"],
)
def test_a_locked_keyring_leaves_the_profile_and_a_retry_finishes(
    cli: Run, lockable: LockableKeyring, config_dir: Path, locked: set[str]
) -> None:
    lockable.locked_for = locked

    failed = cli("profiles", "remove", "work")

    assert failed.code == 5, failed.err
    assert "keyring is locked" in failed.err
    assert "Removed" not in failed.out
    assert saved_names(config_dir) == ["work"]  # still there, so the command can be run again

    lockable.locked_for = set()
    retried = cli("profiles", "remove", "work")

    assert retried.code == 0, retried.err
    assert retried.out.startswith("Removed profile work")
    assert saved_names(config_dir) == []
    assert work_entries(lockable) == []

    # Re-created under the same name, the profile brings nothing back.
    assert cli("profiles", "add", "work", "--account", ACCOUNT).code == 0
    (row,) = [line for line in cli("profiles", "list").out.splitlines() if "work" in line]
    assert row.split()[-1] == "none"
    assert SecretStore().get_api_token("work") is None
    assert SecretStore().list_signing_key_ids("work") == []


@pytest.mark.usefixtures("work_with_secrets")
def test_removal_says_what_it_removed(cli: Run, lockable: LockableKeyring) -> None:
    assert cli("profiles", "add", "bare", "--account", ACCOUNT).code == 0
    SecretStore().set_signing_key("keys-only", KEY_A, PEM)
    assert cli("profiles", "add", "keys-only", "--account", ACCOUNT).code == 0

    assert cli("profiles", "remove", "work").out.strip() == (
        "Removed profile work, its API token and 2 signing keys from the keyring."
    )
    # No API token was ever stored for these: saying one was removed would be untrue.
    assert cli("profiles", "remove", "keys-only").out.strip() == (
        "Removed profile keys-only and its signing key from the keyring."
    )
    assert cli("profiles", "remove", "bare").out.strip() == (
        "Removed profile bare; it had no API token or signing key in the keyring."
    )


def test_leftovers_of_an_earlier_removal_can_be_removed(
    cli: Run, lockable: LockableKeyring, config_dir: Path
) -> None:
    """An older version removed the profile before its token; naming it again clears that up."""
    SecretStore().set_api_token("gone", TOKEN)

    removed = cli("profiles", "remove", "gone")

    assert removed.code == 0, removed.err
    assert removed.out.strip() == (
        "There was no profile gone, but its API token was still in the keyring: removed it."
    )
    assert SecretStore().get_api_token("gone") is None
    assert not (config_dir / "profiles.json").exists()
    missing = cli("profiles", "remove", "gone")  # now there is nothing at all by that name
    assert missing.code == 2
    assert "no profile named “gone”" in missing.err
