"""Small look-and-feel helpers shared by the widgets: a monospace font, status colours that
stay readable on both light and dark palettes, and text toned with them that follows a change
of palette."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QWidget


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


def css_color(color: QColor) -> str:
    """A style-sheet colour that keeps `color`'s transparency (QColor.name() drops it, and the
    palette's placeholder grey is the text colour at half opacity)."""
    return f"rgba({color.red()}, {color.green()}, {color.blue()}, {color.alpha()})"


def tint_rgba(tone: Tone, alpha: float) -> str:
    """A style-sheet `rgba(...)` of the tone's hue; alpha 0..1."""
    red, green, blue = _HUES[tone]
    return f"rgba({red}, {green}, {blue}, {round(alpha * 255)})"


TONE_PROPERTY = "tone"


def set_tone(widget: QWidget, tone: Tone | None, *, bold: bool = False) -> None:
    """Colour `widget`'s text for `tone` (None: the palette's own), picked for its palette, and
    picked again whenever its palette changes (the system turned to the dark scheme). The tone
    is kept as the widget's dynamic property "tone"."""
    widget.setProperty(TONE_PROPERTY, tone.value if tone is not None else "")
    widget.setProperty("toneBold", bold)
    if widget.findChild(_ToneKeeper) is None:
        widget.installEventFilter(_ToneKeeper(widget))
    _paint_tone(widget)


class _ToneKeeper(QObject):
    """Repaints its widget's tone when the widget's palette changes."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and isinstance(watched, QWidget):
            _paint_tone(watched)
        return False


def _paint_tone(widget: QWidget) -> None:
    tone = widget.property(TONE_PROPERTY)
    rules = []
    if tone:
        rules.append(f"color: {text_color(Tone(tone), widget.palette()).name()};")
    if widget.property("toneBold"):
        rules.append("font-weight: bold;")
    sheet = " ".join(rules)
    # Only a change: setting a style sheet changes the palette, which would call this again.
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
