"""A keyring that forgets everything when the process ends: the sandbox's.

`cfstream-token --sandbox` and `cfstream-gui --sandbox` hand it to their `SecretStore`, so keys
made or imported while playing with the sandbox never reach the user's real keyring.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class SessionKeyring(KeyringBackend):
    """Entries in a dict. Priority -1 keeps it out of keyring's own backend choice (importing it
    must never make it the default); it is only ever passed to a `SecretStore` explicitly."""

    priority = -1
    # What SecretStore.store_name() tells the user (the About box, the token store line).
    display_name = "this session only (memory)"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")
