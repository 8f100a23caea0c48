"""Three ways to sign, one form: Cloudflare's key, the user's key via the API, and the user's key
right here. Against the sandbox on loopback; keys are made through the window's own Signing keys
dialog, so the sandbox knows them and its edge check accepts the tokens."""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QPushButton

from cfstream_gui import __version__
from cfstream_gui.app import build_window
from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.batch.dialog import BatchDialog
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog
from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support.rsa_keys import pkcs8_pem, rsa_key
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name, close_window

PROFILE = "sandbox"


def combo(window: MainWindow, name: str) -> QComboBox:
    return by_name(window, QComboBox, name)  # type: ignore[no-any-return]


def choose_engine(window: MainWindow, engine: SigningEngine) -> None:
    engines = combo(window, "signingEngineCombo")
    engines.setCurrentIndex(engines.findData(engine.value))


def wait_for_keys(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.form.signing.is_reading(), timeout=WAIT_MS)


def make_key(qtbot: Any, window: MainWindow) -> str:
    """Create a key on the sandbox account through Keys → Signing keys…, as a user would; the
    key selector then offers it."""
    before = set(window.form.signing.key_ids())
    window.menu_actions.signing_keys.trigger()
    qtbot.waitUntil(lambda: window.keys.keys_dialog is not None, timeout=WAIT_MS)
    dialog = window.keys.keys_dialog
    assert isinstance(dialog, SigningKeysDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.is_busy(), timeout=WAIT_MS)
    listed = len(dialog.model.rows())
    qtbot.mouseClick(dialog.createButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not dialog.is_busy() and len(dialog.model.rows()) > listed, timeout=WAIT_MS
    )
    dialog.reject()
    qtbot.waitUntil(lambda: window.keys.keys_dialog is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(set(window.form.signing.key_ids()) - before), timeout=WAIT_MS)
    (key_id,) = set(window.form.signing.key_ids()) - before
    return key_id


def create(qtbot: Any, window: MainWindow) -> str:
    """Press Create and wait until it is over; a local create can finish within one poll, so
    wait for its outcome rather than for the busy state."""
    button = by_name(window, QPushButton, "createTokenButton")
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    before = window.result.token()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            not window.is_busy() and (window.result.token() != before or window.banner.isVisible())
        ),
        timeout=WAIT_MS,
    )
    assert not window.banner.isVisible(), window.banner.message()
    return window.result.token()


def fill_video(window: MainWindow, uid: str) -> None:
    window.form.videoIdEdit.setText(uid)


# -- the three engines ------------------------------------------------------------------------


def test_cloudflare_engine_is_the_default_and_signs_with_cloudflares_key(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    assert window.form.engine() is SigningEngine.CLOUDFLARE
    assert not window.form.signing.key_row.isVisibleTo(window)
    uid = sandbox.video_uids(signed=True)[0]
    fill_video(window, uid)
    token = create(qtbot, window)
    assert decode_token(token).kid == sandbox.cloudflare_key_id
    assert sandbox.verify_playback_token(token, uid).allowed


def test_my_key_via_the_api_sends_id_and_pem_and_the_token_plays(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    key_id = make_key(qtbot, window)
    choose_engine(window, SigningEngine.API_KEY)
    assert window.form.signing.key_row.isVisibleTo(window)
    assert window.form.key_id() == key_id
    uid = sandbox.video_uids(signed=True)[0]
    fill_video(window, uid)
    token = create(qtbot, window)

    body = [r for r in sandbox.requests if r.path.endswith("/token")][-1].json
    assert body is not None
    assert body["id"] == key_id and body["pem"]
    assert decode_token(token).kid == key_id
    assert sandbox.verify_playback_token(token, uid).allowed


def test_local_signing_sends_nothing_and_needs_no_api_token_or_account_id(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    key_id = make_key(qtbot, window)
    choose_engine(window, SigningEngine.LOCAL)
    window.account.accountIdEdit.clear()
    window.account.apiTokenEdit.clear()
    uid = sandbox.video_uids(signed=True)[0]
    fill_video(window, uid)
    sent = len(sandbox.requests)

    token = create(qtbot, window)

    assert len(sandbox.requests) == sent  # not one request, not even for the customer code
    assert decode_token(token).kid == key_id
    assert sandbox.verify_playback_token(token, uid).allowed
    # The sandbox profile knows where its links are served, so they are there as usual, and
    # the watch page (served by the sandbox) says the token plays.
    watch = window.result.urlOutput.text()
    assert watch.startswith(f"{sandbox.delivery_base}/{token}")
    assert "Allowed" in httpx.get(watch).text
    assert "signed on this computer" in window.statusBar().currentMessage()


def test_a_key_engine_without_a_held_key_disables_create_with_the_reason(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(window, sandbox.video_uids(signed=True)[0])
    wait_for_keys(qtbot, window)
    for engine in (SigningEngine.API_KEY, SigningEngine.LOCAL):
        choose_engine(window, engine)
        create_button = by_name(window, QPushButton, "createTokenButton")
        assert not create_button.isEnabled()
        assert "No signing key is held" in window.createStatusLabel.text()
        keys = combo(window, "signingKeyCombo")
        assert not keys.isEnabled() and "No signing key held" in keys.currentText()

    qtbot.mouseClick(by_name(window, QPushButton, "manageKeysButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.keys.keys_dialog is not None, timeout=WAIT_MS)
    dialog = window.keys.keys_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: window.keys.keys_dialog is None, timeout=WAIT_MS)


# -- the preview ------------------------------------------------------------------------------


def test_preview_shows_the_body_with_the_private_key_hidden(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    key_id = make_key(qtbot, window)
    choose_engine(window, SigningEngine.API_KEY)
    uid = sandbox.video_uids(signed=True)[0]
    fill_video(window, uid)
    window.form.downloadableCheck.setChecked(True)
    preview = window.form.preview
    assert not preview.requestPreview.isVisibleTo(window)
    qtbot.mouseClick(preview.showRequestToggle, Qt.MouseButton.LeftButton)
    assert preview.requestPreview.isVisibleTo(window)

    text = preview.text()
    assert f"/stream/{uid}/token" in text
    body = json.loads(text.split("\n", 1)[1])
    assert body == {"id": key_id, "downloadable": True, "pem": "<private key hidden>"}
    assert "PRIVATE KEY" not in text


def test_preview_shows_the_claims_for_local_signing(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    key_id = make_key(qtbot, window)
    choose_engine(window, SigningEngine.LOCAL)
    uid = sandbox.video_uids(signed=True)[0]
    fill_video(window, uid)
    now = window.controller._clock()
    window.form.expiry.set_value(int(now) + 7200)

    text = window.form.preview.text()
    assert "nothing is sent" in text
    claims = json.loads(text.split("Claims:\n", 1)[1])
    assert claims["sub"] == uid and claims["kid"] == key_id
    assert claims["exp"] == int(now) + 7200
    assert f'"kid": "{key_id}"' in text.split("Claims:")[0]  # the header


# -- the saved form ---------------------------------------------------------------------------


def test_engine_and_key_come_back_after_a_restart_without_the_key_material(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    store = FormStore()
    window = make_window(form_store=store)
    key_id = make_key(qtbot, window)
    make_key(qtbot, window)  # a newer key: the restored choice must still be the first one
    choose_engine(window, SigningEngine.LOCAL)
    window.form.signing.want_key(key_id)
    assert window.form.key_id() == key_id
    close_window(qtbot, window)
    saved = store.path.read_text(encoding="utf-8")
    assert key_id in saved and "PRIVATE" not in saved and "pem" not in saved

    again = make_window(form_store=store)
    wait_for_keys(qtbot, again)
    assert again.form.engine() is SigningEngine.LOCAL
    assert combo(again, "signingKeyCombo").currentData() == key_id


# -- menus ------------------------------------------------------------------------------------


def _visible(cls: type[Any]) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()]


def test_menu_actions_open_their_dialogs(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    key_id = make_key(qtbot, window)
    assert window.findChild(type(window.menu_actions.about), "aboutAction") is not None

    window.menu_actions.import_key.trigger()
    qtbot.waitUntil(lambda: bool(_visible(KeyImportDialog)), timeout=WAIT_MS)
    _visible(KeyImportDialog)[0].reject()

    window.menu_actions.batch.trigger()
    qtbot.waitUntil(lambda: window.keys.batch_dialog is not None, timeout=WAIT_MS)
    batch = window.keys.batch_dialog
    assert isinstance(batch, BatchDialog) and batch.isVisible()
    assert batch.keyCombo.currentData() == key_id
    batch.reject()
    qtbot.waitUntil(lambda: window.keys.batch_dialog is None, timeout=WAIT_MS)

    window.menu_actions.about.trigger()
    qtbot.waitUntil(lambda: bool(_visible(QMessageBox)), timeout=WAIT_MS)
    about = _visible(QMessageBox)[0]
    assert about.objectName() == "aboutDialog"
    assert __version__ in about.text() and "your system keyring (" in about.text()
    about.close()


def test_import_key_from_the_menu_puts_it_in_the_selector(
    qtbot: Any, make_window: WindowFactory, memory_keyring: MemoryKeyring
) -> None:
    window = make_window()
    pem = pkcs8_pem(rsa_key())
    key_id = "0123456789abcdef0123456789abcdef"
    window.menu_actions.import_key.trigger()
    qtbot.waitUntil(lambda: bool(_visible(KeyImportDialog)), timeout=WAIT_MS)
    dialog = _visible(KeyImportDialog)[0]
    dialog.materialEdit.setPlainText(pem)
    dialog.keyIdEdit.setText(key_id)
    qtbot.waitUntil(dialog.okButton.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.okButton, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: key_id in window.form.signing.key_ids(), timeout=WAIT_MS)
    choose_engine(window, SigningEngine.LOCAL)
    assert window.form.key_id() == key_id
    assert SecretStore().get_signing_key(PROFILE, key_id) is not None


# -- --sandbox keeps its keys in memory -------------------------------------------------------


def test_sandbox_window_keeps_keys_out_of_the_real_keyring(
    qtbot: Any, qloop: Any, sandbox: Sandbox, memory_keyring: MemoryKeyring
) -> None:
    window = build_window(sandbox, os.environ)
    window.show()
    qtbot.waitExposed(window)
    try:
        key_id = make_key(qtbot, window)
        choose_engine(window, SigningEngine.LOCAL)
        uid = sandbox.video_uids(signed=True)[0]
        fill_video(window, uid)
        token = create(qtbot, window)
        assert decode_token(token).kid == key_id
        assert sandbox.verify_playback_token(token, uid).allowed
        # The real keyring (here the test's in-memory stand-in) never saw the key.
        assert not any(key_id in user for _service, user in memory_keyring.store)
    finally:
        close_window(qtbot, window)
