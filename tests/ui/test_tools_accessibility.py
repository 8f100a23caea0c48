"""Every control of the Tools dialogs has a name a screen reader can say, and every one a test or
script drives has its objectName (docs/automation.md); each dialog fits a 1366x768 screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QToolButton, QWidget

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.test_engine_signing import create, fill_video


def focusable(dialog: QDialog) -> list[QWidget]:
    return [
        widget
        for widget in dialog.findChildren(QWidget)
        if widget.isVisibleTo(dialog)
        and widget.isEnabled()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not widget.objectName().startswith("qt_")
    ]


def open_all(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> list[QDialog]:
    fill_video(window, sandbox.video_uids(signed=True)[0])
    token = create(qtbot, window)
    tools = window.tools()
    return [
        tools.open_inspector(token),
        tools.open_simulator(),
        tools.open_playback(token),
        tools.open_snippets(),
    ]


def test_every_control_is_named_for_screen_readers_and_scripts(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    for dialog in open_all(qtbot, window, sandbox):
        assert dialog.objectName() and dialog.windowTitle()
        widgets = focusable(dialog)
        assert widgets, dialog.objectName()
        unnamed = [
            f"{dialog.objectName()}: {widget.objectName() or type(widget).__name__}"
            for widget in widgets
            if not widget.accessibleName()
        ]
        assert unnamed == []
        # A line edit's clear button belongs to its field, whose name the tests use.
        anonymous = [
            f"{dialog.objectName()}: {type(widget).__name__} {widget.accessibleName()!r}"
            for widget in widgets
            if not widget.objectName()
            and not (isinstance(widget, QToolButton) and isinstance(widget.parent(), QLineEdit))
        ]
        assert anonymous == []


def test_each_dialog_fits_a_small_laptop_screen(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    for dialog in open_all(qtbot, window, sandbox):
        size = dialog.frameGeometry().size()
        assert size.width() <= 1366 and size.height() <= 768 - 40, dialog.objectName()
