"""The window from the keyboard and for a screen reader: the standard shortcuts, Tab in reading
order, and a name on every control."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget

from cfstream_gui.core.models import AccessRule
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name


def with_a_token(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    finished = window.controller.finished
    window.createTokenButton.click()
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    assert window.result.token()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)


def press(qtbot: Any, window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifiers)


CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_ctrl_shift_c_copies_the_token_and_ctrl_l_the_link(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    copy_token = by_name(window, QAction, "copyTokenAction")
    assert not copy_token.isEnabled()  # nothing to copy yet
    with_a_token(qtbot, window, sandbox)
    assert copy_token.isEnabled()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("something else")
    window.form.videoIdEdit.setFocus()  # wherever the focus is, the shortcut works

    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    assert clipboard.text() == window.result.token()
    assert window.statusBar().currentMessage().startswith("Copied the token")

    press(qtbot, window, Qt.Key.Key_L, CTRL)
    assert clipboard.text() == by_name(window, QLineEdit, "urlOutput").text()
    assert window.result.token() in clipboard.text()


def test_ctrl_q_quits(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    assert by_name(window, QAction, "quitAction").shortcut().toString() == "Ctrl+Q"
    press(qtbot, window, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(window.is_shut_down, timeout=WAIT_MS)
    assert not window.isVisible()


def test_the_menus_hold_quit_and_the_copy_entries(make_window: WindowFactory) -> None:
    window = make_window()
    menus = {
        menu.title().replace("&", ""): [a.objectName() for a in menu.actions()]
        for menu in window.menuBar().findChildren(QMenu)
    }
    assert list(menus)[:2] == ["File", "Edit"]
    assert "quitAction" in menus["File"]
    assert {"copyTokenAction", "copyUrlAction"} <= set(menus["Edit"])


def tab_walk(qtbot: Any, window: MainWindow, start: QWidget) -> list[str]:
    """Press Tab from `start` until the focus comes back to it: the names visited."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus, timeout=WAIT_MS)
    visited: list[str] = []
    for _ in range(80):
        press(qtbot, window, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused is start:
            return visited
        visited.append(focused.objectName() or type(focused).__name__)
    raise AssertionError(f"Tab never came back to the start: {visited}")


def test_tab_reads_down_the_form_then_down_the_result(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    window.form.rulesEditor.set_rules([AccessRule("allow", "ip.geoip.country", ("US",))])
    with_a_token(qtbot, window, sandbox)
    window.form.preview.showRequestToggle.setChecked(True)
    # Tab leaves the rules table for Add rule (arrow keys move between its cells).
    visited = tab_walk(qtbot, window, by_name(window, QWidget, "profileCombo"))
    assert visited == [
        "manageAccountsButton",
        "accountIdEdit",
        "apiTokenEdit",
        "verifyButton",
        "signingEngineCombo",
        "videoIdEdit",
        "browseVideosButton",
        "expiryEnabledCheck",
        "expiryPresetPlus1h",
        "expiryPresetPlus6h",
        "expiryPresetPlus24h",
        "expiryPresetEndOfToday",
        "nbfEnabledCheck",
        "nbfPresetNow",
        "nbfPresetMinus5m",
        "nbfPresetPlus1h",
        "downloadableCheck",
        "rulesTable",
        "addRuleButton",
        "createTokenButton",
        "tokenOutput",
        "copyTokenButton",
        "urlKindCombo",
        "urlOutput",
        "copyUrlButton",
        "previewButton",
        "inspectTokenButton",
        "checkPlaybackButton",
        "copyAsCodeButton",
        "showRequestToggle",
        "requestPreview",
        # The sandbox's note comes first in the account panel, so Tab reaches it last.
        "addAccountButton",
    ]


def test_every_control_has_a_name_a_screen_reader_can_say(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    with_a_token(qtbot, window, sandbox)
    window.form.preview.showRequestToggle.setChecked(True)
    window.form.rulesEditor.add_button.click()
    window.banner.show_error("An error", "What to do")
    unnamed = [
        widget.objectName() or type(widget).__name__
        for widget in window.findChildren(QWidget)
        if widget.isVisibleTo(window)
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not widget.objectName().startswith("qt_")
        and not widget.accessibleName()
    ]
    assert unnamed == []
    for action in window.menu_actions.__dict__.values():
        assert isinstance(action, QAction) and action.text().replace("&", "")
