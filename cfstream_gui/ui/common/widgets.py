"""Small pieces the dialogs share: a named push button, cell delegates that keep selected rows
readable and pad their cells, columns sized before any row exists, and a base for read-only
table models over a list of rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

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


class ReadableDelegate(QStyledItemDelegate):
    """Selected rows in the palette's highlighted-text colour, whatever colour or tint a cell
    has of its own (a warning's amber text, a problem's tinted background): those are for rows
    on the base colour, and some styles paint selected text in the cell's own colour, dark on
    the highlight."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if not option.state & QStyle.StateFlag.State_Selected:
            return
        palette = QPalette(option.palette)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            highlighted = palette.brush(group, QPalette.ColorRole.HighlightedText)
            palette.setBrush(group, QPalette.ColorRole.Text, highlighted)
        option.palette = palette
        option.backgroundBrush = QBrush()


class PaddedDelegate(ReadableDelegate):
    """Room on both sides of each cell, so columns sized to their contents do not touch."""

    PADDING = 12

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.PADDING, size.height())


def size_columns(table: QTableView, samples: Mapping[int, tuple[str, QFont | None]]) -> None:
    """Give each column in `samples` the width of its sample text (in its font, if given) or
    of its header, whichever is wider, before any row exists: sized to contents, an empty table
    squeezed its columns to the header text. The user may still drag them wider."""
    header = table.horizontalHeader()
    model = table.model()
    for column, (sample, font) in samples.items():
        metrics = QFontMetrics(font if font is not None else table.font())
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        wanted = max(
            metrics.horizontalAdvance(sample) + 2 * PaddedDelegate.PADDING,
            header.fontMetrics().horizontalAdvance(title) + 2 * PaddedDelegate.PADDING,
        )
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, wanted)


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
