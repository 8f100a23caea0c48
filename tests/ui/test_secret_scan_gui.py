"""A scripted window session with marker secrets (an API token `cfut_MARKER…` in the keyring, a
private key made for the run and imported, and a key the sandbox makes), with HOME, the XDG
dirs, TMPDIR and the config dir pointed into one directory, every log record written to a file
there, and a crash forced through the app's crash handler. Afterwards no file under it (config,
saved form, batch CSV, crash log, debug log, Qt's caches), nothing on stderr, nothing the window
or the crash dialog shows, and no repr() of any of the app's objects still alive holds any form
of any of them.

The API token travels the whole real path: the `Front` before the sandbox swaps it for the demo
token, so verify, create and the keys dialog all succeed with it.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import open_main_window
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.crash_dialog import CrashHandler
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support import rsa_keys
from tests.support.front import Front
from tests.support.secret_scan import (
    Secret,
    echoing_refusal,
    isolate,
    key_from_pem,
    key_secret,
    marker_api_token,
    scan_text,
    scan_tree,
    text_secret,
)
from tests.ui.conftest import _KEEP, WAIT_MS, by_name, close_window, no_sleep

MARKER_KEY_ID = "7c" * 16
MARKER_KEY_SLOT = 23


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "session" / "home" / ".local" / "state" / "debug.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


def clients(base_url: str | None, credentials: Credentials | None) -> StreamClient:
    return StreamClient(credentials, base_url=base_url, env={}, sleep=no_sleep)


def click(qtbot: Any, button: QPushButton) -> None:
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    button.click()


def create(qtbot: Any, window: MainWindow) -> None:
    finished = window.controller.finished
    click(qtbot, by_name(window, QPushButton, "createTokenButton"))
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)


def choose(window: MainWindow, name: str, data: str) -> None:
    combo: QComboBox = by_name(window, QComboBox, name)
    index = combo.findData(data)
    assert index >= 0, f"{name} offers no {data}"
    combo.setCurrentIndex(index)


def make_key(qtbot: Any, window: MainWindow) -> str:
    before = set(window.form.signing.key_ids())
    window.menu_actions.signing_keys.trigger()
    dialog = window.keys.keys_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.is_busy(), timeout=WAIT_MS)
    click(qtbot, dialog.createButton)
    qtbot.waitUntil(lambda: not dialog.is_busy() and bool(dialog.model.rows()), timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: bool(set(window.form.signing.key_ids()) - before), timeout=WAIT_MS)
    (key_id,) = set(window.form.signing.key_ids()) - before
    return key_id


def import_key(qtbot: Any, window: MainWindow, pem: str, key_id: str) -> None:
    window.menu_actions.import_key.trigger()
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, KeyImportDialog)]
    dialog = next(w for w in found if w.isVisible())
    dialog.materialEdit.setPlainText(pem)
    dialog.keyIdEdit.setText(key_id)
    click(qtbot, dialog.okButton)
    qtbot.waitUntil(lambda: key_id in window.form.signing.key_ids(), timeout=WAIT_MS)


def run_batch(qtbot: Any, window: MainWindow, ids: list[str], out: Path) -> None:
    window.menu_actions.batch.trigger()
    dialog = window.keys.batch_dialog
    assert dialog is not None
    dialog.inputEdit.setPlainText("\n".join(ids))
    click(qtbot, dialog.startButton)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)
    dialog.choose_save_path = lambda _parent: str(out)
    click(qtbot, dialog.saveButton)
    assert out.is_file()
    dialog.reject()
    qtbot.waitUntil(lambda: window.keys.batch_dialog is None, timeout=WAIT_MS)


def force_a_crash(qtbot: Any, message: str, reported: list[BaseException]) -> None:
    """A bug in a Qt callback whose message carries secrets, through the installed handler."""

    def boom() -> None:
        raise RuntimeError(message)

    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: bool(reported), timeout=WAIT_MS)


def live_reprs() -> Iterator[tuple[str, str]]:
    for obj in gc.get_objects():
        module = getattr(type(obj), "__module__", "") or ""
        if module.startswith("cfstream_gui"):
            try:
                yield type(obj).__name__, repr(obj)
            except RuntimeError:  # a Qt object whose C++ side is gone
                continue


def test_a_window_session_leaves_no_copy_of_any_secret(
    qtbot: Any,
    qloop: qasync.QEventLoop,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capfd: pytest.CaptureFixture[str],
    debug_log: Path,
) -> None:
    root = tmp_path / "session"
    dirs = isolate(monkeypatch, root)
    token = marker_api_token()
    marker_key = rsa_keys.rsa_key(MARKER_KEY_SLOT)
    marker_pem = rsa_keys.pkcs8_pem(marker_key)
    secrets: list[Secret] = [
        text_secret("API token", token),
        key_secret("imported key", marker_key),
    ]
    shown: list[str] = []
    reported: list[BaseException] = []
    uid = sandbox.video_uids(signed=True)[0]

    with Front(sandbox.base_url) as front:
        front.swap_token(token, sandbox.DEMO_API_TOKEN)
        ProfileStore().save(
            Profile(
                "work",
                account_id=sandbox.DEMO_ACCOUNT_ID,
                customer_code=sandbox.DEMO_CUSTOMER_CODE,
                api_base_url=front.base_url,
            )
        )
        SecretStore().set_api_token("work", token)
        window = open_main_window(
            profiles=ProfileStore(),
            secrets=SecretStore(),
            client_factory=clients,
            form_store=FormStore(),
            env={},
        )
        _KEEP.append(window)
        crash = CrashHandler(secrets=window.controller.secrets_in_use, parent=lambda: window)
        monkeypatch.setattr(sys, "excepthook", lambda _t, error, _tb: reported.append(error))
        crash.install()
        try:
            window.show()
            qtbot.waitExposed(window)
            qtbot.waitUntil(lambda: window.controller.tokens.api_token() == token, timeout=WAIT_MS)

            click(qtbot, by_name(window, QPushButton, "verifyButton"))
            label: QLabel = by_name(window, QLabel, "verifyStatusLabel")
            qtbot.waitUntil(lambda: label.text() == "Active", timeout=WAIT_MS)
            window.form.videoIdEdit.setText(uid)
            create(qtbot, window)
            assert window.result.token(), window.banner.message()

            made = make_key(qtbot, window)
            made_pem = SecretStore().get_signing_key("work", made)
            assert made_pem is not None
            secrets.append(key_secret("key made by the sandbox", key_from_pem(made_pem)))
            import_key(qtbot, window, marker_pem, MARKER_KEY_ID)
            choose(window, "signingEngineCombo", SigningEngine.API_KEY.value)
            choose(window, "signingKeyCombo", made)
            create(qtbot, window)  # the private key goes to the API in the body
            choose(window, "signingEngineCombo", SigningEngine.LOCAL.value)
            choose(window, "signingKeyCombo", MARKER_KEY_ID)
            create(qtbot, window)
            assert window.result.token() and not window.banner.isVisible()
            run_batch(qtbot, window, [uid, "ab" * 16], dirs["HOME"] / "tokens.csv")

            choose(window, "signingEngineCombo", SigningEngine.CLOUDFLARE.value)
            front.play(echoing_refusal(token), times=10)
            create(qtbot, window)
            assert window.banner.tone() == "error"
            shown += [window.banner.message(), window.banner.hint()]
            front.clear()

            force_a_crash(qtbot, f"a bug with {token} and {marker_pem} in its text", reported)
            assert crash.dialog is not None
            shown.append(crash.dialog.details())
            shown += [label.text() for label in window.findChildren(QLabel)]
            reprs = list(live_reprs())
        finally:
            crash.uninstall()
            close_window(qtbot, window)
        assert memory_keyring.get_password("cfstream-gui", "api-token:work") == token
        assert f"Bearer {token}" in [v for r in front.received for _, v in r.headers]

    leaks = scan_tree(root, secrets)
    leaks += [leak for text in shown for leak in scan_text(text, secrets, f"shown: {text[:30]}")]
    leaks += [leak for name, text in reprs for leak in scan_text(text, secrets, f"repr {name}")]
    captured = capfd.readouterr()
    leaks += scan_text(captured.out + captured.err, secrets, "stdout/stderr")
    assert leaks == [], "\n".join(leaks)
    crash_logs = list(root.rglob("crash.log"))
    assert crash_logs and "a bug with" in crash_logs[0].read_text(encoding="utf-8")
    assert (root / "config" / "last_form.json").is_file()
    assert [type(error) for error in reported] == [RuntimeError]
    assert len(reprs) > 50 and debug_log.stat().st_size > 0
