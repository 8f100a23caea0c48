"""Where the main window opens and how large: where the user left it, if that still fits one of
the screens, else fitted to the screen it opens on (1280x720 and up) and centred there.

A fixed size that suits a large monitor puts Create and the result off-screen on a 1366x768
laptop, and a remembered place from a docked monitor puts the whole window off-screen once the
laptop is undocked: neither may happen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QMargins, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from cfstream_gui.core.storage.window_state import WindowState, WindowStateStore

logger = logging.getLogger(__name__)

# Room for what the window manager draws round the client area (title bar, borders): Qt places
# the client area, and a title bar above a client area as tall as the screen would be off it.
DECORATION = QMargins(4, 36, 4, 4)
# Wide enough that the form and the result stand side by side with room to spare on every
# screen from 1280 pixels up; wider than the maximum only stretches the token and link fields
# (the user may still make it wider).
OPENING_WIDTH = 1300
MAX_OPENING_WIDTH = 1440
# Opening taller than the empty form asks for leaves room for an error banner, a few rules and
# their warnings before the form has to scroll, where the screen allows.
ROOM_TO_GROW = 160


def screen_areas() -> list[QRect]:
    """The available area (without task bars and docks) of every screen."""
    return [screen.availableGeometry() for screen in QGuiApplication.screens()]


def primary_area() -> QRect:
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fitted(preferred: QSize, minimum: QSize, area: QRect) -> QRect:
    """The client rect for a window that prefers `preferred`: no larger than `area` leaves
    once the decoration is drawn (nor smaller than `minimum` where the area allows), centred
    in `area`."""
    room = area.marginsRemoved(DECORATION)
    width = max(min(preferred.width(), MAX_OPENING_WIDTH, room.width()), 1)
    height = max(min(preferred.height(), room.height()), 1)
    width = min(max(width, minimum.width()), max(room.width(), 1))
    height = min(max(height, minimum.height()), max(room.height(), 1))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(room.center())
    return rect


def fits(rect: QRect, areas: Sequence[QRect]) -> bool:
    """Whether the client rect lies whole on one screen's area. (Decorations differ between
    window managers, and each keeps its own title bar on screen.)"""
    return any(area.contains(rect) for area in areas)


class Placement:
    """Restores the window where it was (`restore`) and remembers where it is (`save`).
    Without a store the window is fitted to the screen each time."""

    def __init__(self, window: QWidget, store: WindowStateStore | None) -> None:
        self._window = window
        self._store = store
        self.saved = self._load()

    def _load(self) -> WindowState | None:
        if self._store is None:
            return None
        return self._store.load()

    def restore(self, areas: Sequence[QRect] | None = None, primary: QRect | None = None) -> None:
        """Put the window where it was, if that fits one of `areas` (default: the screens'),
        else fit it to `primary` (default: the primary screen's area)."""
        areas = screen_areas() if areas is None else areas
        primary = primary_area() if primary is None else primary
        saved = self.saved
        window = self._window
        if saved is not None:
            rect = QRect(saved.x, saved.y, saved.width, saved.height)
            if fits(rect, areas):
                window.setGeometry(rect)
                if saved.maximized:
                    window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
                return
        window.ensurePolished()  # the size hints of unpolished widgets are a guess
        hint = window.sizeHint()
        preferred = QSize(max(hint.width(), OPENING_WIDTH), hint.height() + ROOM_TO_GROW)
        window.setGeometry(fitted(preferred, window.minimumSizeHint(), primary))

    def save(self, *, request_preview: bool | None) -> None:
        """Remember the window's normal geometry and the user's choice. A file that cannot be
        written only costs the memory of it, never the closing."""
        if self._store is None:
            return
        window = self._window
        normal = window.normalGeometry() if window.isMaximized() else window.geometry()
        state = WindowState(
            x=normal.x(),
            y=normal.y(),
            width=normal.width(),
            height=normal.height(),
            maximized=window.isMaximized(),
            request_preview=request_preview,
        )
        try:
            self._store.save(state)
        except OSError as exc:
            logger.warning("the window's place was not saved: %s", type(exc).__name__)
