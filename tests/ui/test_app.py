"""Start-up and the crash path: `main()` runs the real window on a qasync loop and returns
when it closes; an unexpected exception becomes a dialog with copyable, redacted details."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from cfstream_gui import APP_ID, APP_NAME, __version__, app
from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.ui.crash_dialog import CrashHandler, redact
from cfstream_gui.ui.window.main_window import MainWindow


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def test_main_runs_the_sandbox_window_and_returns_when_it_closes(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    hook_before = sys.excepthook

    def inspect_then_close() -> None:
        windows = [w for w in _main_windows() if w.isVisible()]
        seen["count"] = len(windows)
        if windows:
            window = windows[0]
            seen["profile"] = window.account.profile_name()
            seen["store"] = window.account.tokenStoreLabel.text()
            seen["hook"] = sys.excepthook
            seen["video"] = window.form.videoIdEdit.text()
            seen["can_create"] = window.createTokenButton.isEnabled()
            window.close()

    QTimer.singleShot(300, inspect_then_close)
    assert app.main(["--sandbox"]) == 0

    assert seen["count"] == 1
    assert seen["profile"] == "sandbox"
    assert "this session only" in seen["store"]
    assert isinstance(seen["hook"], CrashHandler)
    # A first-time user can press Create at once: a demo video is already filled in.
    assert len(seen["video"]) == 32 and seen["can_create"]
    assert sys.excepthook is hook_before  # put back on the way out
    assert qapp.applicationName() == APP_NAME
    assert qapp.desktopFileName() == APP_ID
    assert qapp.quitOnLastWindowClosed()


def test_a_sandbox_session_leaves_the_real_saved_form_alone(qapp: QApplication) -> None:
    real = FormState.capture(
        now=1_790_000_000,
        profile="work",
        account_id="0123456789abcdef0123456789abcdef",
        video="bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        exp=None,
        nbf=None,
        downloadable=False,
        rules=[],
        url_kind="hls",
    )
    FormStore().save(real)

    def close_it() -> None:
        for window in _main_windows():
            window.close()

    QTimer.singleShot(300, close_it)
    assert app.main(["--sandbox"]) == 0

    assert FormStore().load() == real


def test_version_from_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cfstream_gui", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert __version__ in done.stdout


def _raise_with_secret(secret: str) -> BaseException:
    try:
        raise RuntimeError(f"request failed with header Authorization: Bearer {secret}")
    except RuntimeError as exc:
        return exc


def test_crash_dialog_shows_redacted_details_and_copies_them(qtbot: Any, tmp_path: Path) -> None:
    secret = "Zx9-a-real-looking-api-token-0123456789"
    handler = CrashHandler(secrets=lambda: [secret], log_dir=tmp_path)
    error = _raise_with_secret(secret)
    handler(type(error), error, error.__traceback__)

    dialog = handler.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    details = dialog.details()
    assert "RuntimeError" in details and "_raise_with_secret" in details
    assert secret not in details
    dialog.copyButton.click()
    assert QGuiApplication.clipboard().text() == details
    log = (tmp_path / "crash.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log and secret not in log

    # A second crash while the dialog is open is added to it, not a second dialog.
    again = _raise_with_secret(secret)
    handler(type(again), again, again.__traceback__)
    assert handler.dialog is dialog
    assert dialog.details().count("RuntimeError: request failed") == 2


def test_crash_handler_installs_and_uninstalls() -> None:
    before = sys.excepthook
    handler = CrashHandler()
    handler.install()
    try:
        assert sys.excepthook is handler
    finally:
        handler.uninstall()
    assert sys.excepthook is before


def test_redact_hides_known_secrets_bearer_values_and_private_keys() -> None:
    text = (
        "token=abcd-secret-1234 Authorization: Bearer xyz.abc.def "
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"
    )
    out = redact(text, ["abcd-secret-1234", ""])
    assert "abcd-secret-1234" not in out
    assert "xyz.abc.def" not in out
    assert "MIIB" not in out


def test_redact_hides_the_apis_base64_pem_and_jwk_forms() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretsecret\n-----END RSA PRIVATE KEY-----\n"
    api_pem = base64.b64encode(pem.encode()).decode()
    jwk = {"use": "sig", "kty": "RSA", "kid": "k", "d": "private-exponent", "p": "prime-p"}
    api_jwk = base64.b64encode(json.dumps(jwk).encode() * 8).decode()
    text = f"pem={api_pem}\nraw jwk: {json.dumps(jwk)}\njwk={api_jwk}\nTraceback (most recent"

    out = redact(text, [])

    for secret in (api_pem, "private-exponent", "prime-p", api_jwk):
        assert secret not in out
    assert '"kid": "k"' in out  # public members stay readable
    assert out.endswith("Traceback (most recent")  # text after a secret is untouched


def test_redact_hides_wrapped_base64_pem_and_base64_der() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 900 + "\n-----END RSA PRIVATE KEY-----\n"
    wrapped = base64.encodebytes(pem.encode()).decode()  # 76-character lines
    der = "MII" + "B" * 600
    out = redact(f"pem:\n{wrapped}\nder: {der}\nend of report", [])
    assert "AAAA" not in out and der not in out
    assert wrapped.splitlines()[1] not in out  # the continuation lines too
    assert out.endswith("end of report")


def test_an_old_world_readable_crash_log_is_made_private(tmp_path: Path) -> None:
    old = tmp_path / "crash.log"
    old.write_text("an earlier report\n")
    old.chmod(0o644)
    path = CrashHandler(log_dir=tmp_path)._write_log("details")
    assert path == old
    assert old.stat().st_mode & 0o777 == 0o600


def test_crash_log_is_readable_by_the_owner_only(tmp_path: Path) -> None:
    handler = CrashHandler(log_dir=tmp_path)
    path = handler._write_log("details")
    assert path is not None
    assert path.stat().st_mode & 0o777 == 0o600
