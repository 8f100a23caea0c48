"""`cfstream-gui --self-test`: the real window makes a token against the built-in sandbox and
the process says so; every way that can go wrong ends in exit 1 and a sentence, in bounded time.
CI runs the same option on the frozen bundle (packaging/check-bundle.sh)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from cfstream_gui import __version__, app, self_test
from cfstream_gui.sandbox import Fault, Sandbox
from tests.support.rsa_keys import rsa_key

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


def no_display_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a headless machine: no display and no Qt platform chosen. The
    worktree's package first, whatever the venv's editable install points at."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["CFSTREAM_CONFIG_DIR"] = str(tmp_path / "config")
    return env


def test_the_self_test_makes_a_token_headless_and_leaves_no_settings(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cfstream_gui", "--self-test"],
        cwd=tmp_path,
        env=no_display_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"self-test passed: cfstream-gui {__version__} opened its")
    assert "(offscreen)" in done.stdout and "the sandbox would play it" in done.stdout
    assert "self-test failed" not in done.stderr
    assert not (tmp_path / "config").exists()


def run_in_process(sandbox: Sandbox, timeout: float = 60.0) -> int:
    return self_test.run_self_test(["--self-test"], sandbox=sandbox, timeout=timeout)


def test_in_process_it_checks_the_token_with_the_sandbox(
    qapp: QApplication, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_in_process(sandbox) == 0
    out = capsys.readouterr().out
    assert f"through the sandbox at {sandbox.base_url}" in out
    posts = [r.path for r in sandbox.requests if r.method == "POST"]
    assert len(posts) == 1 and posts[0].endswith("/token")


def test_an_api_error_fails_it_with_cloudflares_message(
    qapp: QApplication, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.inject_fault(Fault(status=403, path_contains="/token", times=None))
    assert run_in_process(sandbox) == 1
    err = capsys.readouterr().err
    assert "self-test failed: Create showed an error instead of a token:" in err


def test_a_token_the_edge_would_refuse_fails_it(
    qapp: QApplication, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    video = sandbox.video_uids(signed=True)[0]
    # Well formed, naming the sandbox's key, but signed by another: what a tampering proxy or
    # a broken API would hand back.
    forged = jwt.encode(
        {"sub": video, "kid": sandbox.cloudflare_key_id, "exp": int(time.time()) + 3600},
        rsa_key(slot=3),
        algorithm="RS256",
        headers={"kid": sandbox.cloudflare_key_id},
    )
    body = {"success": True, "errors": [], "messages": [], "result": {"token": forged}}
    sandbox.inject_fault(Fault(status=200, body=body, path_contains="/token", times=None))
    assert run_in_process(sandbox) == 1
    err = capsys.readouterr().err
    assert "self-test failed: the sandbox would not play the token:" in err


def test_a_hung_api_ends_it_at_its_deadline_with_the_reason(
    qapp: QApplication, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.set_latency(600)  # the sandbox fixture's stop() ends the wait
    assert run_in_process(sandbox, timeout=3) == 1
    err = capsys.readouterr().err
    assert "no token and no error after pressing Create" in err
    assert "gave up after 3 seconds" in err


def test_a_missing_icon_fails_it(
    qapp: QApplication,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    qapp.setWindowIcon(QIcon())  # not the one an earlier test left behind
    monkeypatch.setattr(app, "RESOURCES_PACKAGE", "cfstream_gui.no_such_resources")
    assert run_in_process(sandbox) == 1
    assert "the app icon could not be drawn" in capsys.readouterr().err
    assert not [r for r in sandbox.requests if r.method == "POST"]  # stopped before Create


def test_keyring_without_its_metadata_is_named() -> None:
    with pytest.raises(self_test.SelfTestFailed, match="keyring lists no backends"):
        self_test.check_keyring_backends(entry_points=lambda group: [])


def test_a_missing_keyring_backend_module_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [SimpleNamespace(name="SecretService")]
    monkeypatch.setitem(self_test.KEYRING_BACKEND, "linux", "keyring.backends.NoSuchBackend")
    with pytest.raises(self_test.SelfTestFailed, match=r"keyring\.backends\.NoSuchBackend"):
        self_test.check_keyring_backends(entry_points=lambda group: entries, platform="linux")


def test_this_installation_has_the_keyring_backends_it_needs() -> None:
    self_test.check_keyring_backends()
