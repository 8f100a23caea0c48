"""Editors for the cells of the access-rules table.

`ChoiceDelegate` edits Action and Type with a combo box that commits as soon as an entry is
picked. `ValuesDelegate` edits the comma-separated values with a line edit that checks the
values on every keystroke (the same `core.validation` checks the model applies afterwards) and,
for country rules, completes the last code from country names.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QCompleter,
    QLineEdit,
    QListView,
    QStyleOptionViewItem,
    QWidget,
)

from cfstream_gui.core import countries
from cfstream_gui.core.models import AccessRule, Action, RuleType
from cfstream_gui.core.validation import Problem, Severity, check_rule, parse_rule_values
from cfstream_gui.ui.common.style import Tone, text_color
from cfstream_gui.ui.common.widgets import ReadableDelegate
from cfstream_gui.ui.rules.cells import ACTION_COLUMN, HEADERS, TYPE_COLUMN, resolve_type

Index = QModelIndex | QPersistentModelIndex

ACTION_CHOICES: tuple[tuple[str, str], ...] = (
    ("Allow", Action.ALLOW.value),
    ("Block", Action.BLOCK.value),
)
TYPE_CHOICES: tuple[tuple[str, str], ...] = tuple((t.label, t.value) for t in RuleType)

COUNTRY_PLACEHOLDER = "US, MX"
IP_PLACEHOLDER = "203.0.113.0/24, 2001:db8::/32"
MAX_SUGGESTIONS = 30  # more than a popup can show usefully; the user types another letter
CODE_ROLE = Qt.ItemDataRole.UserRole


class ChoiceDelegate(ReadableDelegate):
    """A combo box of (label, value) items; the model receives the value string."""

    def __init__(self, choices: Sequence[tuple[str, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices = tuple(choices)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName(f"rule{HEADERS[index.column()]}Editor")
        combo.setAccessibleName(f"Rule {index.row() + 1} {HEADERS[index.column()].lower()}")
        for label, value in self._choices:
            combo.addItem(label, value)
        # Picking an entry is the whole edit: commit and close without a further click.
        combo.activated.connect(lambda _position: self._commit_and_close(combo))
        return combo

    def _commit_and_close(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            # An unknown value (e.g. loaded from a hand-edited file) leaves the combo blank.
            editor.setCurrentIndex(editor.findData(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox) and editor.currentIndex() >= 0:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ValuesDelegate(ReadableDelegate):
    """A `ValuesEdit` for the Values column; what was typed is committed even when invalid,
    so the model can keep it and show what is wrong."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        action = str(index.sibling(index.row(), ACTION_COLUMN).data(Qt.ItemDataRole.EditRole))
        rule_type = str(index.sibling(index.row(), TYPE_COLUMN).data(Qt.ItemDataRole.EditRole))
        return ValuesEdit(rule_type, action=action, row=index.row(), parent=parent)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class ValuesEdit(QLineEdit):
    """A line of comma-separated rule values, checked as it is typed. For country rules a
    popup offers "DE — Germany" for the last value being typed and inserts the code."""

    def __init__(
        self, rule_type: str, *, action: str = "allow", row: int = 0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._rule_type = rule_type
        self._action = action
        self._row = row
        self._problems: list[Problem] = []
        self.setObjectName("ruleValuesEditor")
        self.setAccessibleName(f"Rule {row + 1} values")
        resolved = resolve_type(rule_type)
        if resolved is RuleType.COUNTRY:
            self.setPlaceholderText(COUNTRY_PLACEHOLDER)
        elif resolved is RuleType.IP:
            self.setPlaceholderText(IP_PLACEHOLDER)
        self._suggestions = QStandardItemModel(self)
        self._completer: QCompleter | None = None
        if resolved is RuleType.COUNTRY:
            self._completer = self._make_completer()
            self.textEdited.connect(self._suggest)
        self.textChanged.connect(self._revalidate)
        self._revalidate()

    # --- validation --------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """The values' problems for the text as it stands now."""
        return list(self._problems)

    def is_invalid(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self._problems)

    def _revalidate(self) -> None:
        values = tuple(parse_rule_values(self._rule_type, self.text()))
        candidate = AccessRule(self._action, self._rule_type, values)
        self._problems = [p for p in check_rule(candidate, self._row) if p.column == "values"]
        messages = "\n".join(problem.message for problem in self._problems)
        self.setToolTip(messages)
        self.setAccessibleDescription(messages)
        # Red once something is typed: an empty field shows its example instead.
        invalid = self.is_invalid() and bool(self.text().strip())
        self.setProperty("invalid", invalid)
        if invalid:
            red = text_color(Tone.ERROR, self.palette()).name()
            self.setStyleSheet(f"QLineEdit {{ border: 2px solid {red}; }}")
        else:
            self.setStyleSheet("")

    # --- country completion ------------------------------------------------------------------

    def completer_popup_entries(self) -> list[str]:
        """What the country popup currently offers ("DE — Germany", ...)."""
        model = self._suggestions
        return [model.item(row).text() for row in range(model.rowCount())]

    def country_completer(self) -> QCompleter | None:
        return self._completer

    def _make_completer(self) -> QCompleter:
        # Driven by hand rather than through setCompleter(): QLineEdit would match the whole
        # text, while here only the last comma-separated value is being completed, and
        # countries.search orders the matches better than a plain substring filter.
        completer = QCompleter(self._suggestions, self)
        completer.setWidget(self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        popup = QListView()
        popup.setObjectName("countryCompletionPopup")
        popup.setAccessibleName("Matching countries")
        completer.setPopup(popup)  # the completer takes ownership
        # The QModelIndex overload carries the code; the string one only the shown text.
        completer.activated[QModelIndex].connect(self._insert_suggestion)  # type: ignore[index]
        return completer

    def _suggest(self, text: str) -> None:
        _start, token = last_token(text)
        matches = countries.search(token)[:MAX_SUGGESTIONS] if token else []
        self._suggestions.clear()
        for country in matches:
            item = QStandardItem(f"{country.code} — {country.name}")
            item.setData(country.code, CODE_ROLE)
            if country.note:
                item.setToolTip(country.note)
            self._suggestions.appendRow(item)
        assert self._completer is not None
        if matches:
            self._completer.complete()
        elif (popup := self._completer.popup()) is not None:
            popup.hide()

    def _insert_suggestion(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if isinstance(code, str):
            self.accept_suggestion(code)

    def accept_suggestion(self, code: str) -> None:
        """Replace the value being typed (the last one) with `code`."""
        start, _token = last_token(self.text())
        self.setText(self.text()[:start] + code)
        self.setCursorPosition(len(self.text()))


def last_token(text: str) -> tuple[int, str]:
    """Where the last value being typed starts, and that value ("US, ger" -> (4, "ger")).
    Values are split on commas; spaces also split unless the value reads as a name."""
    after_comma = text.rfind(",") + 1
    token = text[after_comma:]
    stripped = token.strip()
    start = after_comma + (len(token) - len(token.lstrip()))
    if " " in stripped and not countries.search(stripped):
        # "US MX" is two codes; "united st" is one name still being typed.
        start += stripped.rfind(" ") + 1
        stripped = stripped[stripped.rfind(" ") + 1 :]
    return start, stripped
