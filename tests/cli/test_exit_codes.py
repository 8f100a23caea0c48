"""Every failure class has its own exit code and a sentence on stderr, never a traceback and
never the API token."""

from __future__ import annotations

import io
import socket
import sys
from collections.abc import Callable
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

from cfstream_gui.cli import create as create_module
from cfstream_gui.cli.main import main
from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Run


class LockedKeyring(KeyringBackend):
    """A keyring whose every call fails as a locked GNOME keyring does."""

    priority = -1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_clean(err: str, *secrets: str) -> None:
    assert "Traceback" not in err
    for secret in secrets:
        assert secret not in err


def test_success_is_0(cli: Run, work: str, signed_uid: str) -> None:
    assert cli("create", signed_uid).code == 0


def test_argparse_usage_errors_are_2(cli: Run) -> None:
    assert cli("create").code == 2
    assert cli("create", "abc", "--output", "gif").code == 2
    assert cli("frobnicate").code == 2


def test_help_is_0_and_lists_the_commands(cli: Run) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in ("create", "login", "logout", "profiles", "sandbox"):
        assert command in result.out


def test_no_api_token_is_2_and_says_how_to_log_in(sb: Sandbox, cli: Run, signed_uid: str) -> None:
    cli("profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url)

    result = cli("create", signed_uid)

    assert result.code == 2
    assert (
        "No API token for profile work. Run `cfstream-token login --profile work` or set "
        "CLOUDFLARE_API_TOKEN." in result.err
    )
    assert sb.requests == []


def test_no_profile_and_no_account_is_2(cli: Run, signed_uid: str) -> None:
    result = cli("create", signed_uid)

    assert result.code == 2
    assert "profiles add" in result.err
    assert "CLOUDFLARE_ACCOUNT_ID" in result.err


def test_unknown_profile_is_2(cli: Run, work: str, signed_uid: str) -> None:
    result = cli("create", signed_uid, "--profile", "nope")

    assert result.code == 2
    assert "no profile named “nope”" in result.err
    assert "work" in result.err  # the known ones are listed


def test_wrong_api_token_is_3_with_cloudflares_code_and_a_hint(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "not-the-right-token-123456789"
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", wrong)  # wins over the keyring

    result = cli("create", signed_uid)

    assert result.code == 3
    assert "refused the API token" in result.err
    assert "code 10000" in result.err
    assert "hint: " in result.err
    assert result.out == ""
    assert_clean(result.err, wrong, sb.DEMO_API_TOKEN)


def test_rate_limit_is_3_and_says_when_to_retry(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    sb.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))

    result = cli("create", signed_uid)

    assert result.code == 3
    assert "rate limit" in result.err
    assert "5 minutes" in result.err
    assert len(sb.requests) == 1  # a five-minute block is not worth retrying
    assert_clean(result.err, sb.DEMO_API_TOKEN)


def test_cloudflare_400_is_3_with_its_message(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    body = {
        "success": False,
        "errors": [{"code": 10005, "message": "exp must be an integer"}],
        "messages": [],
        "result": None,
    }
    sb.inject_fault(Fault(status=400, body=body))

    result = cli("create", signed_uid)

    assert result.code == 3
    assert "code 10005: exp must be an integer" in result.err
    assert "hint: " in result.err
    assert_clean(result.err, sb.DEMO_API_TOKEN)


def test_unknown_video_is_3(sb: Sandbox, cli: Run, work: str) -> None:
    result = cli("create", "0123456789abcdef0123456789abcdef")

    assert result.code == 3
    assert "could not find" in result.err


def test_network_error_is_4(cli: Run, signed_uid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    port = closed_port()
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", Sandbox.DEMO_API_TOKEN)
    cli(
        "profiles", "add", "gone", "--account", Sandbox.DEMO_ACCOUNT_ID,
        "--base-url", f"http://127.0.0.1:{port}/client/v4", "--use",
    )  # fmt: skip

    result = cli("create", signed_uid)

    assert result.code == 4
    assert "network error: Could not connect to 127.0.0.1" in result.err
    assert_clean(result.err, Sandbox.DEMO_API_TOKEN)


def test_keyring_failure_is_5(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    keyring.set_keyring(LockedKeyring())  # type: ignore[no-untyped-call]  # the autouse fixture puts the old one back

    result = cli("create", signed_uid)

    assert result.code == 5
    assert "keyring is locked" in result.err
    assert_clean(result.err)
    assert sb.requests == []


def test_login_with_a_failing_keyring_is_5(
    sb: Sandbox, cli: Run, feed_stdin: Callable[[str], None]
) -> None:
    keyring.set_keyring(LockedKeyring())  # type: ignore[no-untyped-call]
    cli("profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url)
    feed_stdin(sb.DEMO_API_TOKEN)

    result = cli("login", "--profile", "work")

    assert result.code == 5
    assert_clean(result.err, sb.DEMO_API_TOKEN)


def test_unexpected_exception_is_1_in_one_line(
    cli: Run, work: str, signed_uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(create_module, "check", broken)

    result = cli("create", signed_uid)

    assert result.code == 1
    assert result.err == "internal error: ZeroDivisionError\nrun with --debug for details\n"


def test_debug_shows_the_traceback(
    cli: Run, work: str, signed_uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(create_module, "check", broken)

    for argv in (["--debug", "create", signed_uid], ["create", signed_uid, "--debug"]):
        result = cli(*argv)
        assert result.code == 1
        assert "Traceback" in result.err
        assert "ZeroDivisionError: division by zero" in result.err


def test_debug_never_shows_the_api_token(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    sb.inject_fault(Fault(status=403))

    result = cli("--debug", "create", signed_uid)

    assert result.code == 3
    assert "refused the API token" in result.err
    assert "Traceback" in result.err
    assert_clean(result.err.replace("Traceback", ""), sb.DEMO_API_TOKEN)


class _ClosedPipe(io.StringIO):
    """stdout whose reader has gone, like `cfstream-token ... | head` after head exits."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_quietly_with_141(
    sb: Sandbox, work: str, signed_uid: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = main(["create", signed_uid, "-o", "json"])
    assert code == 141
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err
