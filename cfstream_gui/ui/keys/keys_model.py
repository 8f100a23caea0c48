"""The signing keys table: one row per key, on the account or held here, with its state."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from cfstream_gui.core.keys.inventory import KeyRow, KeyState
from cfstream_gui.ui.common.icons import dot_icon
from cfstream_gui.ui.common.style import Tone, monospace_font, text_color
from cfstream_gui.ui.common.widgets import Index, ReadOnlyTableModel

_TONES = {KeyState.HELD: Tone.OK, KeyState.ORPHANED: Tone.WARNING}
CREATED_FORMAT = "%Y-%m-%d %H:%M UTC"
# The widest cell each column can hold, to size it before any key is listed.
COLUMN_SAMPLES = ("0" * 32, "2000-12-31 23:59 UTC")


def short_status(row: KeyRow) -> str:
    """The state's label up to its explanation in brackets; the full label is the tooltip."""
    text = row.state.label.split(" (", 1)[0]
    if row.state is KeyState.HELD and not row.account_checked:
        return f"{text} (account not checked)"
    return text


class KeysModel(ReadOnlyTableModel[KeyRow]):
    COLUMNS = ("Key ID", "Created", "Status")

    def __init__(self, palette: QPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        neutral = palette.color(QPalette.ColorRole.PlaceholderText)
        self._icons = {
            state: dot_icon(text_color(_TONES[state], palette) if state in _TONES else neutral)
            for state in KeyState
        }

    def row_of(self, key_id: str) -> int | None:
        return next((i for i, row in enumerate(self._rows) if row.key_id == key_id), None)

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            return monospace_font()
        if column != 2:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons[row.state]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.state.label
        if role == Qt.ItemDataRole.ForegroundRole and row.state is KeyState.ORPHANED:
            return text_color(Tone.WARNING, self._palette)
        return None

    @staticmethod
    def _text(row: KeyRow, column: int) -> str:
        if column == 0:
            return row.key_id
        if column == 1:
            created = row.created
            # As Cloudflare and `cfstream-token keys list` give it: in UTC, and saying so.
            return created.astimezone(UTC).strftime(CREATED_FORMAT) if created else "—"
        return short_status(row)
