"""Icons drawn at run time: icon themes rarely ship them, and offscreen has no theme at all.

Each is drawn by a `QIconEngine` whenever Qt asks for a size, so it is as sharp on a 2x or 3x
screen as on a 1x one (a 32-pixel bitmap scaled up would blur), and a colour taken from the
palette is the palette's at the moment of drawing, light scheme or dark.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

# Draws into a square of the given side with the given colour; the painter is antialiased.
Drawing = Callable[[QPainter, float, QColor], None]
# The colour to draw in, for an icon mode (Normal, Disabled, ...).
Colouring = Callable[[QIcon.Mode], QColor]


class PaintedIcon(QIconEngine):
    """An icon that draws itself at whatever size and pixel density it is asked for."""

    def __init__(self, drawing: Drawing, colouring: Colouring) -> None:
        super().__init__()
        self._drawing = drawing
        self._colouring = colouring

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        side = min(rect.width(), rect.height())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(
            rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2
        )
        self._drawing(painter, float(side), self._colouring(mode))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """`size` in device pixels: Qt asks for the logical size times the screen's ratio."""
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return PaintedIcon(self._drawing, self._colouring)


def _palette_grey(mode: QIcon.Mode) -> QColor:
    """A quiet foreground that reads on the palette of the moment: the placeholder text's."""
    palette = QGuiApplication.palette()
    group = (
        QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
    )
    colour = QColor(palette.color(group, QPalette.ColorRole.PlaceholderText))
    colour.setAlpha(255)
    return colour


def _eye(crossed: bool) -> Drawing:
    def draw(painter: QPainter, side: float, colour: QColor) -> None:
        unit = side / 32  # drawn on a 32-unit grid
        painter.setPen(QPen(colour, 2.4 * unit))
        outline = QPainterPath()
        outline.moveTo(3 * unit, 16 * unit)
        outline.quadTo(16 * unit, 3 * unit, 29 * unit, 16 * unit)
        outline.quadTo(16 * unit, 29 * unit, 3 * unit, 16 * unit)
        painter.drawPath(outline)
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(11.5 * unit, 11.5 * unit, 9 * unit, 9 * unit))
        if crossed:
            painter.drawLine(QPointF(6 * unit, 27 * unit), QPointF(26 * unit, 5 * unit))

    return draw


def _dot(painter: QPainter, side: float, colour: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    inset = side / 5  # a small light, as wide as a capital letter, at any size
    painter.drawEllipse(QRectF(inset, inset, side - 2 * inset, side - 2 * inset))


def eye_icon(*, crossed: bool) -> QIcon:
    """An eye (crossed out: "hide"), in the palette's quiet grey."""
    return QIcon(PaintedIcon(_eye(crossed), _palette_grey))


def dot_icon(color: QColor) -> QIcon:
    """A filled circle in `color`: a status light next to a table cell's text."""
    fixed = QColor(color)
    return QIcon(PaintedIcon(_dot, lambda _mode: fixed))
