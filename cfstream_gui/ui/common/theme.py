"""Following the system's light or dark colour scheme (Qt 6.5+: `QStyleHints.colorScheme`).

Where the platform's theme already gives a dark palette with the dark scheme (Windows, macOS,
KDE, GNOME with a Qt platform theme), nothing needs doing. Where it reports the dark scheme but
leaves the palette light (Fusion without a platform theme, common on Linux), the app would be a
light window on a dark desktop: then the app gets a dark palette of its own, the one Qt's Fusion
style uses for dark themes, and gives it back when the scheme turns light again. Widgets that
pick colours from the palette pick them again on the palette change (`style.set_tone`), and
windows with a style sheet are polished again (`restyle_on_palette_change`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from cfstream_gui.ui.common.style import is_dark


def dark_palette() -> QPalette:
    """Qt's own dark Fusion palette (qt_fusionPalette(true) in qtbase's qplatformtheme.cpp)."""
    window_text = QColor(240, 240, 240)
    background = QColor(50, 50, 50)
    light = background.lighter(150)
    mid = background.darker(130)
    base = background.darker(140)
    dark = background.darker(150)
    highlight = QColor(48, 140, 198)
    disabled_text = QColor(130, 130, 130)
    shadow = dark.darker(135)
    placeholder = QColor(window_text)
    placeholder.setAlpha(128)

    palette = QPalette(window_text, background, light, dark, mid, window_text, base)
    palette.setColor(QPalette.ColorRole.Midlight, mid.lighter(110))
    palette.setColor(QPalette.ColorRole.Button, background)
    palette.setColor(QPalette.ColorRole.Shadow, shadow)
    palette.setColor(QPalette.ColorRole.HighlightedText, window_text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, placeholder)
    palette.setColor(QPalette.ColorRole.Link, highlight)
    palette.setColor(QPalette.ColorRole.LinkVisited, highlight.lighter(130))
    palette.setColor(QPalette.ColorRole.ToolTipBase, background)
    palette.setColor(QPalette.ColorRole.ToolTipText, window_text)
    palette.setColor(QPalette.ColorRole.AlternateBase, background.darker(110))
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, highlight)
        palette.setColor(group, QPalette.ColorRole.Accent, highlight)
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(disabled, role, disabled_text)
    palette.setColor(disabled, QPalette.ColorRole.Base, background)
    palette.setColor(disabled, QPalette.ColorRole.Highlight, QColor(145, 145, 145))
    palette.setColor(disabled, QPalette.ColorRole.Shadow, shadow.lighter(150))
    return palette


class SchemeFollower(QObject):
    """Keeps the app's palette in step with the system's colour scheme."""

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self._app = app
        self._ours = False  # whether the palette in use is the dark one set here
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.follow)
        self.follow(hints.colorScheme())

    def follow(self, scheme: Qt.ColorScheme) -> None:
        if scheme == Qt.ColorScheme.Dark:
            if not is_dark(self._app.palette()):
                self._app.setPalette(dark_palette())
                self._ours = True
        elif self._ours:
            # An empty palette resolves to the platform's own again.
            self._app.setPalette(QPalette())
            self._ours = False

    def uses_own_palette(self) -> bool:
        return self._ours


class _Restyler(QObject):
    """Re-applies its window's style sheet after the application's palette changed."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange and isinstance(watched, QWidget):
            # After the palette has reached every widget, not in the middle of handing it out.
            QTimer.singleShot(0, watched, lambda: watched.setStyleSheet(watched.styleSheet()))
        return False


def restyle_on_palette_change(window: QWidget) -> None:
    """Keep a window that has a style sheet in step with the application's palette. Widgets
    under a style sheet keep the palette they were polished with, so a light window would stay
    half light on a dark desktop; setting the sheet again polishes them with the new one."""
    window.installEventFilter(_Restyler(window))


def follow_color_scheme(app: QGuiApplication) -> SchemeFollower:
    """Follow the system's colour scheme for as long as `app` lives (it owns the follower)."""
    existing = app.findChild(SchemeFollower)
    return existing if isinstance(existing, SchemeFollower) else SchemeFollower(app)
