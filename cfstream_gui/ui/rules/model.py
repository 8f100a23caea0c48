"""The access-rules table as a Qt item model: one row per rule, in evaluation order.

The model takes plain strings (what a delegate or a test would type) and keeps whatever it is
given, valid or not, so a mistake stays on screen next to its explanation instead of vanishing.
Cells with problems are marked through the background, decoration and tooltip roles (the look is
`rules_cells.py`); the problems themselves come from `core.validation`, recomputed once per
change. Rows are reordered by dragging (`rules_drag.py`) or with `moveRows`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from cfstream_gui.core.models import MAX_RULES, AccessRule, Action, RuleType
from cfstream_gui.core.validation import (
    Problem,
    Severity,
    check_rule,
    check_rules,
    parse_rule_values,
)

# Names that moved to rules_cells.py and rules_drag.py stay importable from here.
from cfstream_gui.ui.rules.cells import (
    ACTION_COLUMN,
    COLUMN_NAMES,
    HEADERS,
    TYPE_COLUMN,
    VALUES_COLUMN,
    any_values_style,
    background,
    decoration,
    display_text,
    resolve_type,
    takes_values,
    tooltip,
)
from cfstream_gui.ui.rules.drag import (
    ROWS_MIME_TYPE,
    dragged_rows,
    drop_target,
    rows_mime,
    single_moves,
)

Index = QModelIndex | QPersistentModelIndex

ROOT = QModelIndex()

_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def default_rule() -> AccessRule:
    """What "Add rule" creates: the most common rule, with the values still to be filled in."""
    return AccessRule(Action.ALLOW.value, RuleType.COUNTRY.value, ())


@dataclass
class _Row:
    rule: AccessRule
    # Values the rule had under other types, so switching the type back restores them.
    stash: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Just added and not filled in yet: nothing is marked wrong with it until the user has
    # typed its values (or chosen a type that takes none).
    fresh: bool = False


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

    def shown_problems(self) -> list[Problem]:
        """The problems to point out now: none yet of a rule still being filled in, nor about
        the list as a whole while one is (the rule may well be what the advice asks for)."""
        fresh = set(self.fresh_rows())
        if not fresh:
            return list(self._problems)
        return [p for p in self._problems if p.rule_index is not None and p.rule_index not in fresh]

    def fresh_rows(self) -> list[int]:
        """Rules just added whose values the user has not typed yet."""
        return [number for number, row in enumerate(self._rows) if row.fresh]

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

    def _marked_at(self, index: Index) -> list[Problem]:
        """What the cell is painted for: a fresh rule's cells stay plain (their tooltip still
        says what the rule needs)."""
        if index.isValid() and self._rows[index.row()].fresh:
            return []
        return self.problems_at(index)

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
            return display_text(rule, column)
        if role == Qt.ItemDataRole.EditRole:
            return (rule.action, rule.type, ", ".join(rule.values))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(rule, column, self.problems_at(index))
        if role == Qt.ItemDataRole.BackgroundRole:
            return background(self._marked_at(index))
        if role == Qt.ItemDataRole.DecorationRole:
            # A rule-wide problem gets one icon at the start of the row, not one per cell.
            own = [p for p in self._marked_at(index) if p.column is not None or column == 0]
            return decoration(own)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return " ".join(problem.message for problem in self.problems_at(index)) or None
        if column == VALUES_COLUMN and not takes_values(rule.type):
            return any_values_style(role)
        return None

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
            # Leaving the cell empty is not filling it in: only typed values end "fresh".
            if values and row.fresh:
                row.fresh, changed = False, True
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
        if not takes_values(new_type) or values:
            row.fresh = False  # complete as it stands, or its earlier values came back
        return True

    def insertRows(self, row: int, count: int, parent: Index = ROOT) -> bool:
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._rows):
            return False
        if len(self._rows) + count > MAX_RULES:
            return False
        self.beginInsertRows(parent, row, row + count - 1)
        self._rows[row:row] = [_Row(default_rule(), fresh=True) for _ in range(count)]
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
        return rows_mime(self._owner_id(), rows)

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
        onto = parent.row() if parent.isValid() else None
        target = drop_target(rows, row, onto, len(self._rows))
        for source, position in single_moves(rows, target, len(self._rows)):
            self.moveRows(ROOT, source, 1, ROOT, position)
        return True

    def _owner_id(self) -> str:
        return f"{os.getpid()}:{id(self)}"

    def _dragged_rows(self, data: QMimeData) -> list[int] | None:
        return dragged_rows(data, self._owner_id(), len(self._rows))

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
