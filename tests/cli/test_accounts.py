"""`login`, `logout` and `profiles`: the API token goes to the keyring and nowhere else."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

import pytest

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Run

Feed = Callable[[str], None]
OTHER_ACCOUNT = "0123456789abcdef0123456789abcdef"
KEY_A = "e9db990a82666dd571c77f944a5c5c8d"
KEY_B = "cdc935982f8075f2ef96106d85fcd838"


def stored(memory_keyring: MemoryKeyring, profile: str) -> str | None:
    return memory_keyring.store.get(("cfstream-gui", f"api-token:{profile}"))


def files_text(config_dir: Path) -> str:
    return "".join(p.read_text() for p in config_dir.rglob("*") if p.is_file())


class ProfilesFile(TypedDict):
    """profiles.json as `ProfileStore` writes it."""

    version: int
    current: str | None
    profiles: dict[str, dict[str, str | None]]


def profiles_file(config_dir: Path) -> ProfilesFile:
    data: ProfilesFile = json.loads((config_dir / "profiles.json").read_text())
    return data


def test_login_logout_profiles_round_trip(
    sb: Sandbox, cli: Run, feed_stdin: Feed, memory_keyring: MemoryKeyring, config_dir: Path
) -> None:
    added = cli(
        "profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url
    )
    assert added.code == 0, added.err

    feed_stdin(sb.DEMO_API_TOKEN + "\n")
    login = cli("login", "--profile", "work")

    assert login.code == 0, login.err
    assert "this session only (memory)" in login.out  # says which store holds it
    assert stored(memory_keyring, "work") == sb.DEMO_API_TOKEN
    assert sb.requests[-1].path == f"/client/v4/accounts/{sb.DEMO_ACCOUNT_ID}/tokens/verify"
    assert sb.DEMO_API_TOKEN not in files_text(config_dir)
    assert sb.DEMO_API_TOKEN not in login.out + login.err

    listing = cli("profiles", "list")
    assert listing.code == 0
    (row,) = [line for line in listing.out.splitlines() if " work " in f" {line} "]
    assert row.startswith("*")  # the first profile saved became the current one
    assert sb.DEMO_ACCOUNT_ID in row
    assert row.split()[-1] == "stored"
    assert sb.DEMO_API_TOKEN not in listing.out

    logout = cli("logout")
    assert logout.code == 0, logout.err
    assert stored(memory_keyring, "work") is None
    (row,) = [line for line in cli("profiles", "list").out.splitlines() if "work" in line]
    assert row.split()[-1] == "none"


def test_login_creates_a_missing_profile(
    sb: Sandbox,
    cli: Run,
    feed_stdin: Feed,
    memory_keyring: MemoryKeyring,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url)
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli("login", "--profile", "fresh", "--account", sb.DEMO_ACCOUNT_ID)

    assert result.code == 0, result.err
    saved = profiles_file(config_dir)
    assert saved["current"] == "fresh"
    assert saved["profiles"] == {
        "fresh": {
            "account_id": sb.DEMO_ACCOUNT_ID,
            "customer_code": None,
            "api_base_url": sb.base_url,  # where the token was checked, kept for next time
            "default_key_id": None,
            "delivery_base_url": None,
        }
    }
    assert stored(memory_keyring, "fresh") == sb.DEMO_API_TOKEN


def test_login_prompts_without_echo_on_a_terminal(
    sb: Sandbox, cli: Run, work: str, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

        def read(self) -> str:
            raise AssertionError("a terminal must not be read in the clear")

    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return f"  {sb.DEMO_API_TOKEN}  "

    memory_keyring.store.clear()
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("cfstream_gui.cli.accounts.getpass.getpass", fake_getpass)

    result = cli("login")

    assert result.code == 0, result.err
    assert prompts and "token" in prompts[0].lower()
    assert stored(memory_keyring, "work") == sb.DEMO_API_TOKEN  # trimmed


@pytest.mark.parametrize(
    ("token_attr", "expected"),
    [("WRONG", "refused the API token"), ("DEMO_EXPIRED_API_TOKEN", "expired")],
)
def test_login_with_a_bad_token_is_3_and_stores_nothing(
    sb: Sandbox,
    cli: Run,
    feed_stdin: Feed,
    memory_keyring: MemoryKeyring,
    config_dir: Path,
    token_attr: str,
    expected: str,
) -> None:
    token = getattr(sb, token_attr, "wrong-token-abcdef0123456789")
    cli("profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url)
    feed_stdin(token)

    result = cli("login", "--profile", "work")

    assert result.code == 3
    assert expected in result.err
    assert token not in result.err
    assert memory_keyring.store == {}


def test_login_with_empty_input_is_2(sb: Sandbox, cli: Run, work: str, feed_stdin: Feed) -> None:
    sb.clear()
    feed_stdin("\n")

    result = cli("login")

    assert result.code == 2
    assert "No API token was given" in result.err
    assert sb.requests == []


def test_login_without_an_account_checks_the_user_endpoint(
    sb: Sandbox,
    cli: Run,
    feed_stdin: Feed,
    memory_keyring: MemoryKeyring,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url)
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli("login")

    assert result.code == 0, result.err
    assert [r.path for r in sb.requests] == ["/client/v4/user/tokens/verify"]
    assert stored(memory_keyring, "default") == sb.DEMO_API_TOKEN
    assert "profiles add default --account ID" in result.err
    listing = cli("profiles", "list").out
    assert listing.splitlines()[1].split() == ["*", "default", "-", "-", "stored"]


def test_profiles_add_update_use_remove(
    sb: Sandbox, cli: Run, work: str, memory_keyring: MemoryKeyring, config_dir: Path
) -> None:
    added = cli("profiles", "add", "staging", "--account", OTHER_ACCOUNT, "--customer-code", "abc1")
    assert added.code == 0, added.err
    assert profiles_file(config_dir)["current"] == "work"  # only --use switches

    updated = cli(
        "profiles", "add", "staging", "--customer-code", "https://customer-xyz9.cloudflarestream.com/",
        "--use",
    )  # fmt: skip
    assert updated.code == 0, updated.err
    assert "Updated" in updated.out
    data = profiles_file(config_dir)
    assert data["current"] == "staging"
    assert data["profiles"]["staging"]["account_id"] == OTHER_ACCOUNT  # kept
    assert data["profiles"]["staging"]["customer_code"] == "xyz9"

    listing = cli("profiles", "list").out
    assert [line[0] for line in listing.splitlines()[1:]] == ["*", " "]  # staging, work
    assert "xyz9" in listing

    assert cli("profiles", "use", "work").code == 0
    assert profiles_file(config_dir)["current"] == "work"

    assert stored(memory_keyring, "work") == sb.DEMO_API_TOKEN
    removed = cli("profiles", "remove", "work")
    assert removed.code == 0, removed.err
    assert stored(memory_keyring, "work") is None
    assert "work" not in profiles_file(config_dir)["profiles"]


def test_removing_a_profile_removes_its_signing_keys(
    sb: Sandbox, cli: Run, work: str, memory_keyring: MemoryKeyring
) -> None:
    secrets = SecretStore()
    for key_id in (KEY_A, KEY_B):
        secrets.set_signing_key("work", key_id, "-----BEGIN RSA PRIVATE KEY-----\nx\n")
    secrets.set_signing_key("other", KEY_A, "-----BEGIN RSA PRIVATE KEY-----\ny\n")

    removed = cli("profiles", "remove", "work")

    assert removed.code == 0, removed.err
    assert removed.out.strip() == (
        "Removed profile work, its API token and 2 signing keys from the keyring."
    )
    assert not [user for _, user in memory_keyring.store if ":work" in user]
    assert secrets.list_signing_key_ids("other") == [KEY_A]  # other profiles keep theirs
    # Re-created under the same name, the profile starts with no keys.
    assert cli("profiles", "add", "work", "--account", OTHER_ACCOUNT).code == 0
    assert secrets.list_signing_key_ids("work") == []
    assert secrets.get_signing_key("work", KEY_A) is None


def test_removing_a_profile_without_keys_says_so(cli: Run) -> None:
    assert cli("profiles", "add", "spare", "--account", OTHER_ACCOUNT).code == 0
    SecretStore().set_api_token("spare", "test-only-token-0000000000000000")
    removed = cli("profiles", "remove", "spare")
    assert removed.code == 0, removed.err
    assert removed.out.strip() == "Removed profile spare and its API token from the keyring."


def test_profiles_add_strips_the_account_id(cli: Run, config_dir: Path) -> None:
    added = cli("profiles", "add", "spaced", "--account", f" {OTHER_ACCOUNT}\t")

    assert added.code == 0, added.err
    assert "warning" not in added.err
    data = profiles_file(config_dir)
    assert data["profiles"]["spaced"]["account_id"] == OTHER_ACCOUNT


def test_profiles_list_when_empty(cli: Run) -> None:
    result = cli("profiles", "list")
    assert result.code == 0
    assert "No profiles yet" in result.out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["profiles", "add", "new"], "needs an account ID"),
        (["profiles", "add", "new", "--account", "x" * 40], "Account ID is 40 characters"),
        (["profiles", "add", "bad name", "--account", OTHER_ACCOUNT], "profile name"),
        (
            ["profiles", "add", "new", "--account", OTHER_ACCOUNT, "--base-url", "http://a.com"],
            "only https://",
        ),
        (["profiles", "add", "new", "--account", OTHER_ACCOUNT, "--customer-code", "a b"], "CODE"),
        (["profiles", "use", "missing"], "no profile named “missing”"),
        (["profiles", "remove", "missing"], "no profile named “missing”"),
        (["logout"], "no current profile"),
    ],
)
def test_profile_mistakes_are_2(cli: Run, config_dir: Path, argv: list[str], expected: str) -> None:
    result = cli(*argv)

    assert result.code == 2
    assert expected in result.err
    assert not (config_dir / "profiles.json").exists()


@pytest.mark.parametrize("command", [["login"], ["logout"], ["profiles", "list"]])
def test_sandbox_flag_refuses_to_touch_real_profiles(cli: Run, command: list[str]) -> None:
    result = cli("--sandbox", *command)

    assert result.code == 2
    assert "--sandbox works with create, keys, batch and videos only" in result.err
