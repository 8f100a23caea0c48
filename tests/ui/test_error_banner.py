"""ErrorBanner: shows what went wrong and what to do, and goes away when asked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from cfstream_gui.ui.common.error_banner import ErrorBanner


def make_banner(qtbot: QtBot) -> tuple[QWidget, ErrorBanner]:
    window = QWidget()
    qtbot.addWidget(window)
    banner = ErrorBanner(window)
    QVBoxLayout(window).addWidget(banner)
    window.show()
    return window, banner


def test_hidden_until_something_goes_wrong(qtbot: QtBot) -> None:
    window, banner = make_banner(qtbot)
    assert banner.objectName() == "errorBanner"
    assert not banner.isVisible()
    assert banner.message() == ""
    assert window.findChild(ErrorBanner, "errorBanner") is banner


def test_show_error_with_hint(qtbot: QtBot) -> None:
    _, banner = make_banner(qtbot)
    banner.show_error("The API token was refused (401).", "Check the token in the account panel.")
    assert banner.isVisible()
    assert banner.message() == "The API token was refused (401)."
    assert banner.hint() == "Check the token in the account panel."
    assert banner.hintLabel.isVisible()
    assert banner.tone() == "error"
    assert banner.accessibleName() == "Error"
    assert banner.messageLabel.font().bold()


def test_error_text_is_selectable_and_plain(qtbot: QtBot) -> None:
    _, banner = make_banner(qtbot)
    banner.show_error("Value <b>US</b> is not a country code.")
    label = banner.findChild(QLabel, "errorBannerMessage")
    assert label is not None
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert not banner.hintLabel.isVisible()


def test_close_button_dismisses(qtbot: QtBot) -> None:
    _, banner = make_banner(qtbot)
    banner.show_error("Network unreachable.")
    close = banner.findChild(QToolButton, "errorBannerClose")
    assert close is not None and close.text() == "×"
    with qtbot.waitSignal(banner.dismissed):
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert banner.message() == ""


def test_notice_replaces_error_and_clear_hides(qtbot: QtBot) -> None:
    _, banner = make_banner(qtbot)
    banner.show_error("Rate limited.", "Wait a minute.")
    banner.show_notice("Using the local sandbox.")
    assert banner.isVisible()
    assert banner.message() == "Using the local sandbox."
    assert banner.hint() == ""
    assert banner.tone() == "notice"
    assert banner.accessibleName() == "Notice"
    banner.clear()
    assert not banner.isVisible()
    assert banner.message() == ""
    assert banner.tone() == ""
    assert banner.accessibleName() == "Error"
