"""The question asked before anything irreversible (revoking or forgetting a signing key)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QMessageBox,
    QSizePolicy,
    QSpacerItem,
    QWidget,
)

# (parent, title, question, consequences, action button label) -> the user chose the action
Confirm = Callable[[QWidget, str, str, str, str], bool]


def confirm_with_message_box(
    parent: QWidget, title: str, question: str, consequences: str, action: str
) -> bool:
    box, chosen = confirmation_box(parent, title, question, consequences, action)
    box.exec()
    return box.clickedButton() is chosen


def confirmation_box(
    parent: QWidget | None, title: str, question: str, consequences: str, action: str
) -> tuple[QMessageBox, QAbstractButton]:
    """The question, unanswered, and its action button (any other answer means no)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    # The question may quote what an API sent (a video's name): shown, never read as markup.
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(question)
    box.setInformativeText(consequences)
    chosen = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    # Enter and Escape both mean "no": only a deliberate click does the irreversible thing.
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    # QMessageBox sizes itself narrow; a 32-character key ID then breaks every line awkwardly.
    grid = box.layout()
    if isinstance(grid, QGridLayout):
        spacer = QSpacerItem(480, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        grid.addItem(spacer, grid.rowCount(), 0, 1, grid.columnCount())
    return box, chosen
