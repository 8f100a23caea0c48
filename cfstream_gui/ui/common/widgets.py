"""Small pieces the dialogs share: a named push button, a padded cell delegate, and a base for
read-only table models over a list of rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import QPushButton, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


def push_button(name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    """A push button with an object name for tests and a name a screen reader says (its text
    without a trailing "…"). Not an auto-default: Enter in a dialog's fields must not press it."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setAccessibleName(text.rstrip("…"))
    widget.setAutoDefault(False)
    # Through a lambda: `clicked` carries a `checked` flag that no slot here wants.
    widget.clicked.connect(lambda: slot())
    return widget


class PaddedDelegate(QStyledItemDelegate):
    """Room on both sides of each cell, so columns sized to their contents do not touch."""

    PADDING = 12

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.PADDING, size.height())


class ReadOnlyTableModel(QAbstractTableModel, Generic[Row]):
    """A flat table showing one item per row under fixed `COLUMNS` headers. Subclasses give
    `COLUMNS` and `data()`; the rows are replaced as a whole with `set_rows`."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None
