"""Nothing from outside reaches the terminal raw: a hostile server's error message, a "token"
with escapes in it, a hand-edited profiles file, a stray argument. Escapes are shown as text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Run
from tests.cli.test_terminal import HOSTILE

RAW = ("\x1b", "\x07", "\r", "\u202e", "\x9b")


def assert_inert(*texts: str) -> None:
    for text in texts:
        for char in RAW:
            assert char not in text, f"{char!r} reached the terminal"


def hostile_error(status: int = 400) -> Fault:
    body = {"success": False, "errors": [{"code": 10005, "message": HOSTILE}], "messages": []}
    return Fault(status=status, body=body, path_contains="/token", times=None)  # past retries


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_a_servers_error_message_is_printed_inert(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, status: int
) -> None:
    sb.inject_fault(hostile_error(status))

    result = cli("create", signed_uid)

    assert result.code in (3, 4), result.err
    assert_inert(result.out, result.err)
    assert "pwned" in result.err  # shown, as text


def test_debug_tracebacks_are_inert_too(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    sb.inject_fault(hostile_error())

    result = cli("--debug", "create", signed_uid)

    assert result.code == 3
    assert "Traceback" in result.err
    assert_inert(result.err)


# Controls that str.strip() counts as whitespace: a token wrapped in them still decodes.
WRAPPED = "\r\x1c\x1f{token}\x0b\x85\n"
# Inside the signature; a stricter decoder refuses it, a lenient one would skip it.
INSIDE = "{head}\x1b]0;pwned\x07{tail}"


@pytest.mark.parametrize("shape", [WRAPPED, INSIDE])
@pytest.mark.parametrize("output", ["token", "json", "watch"])
def test_a_token_with_control_characters_is_not_printed(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, shape: str, output: str
) -> None:
    good = cli("create", signed_uid)
    assert good.code == 0, good.err
    token = good.out.strip()
    poisoned = shape.format(token=token, head=token[:-10], tail=token[-10:])
    envelope = {"success": True, "errors": [], "messages": [], "result": {"token": poisoned}}
    sb.inject_fault(Fault(status=200, body=envelope, path_contains="/token"))

    result = cli("create", signed_uid, "-o", output)

    assert result.code == 3, result.err
    assert result.out == ""
    assert_inert(result.err)
    assert not any(c in result.err for c in "\x1c\x1f\x0b\x85")


def test_a_hand_edited_profiles_file_is_listed_inert(
    sb: Sandbox, cli: Run, work: str, config_dir: Path
) -> None:
    path = config_dir / "profiles.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["profiles"][work]["account_id"] = HOSTILE
    data["profiles"][work]["customer_code"] = "\x1b[31mred"
    path.write_text(json.dumps(data), encoding="utf-8")

    result = cli("profiles", "list")

    assert result.code == 0, result.err
    assert "\\x1b]0;pwned" in result.out
    assert_inert(result.out, result.err)


def test_a_stray_argument_is_echoed_inert(cli: Run) -> None:
    result = cli("create", "ea95132c15732412d22c1476fa83f27a", HOSTILE)

    assert result.code == 2
    assert "unrecognized arguments" in result.err
    assert_inert(result.err)
