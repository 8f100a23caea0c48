"""Profile names that would be read as options or as "the default", and a machine without a
usable keyring: every case is a sentence that says what is wrong, and nothing is sent."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Run

Feed = Callable[[str], None]
NO_KEYRING: dict[str, Callable[[], KeyringBackend]] = {
    "no backend": fail.Keyring,  # no Secret Service: every call raises NoKeyringError
    "null backend": null.Keyring,  # turned off: accepts everything, keeps nothing
}


def saved_names(config_dir: Path) -> list[str]:
    path = config_dir / "profiles.json"
    if not path.exists():
        return []
    return sorted(json.loads(path.read_text(encoding="utf-8"))["profiles"])


# --- profile names ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["login", "logout"])
def test_an_empty_profile_name_is_an_error_not_the_default(
    sb: Sandbox, cli: Run, feed_stdin: Feed, memory_keyring: MemoryKeyring, command: str
) -> None:
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli(command, "--profile", "")

    assert result.code == 2
    assert "error: The profile name is empty" in result.err
    assert memory_keyring.store == {}
    assert sb.requests == []


@pytest.mark.parametrize(
    "argv",
    [
        ["login", "--profile=-x"],
        ["profiles", "add", "--account", "023e105f4ecef8ad9ca31a8372d0c353", "--", "-x"],
        ["profiles", "add", "--account", "023e105f4ecef8ad9ca31a8372d0c353", "--", "--use"],
    ],
)
def test_a_profile_name_that_looks_like_an_option_is_refused(
    sb: Sandbox, cli: Run, feed_stdin: Feed, config_dir: Path, argv: list[str]
) -> None:
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli(*argv)

    assert result.code == 2
    assert "must not start with “-”" in result.err
    assert saved_names(config_dir) == []
    assert sb.requests == []


# --- no usable keyring -----------------------------------------------------------------------


@pytest.fixture(params=sorted(NO_KEYRING))
def no_keyring(request: pytest.FixtureRequest) -> str:
    """The keyring the commands find is one that cannot keep anything (the autouse fixture in
    tests/conftest.py puts the previous one back)."""
    keyring.set_keyring(NO_KEYRING[request.param]())
    return str(request.param)


def add_profile(cli: Run, sb: Sandbox, name: str = "work") -> None:
    added = cli(
        "profiles", "add", name, "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url,
        "--use",
    )  # fmt: skip
    assert added.code == 0, added.err


def test_profiles_are_listed_without_a_keyring(sb: Sandbox, cli: Run, no_keyring: str) -> None:
    add_profile(cli, sb)
    add_profile(cli, sb, "spare")

    result = cli("profiles", "list")

    assert result.code == 0, result.err
    rows = result.out.splitlines()[1:]
    assert [row.lstrip("* ").split()[0] for row in rows] == ["spare", "work"]
    assert all(row.endswith("  unknown (keyring unavailable)") for row in rows)
    assert "keyring is unavailable" in result.err


def test_without_a_keyring_the_environments_token_is_still_listed(
    sb: Sandbox, cli: Run, no_keyring: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_profile(cli, sb)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", sb.DEMO_API_TOKEN)

    result = cli("profiles", "list")

    assert result.code == 0, result.err
    assert result.out.splitlines()[1].endswith("from environment")


def test_create_without_a_keyring_says_so_and_offers_the_variable(
    sb: Sandbox, cli: Run, no_keyring: str, signed_uid: str
) -> None:
    add_profile(cli, sb)
    sb.clear()

    result = cli("create", signed_uid)

    assert result.code == 5, result.err
    assert "keyring" in result.err and "CLOUDFLARE_API_TOKEN" in result.err
    assert "Run `cfstream-token login" not in result.err  # login would fail next
    assert sb.requests == []


def test_login_without_a_keyring_fails_before_reading_or_sending_the_token(
    sb: Sandbox, cli: Run, no_keyring: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_profile(cli, sb)
    sb.clear()
    stdin = io.StringIO(sb.DEMO_API_TOKEN)
    monkeypatch.setattr(sys, "stdin", stdin)

    result = cli("login")

    assert result.code == 5, result.err
    assert "keyring is unavailable" in result.err
    assert "CLOUDFLARE_API_TOKEN" in result.err
    assert stdin.tell() == 0  # the token was not even read
    assert sb.requests == []


def test_without_a_keyring_the_variable_works(
    sb: Sandbox, cli: Run, no_keyring: str, signed_uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_profile(cli, sb)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", sb.DEMO_API_TOKEN)

    result = cli("create", signed_uid)

    assert result.code == 0, result.err
