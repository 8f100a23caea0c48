"""An in-memory keyring backend for unit tests.

Priority -1 keeps it out of keyring's auto-detection: merely importing it must never make it (or a
chainer that includes it) the default anywhere. Tests select it with `keyring.set_keyring()` or
`PYTHON_KEYRING_BACKEND=tests.support.memkeyring.MemoryKeyring`.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.store[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None
