"""A keyring that forgets everything when the process ends.

The sandbox sessions of `cfstream-token --sandbox` and `cfstream-gui --sandbox` hand it to their
`SecretStore`, so keys made or imported while playing with the sandbox never reach the user's
real keyring; the tests use it as their keyring too.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Entries in a dict, `store[(service, username)]`. Priority -1 keeps it out of keyring's own
    backend choice (importing it must never make it, or a chainer including it, the default); it
    is only ever used when passed in or set explicitly."""

    priority = -1
    # What SecretStore.store_name() tells the user (the About box, the token store line).
    display_name = "this session only (memory)"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")
