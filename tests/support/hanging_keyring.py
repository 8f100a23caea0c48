"""A keyring backend whose every call waits until released, as one stuck on an unlock prompt
nobody answers does. Select it in a child process with
`PYTHON_KEYRING_BACKEND=tests.support.hanging_keyring.HangingKeyring`; in-process, call
`release()` at the end so the daemon threads it holds can finish."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend

_RELEASED = threading.Event()


def release() -> None:
    _RELEASED.set()


def rearm() -> None:
    _RELEASED.clear()


class HangingKeyring(KeyringBackend):
    priority = -1  # never chosen by keyring's own detection

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def get_password(self, service: str, username: str) -> str | None:
        _RELEASED.wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        _RELEASED.wait()

    def delete_password(self, service: str, username: str) -> None:
        _RELEASED.wait()
