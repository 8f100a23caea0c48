"""The scroll area round the main window's form."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QScrollArea


class FormScrollArea(QScrollArea):
    """A scroll area that asks for its content's full height, so the window can be sized to
    show the form whole; it still scrolls when the screen is smaller."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        content = self.widget()
        if content is not None:
            hint.setHeight(content.sizeHint().height() + 2 * self.frameWidth())
        return hint
