"""`login` keeps what it checked against, and a login that fails leaves nothing half made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keyring
import pytest

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Run
from tests.cli.test_accounts import profiles_file, stored
from tests.cli.test_exit_codes import LockedKeyring

Feed = Callable[[str], None]


def test_login_keeps_the_base_url_from_the_environment_for_later_commands(
    sb: Sandbox,
    cli: Run,
    feed_stdin: Feed,
    config_dir: Path,
    signed_uid: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url + "/")
    feed_stdin(sb.DEMO_API_TOKEN)

    login = cli("login", "--profile", "lab", "--account", sb.DEMO_ACCOUNT_ID)

    assert login.code == 0, login.err
    assert f"keeps the API base URL {sb.base_url}" in login.err
    assert profiles_file(config_dir)["profiles"]["lab"]["api_base_url"] == sb.base_url

    # The next command, in a shell without the variable, still goes where the login did.
    monkeypatch.delenv("CLOUDFLARE_BASE_URL")
    sb.clear()
    created = cli("create", signed_uid)
    assert created.code == 0, created.err
    assert decode_token(created.out.strip()).sub == signed_uid
    assert [r.path for r in sb.requests if r.path.endswith("/token")]


def test_a_profiles_own_base_url_wins_and_the_variable_is_named_as_ignored(
    sb: Sandbox, cli: Run, feed_stdin: Feed, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = cli(
        "profiles", "add", "lab", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url
    )
    assert added.code == 0, added.err
    with Sandbox() as elsewhere:
        monkeypatch.setenv("CLOUDFLARE_BASE_URL", elsewhere.base_url)
        feed_stdin(sb.DEMO_API_TOKEN)

        login = cli("login", "--profile", "lab")

        assert login.code == 0, login.err
        assert elsewhere.requests == []
    assert "CLOUDFLARE_BASE_URL is ignored" in login.err
    assert profiles_file(config_dir)["profiles"]["lab"]["api_base_url"] == sb.base_url


def test_login_without_the_variable_keeps_no_base_url(
    sb: Sandbox, cli: Run, feed_stdin: Feed, config_dir: Path
) -> None:
    cli("profiles", "add", "lab", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url)
    feed_stdin(sb.DEMO_API_TOKEN)

    login = cli("login", "--profile", "lab")

    assert login.code == 0, login.err
    assert "base URL" not in login.err


def test_a_keyring_that_refuses_the_token_leaves_no_profile(
    sb: Sandbox, cli: Run, feed_stdin: Feed, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(LockedKeyring())  # type: ignore[no-untyped-call]  # the fixture restores it
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url)
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli("login", "--profile", "fresh", "--account", sb.DEMO_ACCOUNT_ID)

    assert result.code == 5
    assert not (config_dir / "profiles.json").exists()
    assert cli("profiles", "list").out.startswith("No profiles yet")


def test_a_keyring_that_refuses_the_token_leaves_an_existing_profile_as_it_was(
    sb: Sandbox, cli: Run, feed_stdin: Feed, config_dir: Path
) -> None:
    cli("profiles", "add", "lab", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url)
    before = profiles_file(config_dir)
    keyring.set_keyring(LockedKeyring())  # type: ignore[no-untyped-call]
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli("login", "--profile", "lab", "--account", "0123456789abcdef0123456789abcdef")

    assert result.code == 5
    assert profiles_file(config_dir) == before


class ProfilesFileBreaksAfterTheToken(MemoryKeyring):
    """A keyring that keeps the token, after which the profiles file can no longer be written
    (here: its name is taken by a directory), as a full disk or a changed permission would do."""

    def __init__(self, profiles_path: Path) -> None:
        super().__init__()
        self.profiles_path = profiles_path

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        self.profiles_path.mkdir(parents=True, exist_ok=True)


def test_a_profile_that_cannot_be_saved_takes_its_new_token_back_out(
    sb: Sandbox, cli: Run, feed_stdin: Feed, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = ProfilesFileBreaksAfterTheToken(config_dir / "profiles.json")
    keyring.set_keyring(backend)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url)
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli("login", "--profile", "fresh", "--account", sb.DEMO_ACCOUNT_ID)

    assert result.code == 2
    assert "profiles file" in result.err
    assert "keeps the API base URL" not in result.err  # it kept nothing
    assert stored(backend, "fresh") is None
    assert backend.store == {}
