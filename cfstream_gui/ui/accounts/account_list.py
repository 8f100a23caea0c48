"""The Accounts dialog's list: the saved profiles, and the new account being typed (if any).

Items carry a key: the profile's name, or "" for the new account. The list only shows and
reports the choice; the dialog keeps what was typed for each key.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

NEW_KEY = ""  # the unsaved new account
NEW_ITEM = "(new account)"


class AccountList(QListWidget):
    # The user (or the dialog) moved to another item: (key now, key before or None).
    chosen = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsList")
        self.setAccessibleName("Accounts")
        self.setMaximumWidth(220)
        self.currentItemChanged.connect(self._on_current)

    def fill(self, names: Sequence[str], *, with_new: bool) -> None:
        """List `names` (and the new account) without choosing anything."""
        self.blockSignals(True)
        self.clear()
        for name in names:
            self._add_item(name, name)
        if with_new:
            self._add_item(NEW_ITEM, NEW_KEY)
        self.blockSignals(False)

    def add_new(self) -> None:
        if self.row_of(NEW_KEY) is None:
            self._add_item(NEW_ITEM, NEW_KEY)

    def choose(self, key: str) -> bool:
        """Make `key` current; False when it is not listed."""
        row = self.row_of(key)
        if row is None:
            return False
        self.setCurrentRow(row)
        return True

    def current_key(self) -> str | None:
        item = self.currentItem()
        return None if item is None else _key(item)

    def keys(self) -> list[str]:
        return [_key(self.item(row)) for row in range(self.count())]

    def row_of(self, key: str) -> int | None:
        return next((row for row, k in enumerate(self.keys()) if k == key), None)

    def _add_item(self, text: str, key: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.addItem(item)

    def _on_current(self, item: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.chosen.emit(_key(item), None if previous is None else _key(previous))


def _key(item: QListWidgetItem) -> str:
    return str(item.data(Qt.ItemDataRole.UserRole))
