"""What a batch run produced: the table of signed tokens, the same rows as CSV text, and the
lines that could not be signed."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QWidget,
)

from cfstream_gui.core.batch import BatchResult, RowError, write_results
from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.common.widgets import (
    Index,
    PaddedDelegate,
    ReadOnlyTableModel,
    size_columns,
)
from cfstream_gui.ui.result_panel import clock_text

# Another day than the expiry's: clock_text then writes both dates, its widest form.
EXPIRES_SAMPLE_NOW = 3 * 86_400


def results_csv_text(
    results: Iterable[BatchResult],
    customer_code: str | None,
    delivery_base: str | None,
    downloadable: bool = False,
) -> str:
    """The CSV the Save button writes, as text for the clipboard (plain "\\n" line ends)."""
    out = io.StringIO()
    write_results(
        out,
        results,
        customer_code=customer_code,
        downloadable=downloadable,
        delivery_base=delivery_base,
        lineterminator="\n",
    )
    return out.getvalue()


class ResultsModel(ReadOnlyTableModel[BatchResult]):
    """Line, video, token and the time left until the token expires (by `clock`)."""

    COLUMNS = ("Line", "Video", "Token", "Expires")

    def __init__(self, clock: Callable[[], float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock

    def set_results(self, results: list[BatchResult]) -> None:
        self.set_rows(results)

    def results(self) -> list[BatchResult]:
        return self.rows()

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        result, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (result.line, result.video_uid, result.token)
            if column < 3:
                return values[column]
            return clock_text(result.expires, int(self._clock()))
        if role == Qt.ItemDataRole.FontRole and column in (1, 2):
            return monospace_font()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def results_table(model: ResultsModel) -> QTableView:
    table = QTableView()
    table.setObjectName("batchResultsTable")
    table.setAccessibleName("Signed tokens")
    table.setModel(model)
    table.setItemDelegate(PaddedDelegate(table))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    # Compact rows: a batch is scanned, not read cell by cell.
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    # Sized for the widest line number, video ID and expiry before any row exists; the token
    # takes the rest (elided in the middle: its start and end tell tokens apart).
    size_columns(
        table,
        {
            0: ("99999", None),
            1: ("0" * 32, monospace_font()),
            3: (clock_text(0, EXPIRES_SAMPLE_NOW), None),
        },
    )
    table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return table


def problems_text(errors: Sequence[RowError]) -> str:
    return "\n".join(f"Line {error.line}: {error.message}" for error in errors)


def problems_pane() -> tuple[QLabel, QScrollArea]:
    """The list of skipped lines (hidden until there are some), and the scroll area around it."""
    label = QLabel()
    label.setObjectName("batchProblemsLabel")
    label.setAccessibleName("Lines with problems")
    label.setTextFormat(Qt.TextFormat.PlainText)  # lines quote the input
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(6, 4, 6, 4)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    scroll = QScrollArea()
    scroll.setWidget(label)
    scroll.setWidgetResizable(True)
    scroll.setMaximumHeight(110)
    scroll.hide()
    return label, scroll


def outcome_text(signed: int, skipped: int) -> str:
    """The status line after a run: how many were signed, how many lines skipped."""
    text = f"Signed {signed:,} {'token' if signed == 1 else 'tokens'}"
    if skipped:
        text += f"; {skipped:,} {'line' if skipped == 1 else 'lines'} skipped (listed below)"
    return text + "."
