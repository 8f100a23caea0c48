"""The scroll area round the main window's form."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FormScrollArea(QScrollArea):
    """A scroll area that asks for its content's full size, so the window can be sized to show
    the form whole. It scrolls up and down when the screen is smaller, never sideways: it is
    never narrower than the form needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Tab goes from field to field, and the area scrolls each one into view as it does;
        # the area itself is no stop on the way.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint()
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + self._bar_width() + frame, hint.height() + frame)

    def minimumSizeHint(self) -> QSize:
        base = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return base
        width = content.minimumSizeHint().width() + self._bar_width() + 2 * self.frameWidth()
        return QSize(width, base.height())

    def _bar_width(self) -> int:
        # Room for the bar even while it is hidden, so showing it never squeezes the form.
        return self.verticalScrollBar().sizeHint().width()
