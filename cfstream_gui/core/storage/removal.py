"""Removing a profile completely: its API token and signing keys from the keyring, then its entry
in `profiles.json`. The command line's `profiles remove` and the window both use this.

The secrets go first. When the keyring refuses (locked, its unlock prompt dismissed) the profile
is still listed, so running the same removal again finishes the job. Removing the entry first
would leave nothing naming the secrets behind it, and a profile re-created under the same name
would find the old token and keys again.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfstream_gui.core.storage.profiles import ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError


@dataclass(frozen=True)
class Removal:
    """What one removal took away; it reports only what was really there."""

    name: str
    # False when only secrets were left: an older version removed the entry before them.
    profile: bool
    api_token: bool
    signing_keys: int

    @property
    def secrets(self) -> bool:
        return self.api_token or self.signing_keys > 0

    def describe(self) -> str:
        """What was removed, and nothing that was not: no token is claimed that was never
        stored. The command line and the window say the same sentence."""
        name, keys = self.name, self.signing_keys
        counted = f"{keys} signing {'key' if keys == 1 else 'keys'}"
        if self.api_token and keys:
            secrets = f"its API token and {counted}"
        elif self.api_token:
            secrets = "its API token"
        else:
            secrets = "its signing key" if keys == 1 else f"its {counted}"
        if not self.profile:
            one = self.api_token + keys == 1
            were, them = ("was", "it") if one else ("were", "them")
            left = f"{secrets} {were} still in the keyring"
            return f"There was no profile {name}, but {left}: removed {them}."
        if not self.secrets:
            return f"Removed profile {name}; it had no API token or signing key in the keyring."
        joiner = ", " if self.api_token and keys else " and "
        return f"Removed profile {name}{joiner}{secrets} from the keyring."


def remove_profile(profiles: ProfileStore, secrets: SecretStore, name: str) -> Removal:
    """Remove profile `name` and every secret the keyring holds for it, secrets first.

    ProfileError when there is neither a profile nor a secret by that name; SecretStoreError
    when the keyring fails, in which case the profile is kept and calling again completes it.
    """
    saved = profiles.exists(name)
    if not saved and not _has_secrets(secrets, name):
        raise profiles.no_such_profile(name)
    api_token = secrets.delete_api_token(name)
    signing_keys = secrets.delete_signing_keys(name)
    # missing_ok: another process may have removed the entry meanwhile, which is what we want.
    removed = profiles.remove(name, missing_ok=True) if saved else False
    return Removal(name, removed, api_token, signing_keys)


def _has_secrets(secrets: SecretStore, name: str) -> bool:
    try:
        return secrets.get_api_token(name) is not None or bool(secrets.list_signing_key_ids(name))
    except SecretStoreError:
        # Cannot look: "there is no such profile" is still true, and nothing is changed.
        return False
