"""`profiles add` changes only what it was told to, on the profile as stored when it saves, even
when another process (the window) changed the profile while the command was running."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import ProfileStore
from tests.cli.conftest import Run

ACCOUNT = "0123456789abcdef0123456789abcdef"
KEY = "e9db990a82666dd571c77f944a5c5c8d"


class MeanwhileKeyring(MemoryKeyring):
    """Runs `meanwhile` at the first keyring read: `profiles add --default-key` reads the keyring
    after it has started and before it saves, which is when another process may write."""

    def __init__(self) -> None:
        super().__init__()
        self.meanwhile: Callable[[], object] | None = None

    def get_password(self, service: str, username: str) -> str | None:
        if self.meanwhile is not None:
            action, self.meanwhile = self.meanwhile, None
            action()
        return super().get_password(service, username)


@pytest.fixture
def meanwhile() -> Iterator[MeanwhileKeyring]:
    previous = keyring.get_keyring()
    backend = MeanwhileKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_a_customer_code_learnt_while_profiles_add_runs_is_kept(
    cli: Run, config_dir: Path, meanwhile: MeanwhileKeyring
) -> None:
    assert cli("profiles", "add", "work", "--account", ACCOUNT).code == 0
    window = ProfileStore(config_dir, env={})
    meanwhile.meanwhile = lambda: window.remember_customer_code("work", "learnt1")

    result = cli("profiles", "add", "work", "--default-key", KEY)

    assert result.code == 0, result.err
    assert result.out.strip() == "Updated profile work."
    stored = json.loads((config_dir / "profiles.json").read_text())["profiles"]["work"]
    assert stored["default_key_id"] == KEY
    assert stored["customer_code"] == "learnt1"  # the window's change survived
    assert stored["account_id"] == ACCOUNT


def test_a_profile_removed_while_profiles_add_runs_is_not_half_recreated(
    cli: Run, config_dir: Path, meanwhile: MeanwhileKeyring
) -> None:
    """Without --account, `add` only updates; if the profile went meanwhile, nothing is saved."""
    assert cli("profiles", "add", "work", "--account", ACCOUNT).code == 0
    assert cli("profiles", "add", "other", "--account", ACCOUNT).code == 0
    window = ProfileStore(config_dir, env={})
    meanwhile.meanwhile = lambda: window.remove("work")

    result = cli("profiles", "add", "work", "--default-key", KEY)

    assert result.code == 2
    assert "needs an account ID" in result.err
    assert sorted(json.loads((config_dir / "profiles.json").read_text())["profiles"]) == ["other"]
