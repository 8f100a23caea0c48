"""The Settings dialog, generated from the declarations, and the settings acting in a real window
against the sandbox: Edit → Settings…, a bad value named in a sentence with OK disabled, what
OK keeps, and each setting where a user meets it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.settings import (
    SETTINGS,
    SETTINGS_FILE,
    MemorySettingsStore,
    Settings,
    SettingsStore,
)
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SERVICE
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.settings_dialog import SettingsDialog, object_name
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name, close_window, saved_sandbox_profile

CHOSEN = Settings(
    {
        "default_expiry": "3h",
        "default_engine": "api_key",
        "url_host_template": "https://play-{code}.example.com",
        "clipboard_clear_seconds": 1,
    }
)


def editor(dialog: QWidget, name: str) -> Any:
    setting = next(s for s in SETTINGS if s.name == name)
    return by_name(dialog, QWidget, object_name(setting, "Setting"))


def message(dialog: QWidget, name: str) -> QLabel:
    setting = next(s for s in SETTINGS if s.name == name)
    return by_name(dialog, QLabel, object_name(setting, "Message"))  # type: ignore[no-any-return]


def ok_button(dialog: QWidget) -> QPushButton:
    return by_name(dialog, QPushButton, "settingsOkButton")  # type: ignore[no-any-return]


# -- the dialog on its own --------------------------------------------------------------------


def test_one_row_per_declared_setting_showing_its_value(qtbot: Any) -> None:
    dialog = SettingsDialog(CHOSEN)
    qtbot.addWidget(dialog)
    assert editor(dialog, "default_expiry").text() == "3h"
    engines = editor(dialog, "default_engine")
    assert isinstance(engines, QComboBox) and engines.currentData() == "api_key"
    assert [engines.itemText(i) for i in range(engines.count())] == [e.label for e in SigningEngine]
    assert editor(dialog, "url_host_template").text() == "https://play-{code}.example.com"
    seconds = editor(dialog, "clipboard_clear_seconds")
    assert isinstance(seconds, QSpinBox) and seconds.value() == 1
    for setting in SETTINGS:
        widget = editor(dialog, setting.name)
        assert widget.accessibleName() == setting.label
        help_text = by_name(dialog, QLabel, object_name(setting, "Help")).text()
        assert help_text == setting.help
    assert dialog.settings() == CHOSEN
    assert ok_button(dialog).isEnabled()


def test_zero_seconds_reads_never(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert editor(dialog, "clipboard_clear_seconds").text() == "Never"


@pytest.mark.parametrize(
    ("name", "typed", "says"),
    [
        ("default_expiry", "tomorrow", "Default expiry: 'tomorrow' is not a duration"),
        ("default_expiry", "30h", "more than 24 hours"),
        ("url_host_template", "https://example.com", "should contain {code} exactly once"),
        ("url_host_template", "http://{code}.example.com", "only https:// is allowed"),
        ("url_host_template", "https://{code}.x.com/{0.__init__}", "braces"),
    ],
)
def test_a_bad_value_is_named_in_a_sentence_and_ok_stays_disabled(
    qtbot: Any, name: str, typed: str, says: str
) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    field = editor(dialog, name)
    field.clear()
    qtbot.keyClicks(field, typed)
    assert says in message(dialog, name).text()
    assert message(dialog, name).isVisible()
    assert field.property("invalid") == "error"
    assert not ok_button(dialog).isEnabled()
    assert says in ok_button(dialog).toolTip()
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter does not sneak past the disabled OK
    assert dialog.isVisible() and dialog.result() == 0

    field.clear()
    qtbot.keyClicks(field, "2h" if name == "default_expiry" else "https://{code}.example.com")
    assert not message(dialog, name).isVisible()
    assert field.property("invalid") == ""
    assert ok_button(dialog).isEnabled()


def test_restore_defaults_puts_every_declared_default_back(qtbot: Any) -> None:
    dialog = SettingsDialog(CHOSEN)
    qtbot.addWidget(dialog)
    editor(dialog, "url_host_template").setText("nonsense")
    qtbot.mouseClick(
        by_name(dialog, QPushButton, "settingsDefaultsButton"), Qt.MouseButton.LeftButton
    )
    assert dialog.settings() == Settings()
    assert ok_button(dialog).isEnabled()


# -- in the window ----------------------------------------------------------------------------


def settings_action(window: MainWindow) -> QAction:
    return by_name(window, QAction, "settingsAction")  # type: ignore[no-any-return]


def open_settings(qtbot: Any, window: MainWindow) -> SettingsDialog:
    settings_action(window).trigger()
    qtbot.waitUntil(lambda: window.settings_dialog is not None, timeout=WAIT_MS)
    dialog = window.settings_dialog
    assert dialog is not None and dialog.objectName() == "settingsDialog"
    qtbot.waitExposed(dialog)
    return dialog


def test_edit_settings_is_in_the_menu_with_ctrl_comma(make_window: WindowFactory) -> None:
    window = make_window()
    action = settings_action(window)
    assert action.shortcut() == QKeySequence("Ctrl+,")
    (edit_menu,) = [m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Edit"]
    assert action in edit_menu.actions()


def test_ok_keeps_the_settings_and_they_act_at_once(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, config_dir: Path
) -> None:
    window = make_window(settings=SettingsStore())
    dialog = open_settings(qtbot, window)
    editor(dialog, "default_expiry").setText("3h")
    engines = editor(dialog, "default_engine")
    engines.setCurrentIndex(engines.findData("api_key"))
    editor(dialog, "url_host_template").setText("https://play-{code}.example.com")
    editor(dialog, "clipboard_clear_seconds").setValue(1)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=WAIT_MS)
    stored = json.loads((config_dir / SETTINGS_FILE).read_text())
    assert stored == {"version": 1, **CHOSEN.to_json()}
    assert window.statusBar().currentMessage() == "Settings saved"
    assert window.controller.settings() == CHOSEN


def test_cancel_changes_nothing(qtbot: Any, make_window: WindowFactory, config_dir: Path) -> None:
    window = make_window(settings=SettingsStore())
    dialog = open_settings(qtbot, window)
    editor(dialog, "default_expiry").setText("3h")
    dialog.reject()
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=WAIT_MS)
    assert window.controller.settings() == Settings()
    assert not (config_dir / SETTINGS_FILE).exists()


def test_a_new_window_starts_its_form_from_the_defaults(
    qtbot: Any, make_window: WindowFactory, config_dir: Path
) -> None:
    SettingsStore().save(CHOSEN)
    now = time.time()
    window = make_window(settings=SettingsStore(), clock=lambda: now)
    assert window.form.expiry.value() == int(now) + 3 * 3600
    assert window.form.engine() is SigningEngine.API_KEY


def test_links_use_the_host_template_except_where_the_sandbox_serves_them(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, memory_keyring: MemoryKeyring
) -> None:
    template = Settings({"url_host_template": "https://play-{code}.example.com"})
    own = make_window(settings=MemorySettingsStore(template))  # the sandbox profile
    own.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    create(qtbot, own)
    assert by_name(own, QLineEdit, "urlOutput").text().startswith(f"{sandbox.delivery_base}/")
    close_window(qtbot, own)

    saved_sandbox_profile(sandbox)  # a real profile: its links go to the customer host
    memory_keyring.set_password(SERVICE, "api-token:work", sandbox.DEMO_API_TOKEN)
    window = make_window(use_sandbox_profile=False, settings=MemorySettingsStore(template))
    qtbot.waitUntil(lambda: window.controller.tokens.api_token() is not None, timeout=WAIT_MS)
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    token = by_name(window, QLineEdit, "tokenOutput").text()
    host = f"https://play-{sandbox.DEMO_CUSTOMER_CODE}.example.com"
    assert by_name(window, QLineEdit, "urlOutput").text() == f"{host}/{token}/watch"


def test_a_copied_token_is_cleared_after_the_set_seconds(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    clipboard = QGuiApplication.clipboard()
    window = make_window(settings=MemorySettingsStore(Settings({"clipboard_clear_seconds": 1})))
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    token = by_name(window, QLineEdit, "tokenOutput").text()
    qtbot.mouseClick(by_name(window, QPushButton, "copyTokenButton"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == token
    data = clipboard.mimeData()
    assert data is not None and bytes(data.data("x-kde-passwordManagerHint").data()) == b"secret"
    assert window.statusBar().currentMessage() == (
        "Copied the token to the clipboard; it is cleared in 1 s"
    )
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=WAIT_MS)


def test_without_auto_clear_a_copy_stays_even_after_closing(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    clipboard = QGuiApplication.clipboard()
    window = make_window()
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    qtbot.mouseClick(by_name(window, QPushButton, "copyUrlButton"), Qt.MouseButton.LeftButton)
    url = by_name(window, QLineEdit, "urlOutput").text()
    assert clipboard.text() == url
    assert window.statusBar().currentMessage().endswith("to the clipboard")
    close_window(qtbot, window)
    assert clipboard.text() == url  # the user asked for copies to stay


def test_closing_the_window_clears_a_secret_whose_timer_would_die_with_it(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    clipboard = QGuiApplication.clipboard()
    window = make_window(settings=MemorySettingsStore(Settings({"clipboard_clear_seconds": 600})))
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    qtbot.mouseClick(by_name(window, QPushButton, "copyTokenButton"), Qt.MouseButton.LeftButton)
    assert clipboard.text()
    close_window(qtbot, window)
    assert clipboard.text() == ""


def test_an_open_settings_dialog_closes_with_the_window(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    dialog = open_settings(qtbot, window)
    close_window(qtbot, window)
    assert window.settings_dialog is None
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert window.controller.settings() == Settings()  # closing is not OK


def create(qtbot: Any, window: MainWindow) -> None:
    button = by_name(window, QPushButton, "createTokenButton")
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    finished = window.controller.finished
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    assert by_name(window, QLineEdit, "tokenOutput").text(), window.banner.message()
