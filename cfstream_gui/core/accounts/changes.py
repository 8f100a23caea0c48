"""Saving and removing an account (a profile and its keyring entries) so that a failure part-way
never leaves half of one behind.

These block on the keyring and the profiles file's lock: the window runs them in a worker
thread (`core.daemon_calls.in_daemon_thread`).

Saving puts the API token in the keyring first, then the profile in `profiles.json`, like
`cfstream-token login`. When the profiles file refuses, the keyring is put back as it was. A
keyring that refuses the token does not stop the profile from being saved: the caller keeps
the token for this session and says so. A rename copies the old name's token and signing keys
to the new name, saves the new profile, then removes the old one secrets first
(`remove_profile`); a failure before the new profile is saved takes the copies back out.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.core.storage.removal import Removal, remove_profile
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError


@dataclass(frozen=True)
class SavedAccount:
    profile: Profile
    renamed_from: str | None = None
    # Why the typed API token is not in the keyring ("" when it is, or none was typed): the
    # caller keeps it for this session only.
    token_not_saved: str = ""
    # Why the old name of a renamed profile is still there ("" when it is gone).
    old_name_left: str = ""


def save_account(
    profiles: ProfileStore,
    secrets: SecretStore,
    profile: Profile,
    credentials: Credentials | None,
    *,
    original: str | None,
) -> SavedAccount:
    """Save `profile` (new when `original` is None, else the profile called `original`, which
    a different `profile.name` renames) and, when typed, its API token.

    ProfileError when the name is taken or the profiles file refuses; SecretStoreError when the
    keyring refuses the copies a rename needs. Either way nothing has changed."""
    name = profile.name
    renaming = original is not None and original != name
    fresh = original is None or renaming
    undo = _Undo(secrets, name)
    problem = ""
    if credentials is not None and credentials.origin is not Origin.ENVIRONMENT:
        try:
            undo.set_token(credentials.api_token)
        except SecretStoreError as exc:
            problem = exc.message
    try:
        if renaming:
            assert original is not None
            undo.copy_from(original, token=credentials is None)
        _store(profiles, profile, fresh=fresh)
        if renaming and profiles.current_name() == original:
            profiles.use(name)
    except BaseException:
        undo.run()
        raise
    left = ""
    if renaming:
        assert original is not None
        try:
            remove_profile(profiles, secrets, original)
        except (ProfileError, SecretStoreError) as exc:
            left = str(exc)
    return SavedAccount(profile, original if renaming else None, problem, left)


def remove_account(profiles: ProfileStore, secrets: SecretStore, name: str) -> Removal:
    """Remove the profile and everything the keyring holds for it, secrets first (a keyring
    failure keeps the profile, so trying again finishes the job)."""
    return remove_profile(profiles, secrets, name)


def _store(profiles: ProfileStore, profile: Profile, *, fresh: bool) -> None:
    def change(stored: Profile | None) -> Profile:
        if fresh and stored is not None:
            raise ProfileError(
                f"A profile named “{profile.name}” exists already; choose another name."
            )
        return profile

    profiles.update(profile.name, change)


class _Undo:
    """The keyring changes made under `name` so far, and how to take them back."""

    def __init__(self, secrets: SecretStore, name: str) -> None:
        self._secrets = secrets
        self._name = name
        self._token_before: str | None = None
        self._token_set = False
        self._keys_added: list[str] = []

    def set_token(self, token: str) -> None:
        self._token_before = self._secrets.get_api_token(self._name)
        self._secrets.set_api_token(self._name, token)
        self._token_set = True

    def copy_from(self, old: str, *, token: bool) -> None:
        """The old name's signing keys (and its API token, when `token`) under the new name."""
        if token:
            stored = self._secrets.get_api_token(old)
            if stored is not None:
                self.set_token(stored)
        held = set(self._secrets.list_signing_key_ids(self._name))
        for key_id in self._secrets.list_signing_key_ids(old):
            pem = self._secrets.get_signing_key(old, key_id)
            if pem is None or key_id in held:
                continue
            self._secrets.set_signing_key(self._name, key_id, pem)
            self._keys_added.append(key_id)

    def run(self) -> None:
        # Best effort: the error being raised says what went wrong first.
        with contextlib.suppress(SecretStoreError):
            for key_id in self._keys_added:
                self._secrets.delete_signing_key(self._name, key_id)
            if self._token_set:
                if self._token_before is None:
                    self._secrets.delete_api_token(self._name)
                else:
                    self._secrets.set_api_token(self._name, self._token_before)
