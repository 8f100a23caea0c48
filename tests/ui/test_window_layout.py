"""The window on the screens people have: on a 1366x768 laptop the whole form, Create and the
token show at once; narrower, the columns stack and Create and the token still show; the window
opens fitted to the screen, and where it was last time only if that still fits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QLineEdit, QPushButton, QScrollArea, QWidget

from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.storage.window_state import WindowState, WindowStateStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.window.main_window import MainWindow
from cfstream_gui.ui.window.placement import DECORATION, MAX_OPENING_WIDTH, fits, fitted
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name, close_window

# A 1366x768 laptop with a 40-pixel task bar, less the window's title bar: the client area.
LAPTOP = QSize(1366, 768 - 40 - 30)
SMALLEST = QSize(1280, 720 - 40 - 30)
THREE_RULES = [
    AccessRule("allow", "ip.geoip.country", ("US", "CA")),
    AccessRule("allow", "ip.src", ("198.51.100.0/24",)),  # two warnings: IPv4 only, no final
    AccessRule("allow", "ip.geoip.country", ("DE",)),
]


def fully_shown(widget: QWidget, window: QWidget) -> bool:
    """Visible, inside the window, and not cut off by a scroll area or anything else."""
    area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    unclipped = widget.visibleRegion().boundingRect() == widget.rect()
    return widget.isVisible() and window.rect().contains(area) and unclipped


def the_essentials(window: MainWindow) -> list[QWidget]:
    return [
        by_name(window, QPushButton, "createTokenButton"),
        by_name(window, QLineEdit, "tokenOutput"),
        by_name(window, QPushButton, "copyTokenButton"),
        by_name(window, QLineEdit, "urlOutput"),
        by_name(window, QPushButton, "copyUrlButton"),
    ]


def with_a_token(qtbot: Any, window: MainWindow, sandbox: Sandbox, size: QSize) -> None:
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    window.form.expiry.set_value(int(time.time()) + 6 * 3600)
    window.form.rulesEditor.set_rules(THREE_RULES)
    finished = window.controller.finished
    window.createTokenButton.click()
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    assert window.result.token()
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size, timeout=WAIT_MS)


def form_scrolls(window: MainWindow) -> bool:
    bar = by_name(window, QScrollArea, "formScrollArea").verticalScrollBar()
    return bool(bar.maximum() > 0)


def test_on_a_1366x768_laptop_the_form_create_and_the_token_all_show(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    with_a_token(qtbot, window, sandbox, LAPTOP)
    qtbot.waitUntil(window.columns.is_wide, timeout=WAIT_MS)
    assert all(fully_shown(widget, window) for widget in the_essentials(window))
    # Three rules and their two warnings, and still nothing to scroll to.
    qtbot.waitUntil(lambda: not form_scrolls(window), timeout=WAIT_MS)
    assert window.form.rulesEditor.problems_label.isVisible()


def test_on_the_smallest_screen_create_and_the_token_still_show(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    with_a_token(qtbot, window, sandbox, SMALLEST)
    qtbot.waitUntil(window.columns.is_wide, timeout=WAIT_MS)
    assert all(fully_shown(widget, window) for widget in the_essentials(window))


def test_a_narrow_window_stacks_the_columns_and_keeps_create_and_the_token_in_view(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    narrow = QSize(760, LAPTOP.height())
    with_a_token(qtbot, window, sandbox, narrow)
    qtbot.waitUntil(lambda: not window.columns.is_wide(), timeout=WAIT_MS)
    assert all(fully_shown(widget, window) for widget in the_essentials(window))
    # The form scrolls instead, and never sideways: nothing of it is cut off at the right.
    assert form_scrolls(window)
    assert not fully_shown(by_name(window, QPushButton, "addRuleButton"), window)
    scroll = by_name(window, QScrollArea, "formScrollArea")
    assert scroll.widget().width() <= scroll.viewport().width()

    window.resize(LAPTOP)
    qtbot.waitUntil(window.columns.is_wide, timeout=WAIT_MS)


def test_the_window_opens_fitted_to_the_screen() -> None:
    preferred, minimum = QSize(1300, 900), QSize(700, 300)
    for area in (QRect(0, 0, 1366, 728), QRect(0, 0, 1280, 680), QRect(1920, 0, 1366, 728)):
        rect = fitted(preferred, minimum, area)
        assert fits(rect, [area]), (area, rect)
        assert rect.height() == area.height() - DECORATION.top() - DECORATION.bottom()
    # A large monitor: the size the window asks for, not the whole screen, centred on it.
    large = QRect(0, 0, 3840, 2160)
    rect = fitted(preferred, minimum, large)
    assert rect.size() == QSize(min(preferred.width(), MAX_OPENING_WIDTH), preferred.height())
    assert abs(rect.center().x() - large.center().x()) <= 1


def test_the_window_reopens_where_and_as_it_was(
    qtbot: Any, make_window: WindowFactory, config_dir: Path
) -> None:
    store = WindowStateStore()
    first = make_window(window_state=store)
    place = QRect(20, 30, 700, 640)
    first.setGeometry(place)
    qtbot.waitUntil(lambda: first.geometry() == place, timeout=WAIT_MS)
    first.form.preview.showRequestToggle.click()  # opened by the user, not by the layout
    assert first.form.preview.is_expanded()
    close_window(qtbot, first)
    saved = store.load()
    assert saved is not None and (saved.x, saved.y, saved.width, saved.height) == (20, 30, 700, 640)

    second = make_window(window_state=WindowStateStore())
    assert second.geometry() == place
    assert second.form.preview.is_expanded()  # narrow, yet open: the user's choice wins


def test_a_place_on_a_screen_that_is_gone_is_not_restored(
    qtbot: Any, make_window: WindowFactory, config_dir: Path
) -> None:
    # Last used on a monitor to the right of this one, which is no longer plugged in.
    WindowStateStore().save(WindowState(x=3000, y=100, width=1200, height=700))
    window = make_window(window_state=WindowStateStore())
    screen = window.screen().availableGeometry()
    assert fits(window.geometry(), [screen])
    assert window.geometry().x() < screen.right()


def right_edge(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, QPoint(widget.width(), 0)).x()


def left_edge(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, QPoint(0, 0)).x()


def test_fields_that_belong_together_line_up(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    window.resize(LAPTOP)
    qtbot.waitUntil(window.columns.is_wide, timeout=WAIT_MS)
    account = by_name(window, QLineEdit, "accountIdEdit")
    verify = by_name(window, QPushButton, "verifyButton")
    assert right_edge(verify, window) == right_edge(account, window)
    expiry, nbf = window.form.expiry.edit, window.form.nbf.edit
    assert (left_edge(expiry, window), expiry.width()) == (left_edge(nbf, window), nbf.width())
    copy_token = by_name(window, QPushButton, "copyTokenButton")
    preview = by_name(window, QPushButton, "previewButton")
    assert right_edge(copy_token, window) == right_edge(preview, window)
    token = by_name(window, QLineEdit, "tokenOutput")
    copy_url = by_name(window, QPushButton, "copyUrlButton")
    assert right_edge(token, window) == right_edge(copy_url, window)


def test_on_a_laptop_or_the_smallest_screen_it_opens_side_by_side_and_on_screen(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    for area in (QRect(0, 0, 1366, 728), QRect(0, 0, 1280, 680)):
        window.showNormal()
        window.placement.restore(areas=[area], primary=area)
        qtbot.waitUntil(lambda a=area: fits(window.geometry(), [a]), timeout=WAIT_MS)
        qtbot.waitUntil(window.columns.is_wide, timeout=WAIT_MS)
        assert all(fully_shown(widget, window) for widget in the_essentials(window))


def test_a_place_that_cannot_be_saved_never_stops_the_window_closing(
    qtbot: Any, make_window: WindowFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    store = WindowStateStore(config_dir=blocker / "config")
    window = make_window(window_state=store)
    close_window(qtbot, window)  # waits until it has closed, or fails
    assert store.load() is None
