"""The access-rules group of the token form: the rules table, its buttons, a "3 of 5 rules"
counter and the list of what is wrong with the rules, all over one `RulesModel`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QDropEvent, QKeySequence, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.models import MAX_RULES, AccessRule, RuleType
from cfstream_gui.core.validation import Problem, Severity
from cfstream_gui.ui.common.style import Tone, text_color
from cfstream_gui.ui.rules.cells import ACTION_COLUMN, TYPE_COLUMN, VALUES_COLUMN
from cfstream_gui.ui.rules.delegates import (
    ACTION_CHOICES,
    COUNTRY_PLACEHOLDER,
    IP_PLACEHOLDER,
    TYPE_CHOICES,
    ChoiceDelegate,
    ValuesDelegate,
)
from cfstream_gui.ui.rules.model import ROOT, RulesModel

HINT_TEXT = (
    "Rules are checked from top to bottom; the first match decides. "
    "A viewer who matches no rule is allowed."
)
# One line in the form; the table's tooltip and accessible description say it in full.
SHORT_HINT = "Top to bottom, the first match decides; a viewer no rule matches may watch."
AT_CAP_TOOLTIP = f"Cloudflare allows at most {MAX_RULES} access rules per token."
ADD_TOOLTIP = "Add a rule at the end of the list."
EMPTY_TEXT = "No rules: anyone with the link can watch. Add a rule to restrict by country or IP."
EMPTY_MARGIN = 8
# What a fresh rule of each type waits for (`fresh_hint`).
VALUE_EXAMPLES = {
    RuleType.COUNTRY.value: ("countries", COUNTRY_PLACEHOLDER),
    RuleType.IP.value: ("IP addresses or ranges", IP_PLACEHOLDER),
}
# The table is as tall as its rules, and never less than this: room to say what none means.
MIN_VISIBLE_ROWS = 2


class RulesTable(QTableView):
    """The rules table; reorders rows by dragging them within itself, and says what having no
    rules means while it is empty."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = (
            self.viewport()
            .rect()
            .adjusted(EMPTY_MARGIN, EMPTY_MARGIN, -EMPTY_MARGIN, -EMPTY_MARGIN)
        )
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), EMPTY_TEXT)
        painter.end()

    def commit_and_close(self, editor: QWidget) -> None:
        self.commitData(editor)
        self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def dropEvent(self, event: QDropEvent) -> None:
        super().dropEvent(event)
        # The model has already moved the rows (moveRows in dropMimeData). Reporting a
        # MoveAction back to the drag would make QAbstractItemView remove the "source" rows,
        # which are by now the moved ones; a copy leaves them alone.
        if event.isAccepted() and event.dropAction() == Qt.DropAction.MoveAction:
            event.setDropAction(Qt.DropAction.CopyAction)


class RulesEditor(QWidget):
    rulesChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rulesEditor")
        self.model = RulesModel(parent=self)
        self.table = self._make_table()
        self.hint_label = self._label("ruleHintLabel", SHORT_HINT)
        self.hint_label.setToolTip(HINT_TEXT)
        self.add_button = self._button("addRuleButton", "Add rule", "Add access rule")
        self.remove_button = self._button("removeRuleButton", "Remove", "Remove selected rule")
        self.up_button = self._button("moveRuleUpButton", "Move up", "Move selected rule up")
        self.down_button = self._button(
            "moveRuleDownButton", "Move down", "Move selected rule down"
        )
        self.count_label = self._label("ruleCountLabel", "")
        self.problems_label = self._label("ruleProblemsLabel", "")
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay_out()
        self._connect()
        self._refresh()

    # --- public API --------------------------------------------------------------------------

    def rules(self) -> tuple[AccessRule, ...]:
        return self.model.rules()

    def set_rules(self, rules: Iterable[AccessRule]) -> None:
        self.model.set_rules(rules)

    def problems(self) -> list[Problem]:
        return self.model.problems()

    def focus_order(self) -> list[QWidget]:
        """The table, then its buttons. Tab leaves the table (arrow keys move between its
        cells), so the keyboard reaches Add rule without walking every cell."""
        return [
            self.table,
            self.add_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ]

    def selected_row(self) -> int | None:
        """The one selected rule, if exactly one is selected."""
        selection = self.table.selectionModel()
        rows = sorted({index.row() for index in selection.selectedRows()})
        return rows[0] if len(rows) == 1 else None

    def select_row(self, row: int) -> None:
        selection = self.table.selectionModel()
        index = self.model.index(row, VALUES_COLUMN)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    # --- actions -----------------------------------------------------------------------------

    def add_rule(self) -> None:
        """Add a rule at the end and open its values for typing; nothing about it is marked
        wrong before the user has had the chance to fill it in."""
        row = self.model.rowCount()
        if self.model.insertRows(row, 1):
            self.select_row(row)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.edit(self.model.index(row, VALUES_COLUMN))

    def commit_edit(self) -> None:
        """Hand what is being typed in a cell to the model now, as leaving the cell would (so
        Ctrl+Return while typing creates the token with what was typed)."""
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is not None:
            self.table.commit_and_close(editor)

    def remove_rule(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        for row in reversed(rows):
            self.model.removeRows(row, 1)
        if rows and self.model.rowCount():
            self.select_row(min(rows[0], self.model.rowCount() - 1))

    def move_up(self) -> None:
        row = self.selected_row()
        if row is not None and row > 0:
            self.model.moveRows(ROOT, row, 1, ROOT, row - 1)
            self.select_row(row - 1)

    def move_down(self) -> None:
        row = self.selected_row()
        if row is not None and row < self.model.rowCount() - 1:
            # moveRows counts the destination before the move: past the next row is row + 2.
            self.model.moveRows(ROOT, row, 1, ROOT, row + 2)
            self.select_row(row + 1)

    # --- building ----------------------------------------------------------------------------

    def _make_table(self) -> RulesTable:
        table = RulesTable(self)
        table.setObjectName("rulesTable")
        table.setAccessibleName("Access rules")
        table.setAccessibleDescription(HINT_TEXT)
        table.setModel(self.model)
        table.setItemDelegateForColumn(ACTION_COLUMN, ChoiceDelegate(ACTION_CHOICES, table))
        table.setItemDelegateForColumn(TYPE_COLUMN, ChoiceDelegate(TYPE_CHOICES, table))
        table.setItemDelegateForColumn(VALUES_COLUMN, ValuesDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setDragDropOverwriteMode(False)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)
        header = table.horizontalHeader()
        # As wide as their editors, whether or not there are rows: sized to their contents,
        # an empty table squeezed them to the header text.
        for column, choices in ((ACTION_COLUMN, ACTION_CHOICES), (TYPE_COLUMN, TYPE_CHOICES)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, _choice_width(choices))
        header.setStretchLastSection(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        remove = QAction("Remove rule", table)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_rule)
        table.addAction(remove)
        return table

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.problems_label)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button.clicked.connect(self.remove_rule)
        self.up_button.clicked.connect(self.move_up)
        self.down_button.clicked.connect(self.move_down)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.rulesChanged.connect(self._refresh)
        self.model.rulesChanged.connect(self.rulesChanged)

    # --- state -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh()  # the problem list's colours are picked for the palette

    def _refresh(self) -> None:
        count = self.model.rowCount()
        # No empty band below the last rule, and no scrolling with all five.
        rows = min(max(count, MIN_VISIBLE_ROWS), MAX_RULES)
        self.table.setFixedHeight(_height_for_rows(self.table, rows))
        self.count_label.setText(f"{count} of {MAX_RULES} rules")
        self.count_label.setAccessibleName(f"{count} of {MAX_RULES} access rules used")
        self._show_problems(self.model.shown_problems(), self.model.fresh_rows())
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = self.model.rowCount()
        row = self.selected_row()
        can_add = self.model.can_add()
        self.add_button.setEnabled(can_add)
        self.add_button.setToolTip(ADD_TOOLTIP if can_add else AT_CAP_TOOLTIP)
        has_selection = bool(self.table.selectionModel().selectedRows())
        self.remove_button.setEnabled(has_selection)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < count - 1)

    def _show_problems(self, problems: list[Problem], fresh: list[int]) -> None:
        palette = self.palette()
        rules = self.model.rules()
        lines = [escape(fresh_hint(number, rules[number].type)) for number in fresh]
        for problem in problems:
            error = problem.severity is Severity.ERROR
            colour = text_color(Tone.ERROR if error else Tone.WARNING, palette).name()
            kind = "Error" if error else "Warning"
            lines.append(
                f"<span style='color:{colour}'><b>{kind}:</b></span> {escape(problem.message)}"
            )
        self.problems_label.setText("<br>".join(lines))
        self.problems_label.setVisible(bool(lines))


def fresh_hint(number: int, rule_type: str) -> str:
    """What a rule just added still needs, said calmly: nothing is wrong yet."""
    example = VALUE_EXAMPLES.get(rule_type)
    if example is None:
        return f"Rule {number + 1}: choose its type and fill in its values."
    what, sample = example
    return f"Rule {number + 1}: type the {what} it applies to, e.g. {sample}."


def _height_for_rows(table: QTableView, rows: int) -> int:
    """Room for the header and exactly `rows` rules."""
    header = table.horizontalHeader().sizeHint().height()
    body = rows * table.verticalHeader().defaultSectionSize()
    return header + body + 2 * table.frameWidth()


def _choice_width(choices: Sequence[tuple[str, str]]) -> int:
    """The width of the combo box a `ChoiceDelegate` opens for these choices."""
    combo = QComboBox()
    combo.addItems([label for label, _value in choices])
    return combo.sizeHint().width()
