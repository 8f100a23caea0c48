"""A keyring shared by several processes of one test, for commands run as separate processes
against one running sandbox (the OS keyring would be shared the same way).

Test-only: entries are kept as JSON in the file named by `CFSTREAM_TEST_KEYRING` (in the test's
tmp_path, mode 0600), and only ever hold the sandbox's demo token and keys made by a sandbox.
A child process selects it with `PYTHON_KEYRING_BACKEND=tests.cli.file_keyring.FileKeyring`.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

PATH_ENV = "CFSTREAM_TEST_KEYRING"
BACKEND = "tests.cli.file_keyring.FileKeyring"
_T = TypeVar("_T")


class FileKeyring(KeyringBackend):
    priority = -1  # never chosen by keyring itself; only when named
    display_name = "test keyring file"

    def __init__(self, path: Path | None = None) -> None:
        # keyring builds every backend class it knows when it looks for one: no file is
        # needed (or opened) until this one is really used.
        super().__init__()  # type: ignore[no-untyped-call]
        self._path = path

    @property
    def path(self) -> Path:
        return self._path or Path(os.environ[PATH_ENV])

    def entries(self) -> dict[str, str]:
        """Every entry, `service/username` -> secret."""
        return self._locked(lambda entries: dict(entries))

    def get_password(self, service: str, username: str) -> str | None:
        return self._locked(lambda entries: entries.get(f"{service}/{username}"))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._locked(lambda entries: entries.__setitem__(f"{service}/{username}", password))

    def delete_password(self, service: str, username: str) -> None:
        if self._locked(lambda entries: entries.pop(f"{service}/{username}", None)) is None:
            raise PasswordDeleteError("not found")

    def _locked(self, use: Callable[[dict[str, str]], _T]) -> _T:
        with _exclusive(self.path.with_suffix(".lock")):
            entries: dict[str, str] = (
                json.loads(self.path.read_text()) if self.path.exists() else {}
            )
            before = dict(entries)
            result = use(entries)
            if entries != before:
                self.path.touch(mode=0o600)
                self.path.write_text(json.dumps(entries))
            return result


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
