"""The access-rules table as a Qt item model: one row per rule, in evaluation order.

The model takes plain strings (what a delegate or a test would type) and keeps whatever it is
given, valid or not, so a mistake stays on screen next to its explanation instead of vanishing.
Cells with problems are marked through the background, decoration and tooltip roles; the
problems themselves come from `core.validation`, recomputed once per change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from cfstream_gui.core import countries
from cfstream_gui.core.models import (
    MAX_RULES,
    RULE_TYPE_ALIASES,
    AccessRule,
    Action,
    RuleType,
)
from cfstream_gui.core.validation import (
    Problem,
    Severity,
    check_rule,
    check_rules,
    parse_rule_values,
)

Index = QModelIndex | QPersistentModelIndex

ROOT = QModelIndex()
ACTION_COLUMN, TYPE_COLUMN, VALUES_COLUMN = 0, 1, 2
COLUMN_NAMES = ("action", "type", "values")  # Problem.column for each column
HEADERS = ("Action", "Type", "Values")

# Row numbers travel in this format; it is only meaningful inside the model that made it.
ROWS_MIME_TYPE = "application/x-cfstream-gui-rule-rows"

ANY_VALUES_TEXT = "— (matches every viewer)"
# Translucent tints of the shared status hues (ui.style), readable on light and dark palettes.
ERROR_BACKGROUND = QColor(220, 53, 69, 70)  # soft red
WARNING_BACKGROUND = QColor(214, 140, 0, 70)  # amber

_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def default_rule() -> AccessRule:
    """What "Add rule" creates: the most common rule, with the values still to be filled in."""
    return AccessRule(Action.ALLOW.value, RuleType.COUNTRY.value, ())


def resolve_type(text: str) -> RuleType | None:
    return RULE_TYPE_ALIASES.get(text.strip().lower())


def takes_values(rule_type: str) -> bool:
    return resolve_type(rule_type) is not RuleType.ANY


@dataclass
class _Row:
    rule: AccessRule
    # Values the rule had under other types, so switching the type back restores them.
    stash: dict[str, tuple[str, ...]] = field(default_factory=dict)


class RulesModel(QAbstractTableModel):
    """Up to MAX_RULES access rules; row order is evaluation order (first match decides)."""

    rulesChanged = Signal()

    def __init__(self, rules: Iterable[AccessRule] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = [_Row(rule) for rule in rules]
        self._problems: list[Problem] = []
        self._recheck()

    # --- public API --------------------------------------------------------------------------

    def rules(self) -> tuple[AccessRule, ...]:
        return tuple(row.rule for row in self._rows)

    def set_rules(self, rules: Iterable[AccessRule]) -> None:
        self.beginResetModel()
        self._rows = [_Row(rule) for rule in rules]
        self._recheck()
        self.endResetModel()
        self.rulesChanged.emit()

    def problems(self) -> list[Problem]:
        """Errors and lint warnings for the current rules, in rule order."""
        return list(self._problems)

    def problems_at(self, index: Index) -> list[Problem]:
        """The problems a cell shows. A rule-wide problem (no column) shows in every cell."""
        if not index.isValid():
            return []
        column = COLUMN_NAMES[index.column()]
        return [
            problem
            for problem in self._problems
            if problem.rule_index == index.row() and problem.column in (None, column)
        ]

    def can_add(self) -> bool:
        return len(self._rows) < MAX_RULES

    # --- shape -------------------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
                return HEADERS[section]
            return None
        if not 0 <= section < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole:
            order = _ORDINALS[section] if section < len(_ORDINALS) else f"number {section + 1}"
            return f"Rule {section + 1} is checked {order}. Drag rules to change the order."
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drops between or after rows
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )
        rule = self._rows[index.row()].rule
        if index.column() != VALUES_COLUMN or takes_values(rule.type):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # --- reading -----------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        rule = self._rows[index.row()].rule
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display_text(rule, column)
        if role == Qt.ItemDataRole.EditRole:
            return (rule.action, rule.type, ", ".join(rule.values))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index, rule)
        if role == Qt.ItemDataRole.BackgroundRole:
            return _background(self.problems_at(index))
        if role == Qt.ItemDataRole.DecorationRole:
            # A rule-wide problem gets one icon at the start of the row, not one per cell.
            own = [p for p in self.problems_at(index) if p.column is not None or column == 0]
            return _decoration(own)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return " ".join(problem.message for problem in self.problems_at(index)) or None
        if column == VALUES_COLUMN and not takes_values(rule.type):
            return _any_values_style(role)
        return None

    def _tooltip(self, index: Index, rule: AccessRule) -> str | None:
        lines = [problem.message for problem in self.problems_at(index)]
        if index.column() == VALUES_COLUMN and resolve_type(rule.type) is RuleType.COUNTRY:
            named = [_country_line(code) for code in rule.values]
            lines = [*named, *([""] if named and lines else []), *lines]
        return "\n".join(lines) or None

    # --- editing -----------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not isinstance(value, str):
            return False
        row = self._rows[index.row()]
        column = index.column()
        if column == ACTION_COLUMN:
            changed = self._set_action(row, value)
        elif column == TYPE_COLUMN:
            changed = self._set_type(row, index.row(), value)
        else:
            if not takes_values(row.rule.type) and value.strip():
                return False  # an `any` rule has nothing to fill in
            values = tuple(parse_rule_values(row.rule.type, value))
            changed = values != row.rule.values
            row.rule = row.rule.with_values(values)
        if changed:
            self._changed()
        return True

    @staticmethod
    def _set_action(row: _Row, text: str) -> bool:
        action = text.strip().lower()
        known = action in {a.value for a in Action}
        new = AccessRule(action if known else text.strip(), row.rule.type, row.rule.values)
        changed = new != row.rule
        row.rule = new
        return changed

    @staticmethod
    def _set_type(row: _Row, index: int, text: str) -> bool:
        resolved = resolve_type(text)
        new_type = resolved.value if resolved is not None else text.strip()
        old = row.rule
        if new_type == old.type:
            return False
        if old.values:
            row.stash[old.type] = old.values
        if not takes_values(new_type):
            values: tuple[str, ...] = ()
        elif new_type in row.stash:
            values = row.stash.pop(new_type)
        elif _values_fit(AccessRule(old.action, new_type, old.values), index):
            # The user typed the values first and is now fixing the type: keep them.
            values = tuple(parse_rule_values(new_type, ", ".join(old.values)))
        else:
            values = ()
        row.rule = AccessRule(old.action, new_type, values)
        return True

    def insertRows(self, row: int, count: int, parent: Index = ROOT) -> bool:
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._rows):
            return False
        if len(self._rows) + count > MAX_RULES:
            return False
        self.beginInsertRows(parent, row, row + count - 1)
        self._rows[row:row] = [_Row(default_rule()) for _ in range(count)]
        self.endInsertRows()
        self._changed()
        return True

    def removeRows(self, row: int, count: int, parent: Index = ROOT) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(parent, row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        self._changed()
        return True

    def moveRows(
        self,
        sourceParent: Index,
        sourceRow: int,
        count: int,
        destinationParent: Index,
        destinationChild: int,
    ) -> bool:
        """Move `count` rows so they land before what was row `destinationChild`."""
        if sourceParent.isValid() or destinationParent.isValid() or count < 1:
            return False
        last = sourceRow + count - 1
        if sourceRow < 0 or last >= len(self._rows):
            return False
        if not 0 <= destinationChild <= len(self._rows):
            return False
        # Qt refuses (returns False) a move into the block itself, which would change nothing.
        if not self.beginMoveRows(ROOT, sourceRow, last, ROOT, destinationChild):
            return False
        block = self._rows[sourceRow : last + 1]
        del self._rows[sourceRow : last + 1]
        at = destinationChild if destinationChild < sourceRow else destinationChild - count
        self._rows[at:at] = block
        self.endMoveRows()
        self._changed()
        return True

    # --- drag and drop -----------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        payload = {"owner": self._owner_id(), "rows": rows}
        mime = QMimeData()
        mime.setData(ROWS_MIME_TYPE, QByteArray(json.dumps(payload).encode()))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return action == Qt.DropAction.MoveAction and self._dragged_rows(data) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        rows = self._dragged_rows(data)
        if action != Qt.DropAction.MoveAction or not rows:
            return False
        if row != -1:
            target = row
        elif parent.isValid():
            # Dropped onto a rule: take its place, whichever direction the drag came from.
            target = parent.row() + 1 if rows[0] < parent.row() else parent.row()
        else:
            target = len(self._rows)
        self._move_to(rows, target)
        return True

    def _owner_id(self) -> str:
        return f"{os.getpid()}:{id(self)}"

    def _dragged_rows(self, data: QMimeData) -> list[int] | None:
        """The rows a drag from this very model carries; None for anything else."""
        if not data.hasFormat(ROWS_MIME_TYPE):
            return None
        try:
            payload = json.loads(bytes(data.data(ROWS_MIME_TYPE).data()).decode())
            rows = sorted({int(row) for row in payload["rows"]})
        except (ValueError, KeyError, TypeError):
            return None
        if payload.get("owner") != self._owner_id():
            return None
        if not rows or rows[0] < 0 or rows[-1] >= len(self._rows):
            return None
        return rows

    def _move_to(self, rows: list[int], target: int) -> None:
        """Move the (possibly scattered) `rows` together before row `target`, one
        `moveRows` at a time so every view and persistent index follows."""
        order = list(range(len(self._rows)))
        moved = set(rows)
        rest = [row for row in order if row not in moved]
        at = target - sum(1 for row in rows if row < target)
        wanted = rest[:at] + rows + rest[at:]
        current = order[:]
        for position, original in enumerate(wanted):
            source = current.index(original)
            if source != position:
                self.moveRows(ROOT, source, 1, ROOT, position)
                current.insert(position, current.pop(source))

    # --- bookkeeping -------------------------------------------------------------------------

    def _recheck(self) -> None:
        self._problems = check_rules(self.rules())

    def _changed(self) -> None:
        """Recheck every rule (lints look at the whole list) and repaint every cell."""
        self._recheck()
        if self._rows:
            last = self.index(len(self._rows) - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.rulesChanged.emit()


def _values_fit(rule: AccessRule, index: int) -> bool:
    return not any(
        problem.column == "values" and problem.severity is Severity.ERROR
        for problem in check_rule(rule, index)
    )


def _display_text(rule: AccessRule, column: int) -> str:
    if column == ACTION_COLUMN:
        return rule.action.capitalize() if rule.action in {a.value for a in Action} else rule.action
    resolved = resolve_type(rule.type)
    if column == TYPE_COLUMN:
        return resolved.label if resolved is not None else rule.type
    if resolved is RuleType.ANY:
        return ANY_VALUES_TEXT
    return ", ".join(rule.values)


def _country_line(code: str) -> str:
    country = countries.lookup(code)
    return f"{code} — {country.name}" if country is not None else f"{code} — unknown code"


def _worst(problems: list[Problem]) -> Severity | None:
    if any(problem.severity is Severity.ERROR for problem in problems):
        return Severity.ERROR
    return Severity.WARNING if problems else None


def _background(problems: list[Problem]) -> QBrush | None:
    worst = _worst(problems)
    if worst is None:
        return None
    return QBrush(ERROR_BACKGROUND if worst is Severity.ERROR else WARNING_BACKGROUND)


def _decoration(problems: list[Problem]) -> QIcon | None:
    worst = _worst(problems)
    if worst is None:
        return None
    pixmap = (
        QStyle.StandardPixmap.SP_MessageBoxCritical
        if worst is Severity.ERROR
        else QStyle.StandardPixmap.SP_MessageBoxWarning
    )
    return QApplication.style().standardIcon(pixmap)


def _any_values_style(role: int) -> Any:
    """The greyed, italic look of the placeholder shown for an `any` rule's values."""
    if role == Qt.ItemDataRole.ForegroundRole:
        return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
    if role == Qt.ItemDataRole.FontRole:
        font = QFont()
        font.setItalic(True)
        return font
    return None
