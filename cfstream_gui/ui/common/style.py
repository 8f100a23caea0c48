"""Small look-and-feel helpers shared by the widgets: a monospace font and status colours that
stay readable on both light and dark palettes."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette


class Tone(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    OK = "ok"
    NOTICE = "notice"


# Base hues; text colours are picked per palette, tints are semi-transparent so they sit on any
# window colour without turning dark text unreadable (or light text, in a dark theme).
_HUES: dict[Tone, tuple[int, int, int]] = {
    Tone.ERROR: (220, 53, 69),
    Tone.WARNING: (214, 140, 0),
    Tone.OK: (40, 160, 70),
    Tone.NOTICE: (45, 120, 220),
}
# Text colours with enough contrast: deep on light windows, bright on dark ones.
_TEXT_ON_LIGHT: dict[Tone, str] = {
    Tone.ERROR: "#b3261e",
    Tone.WARNING: "#8a5a00",
    Tone.OK: "#1e7a36",
    Tone.NOTICE: "#1a5fb4",
}
_TEXT_ON_DARK: dict[Tone, str] = {
    Tone.ERROR: "#ff8a80",
    Tone.WARNING: "#ffcc66",
    Tone.OK: "#7ddc8c",
    Tone.NOTICE: "#8ab4f8",
}


def monospace_font() -> QFont:
    """The system's fixed-width font, for tokens and URLs where every character matters."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def text_color(tone: Tone, palette: QPalette) -> QColor:
    """A foreground colour for `tone` that reads well on `palette`'s window colour."""
    table = _TEXT_ON_DARK if is_dark(palette) else _TEXT_ON_LIGHT
    return QColor(table[tone])


def tint_rgba(tone: Tone, alpha: float) -> str:
    """A style-sheet `rgba(...)` of the tone's hue; alpha 0..1."""
    red, green, blue = _HUES[tone]
    return f"rgba({red}, {green}, {blue}, {round(alpha * 255)})"
