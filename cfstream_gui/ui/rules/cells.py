"""How the access-rules table shows a rule: each column's text, the countries named in a
tooltip, and the marks of a cell with problems (a tinted background, an icon).

The tints are translucent versions of the shared status hues (ui.style), so they read on light
and dark palettes alike.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from cfstream_gui.core import countries
from cfstream_gui.core.models import RULE_TYPE_ALIASES, AccessRule, Action, RuleType
from cfstream_gui.core.validation import Problem, Severity

ACTION_COLUMN, TYPE_COLUMN, VALUES_COLUMN = 0, 1, 2
COLUMN_NAMES = ("action", "type", "values")  # Problem.column for each column
HEADERS = ("Action", "Type", "Values")

ANY_VALUES_TEXT = "— (matches every viewer)"
ERROR_BACKGROUND = QColor(220, 53, 69, 70)  # soft red
WARNING_BACKGROUND = QColor(214, 140, 0, 70)  # amber


def resolve_type(text: str) -> RuleType | None:
    return RULE_TYPE_ALIASES.get(text.strip().lower())


def takes_values(rule_type: str) -> bool:
    return resolve_type(rule_type) is not RuleType.ANY


def display_text(rule: AccessRule, column: int) -> str:
    if column == ACTION_COLUMN:
        return rule.action.capitalize() if rule.action in {a.value for a in Action} else rule.action
    resolved = resolve_type(rule.type)
    if column == TYPE_COLUMN:
        return resolved.label if resolved is not None else rule.type
    if resolved is RuleType.ANY:
        return ANY_VALUES_TEXT
    return ", ".join(rule.values)


def tooltip(rule: AccessRule, column: int, problems: list[Problem]) -> str | None:
    """The cell's problems; a country rule's values cell names its countries above them."""
    lines = [problem.message for problem in problems]
    if column == VALUES_COLUMN and resolve_type(rule.type) is RuleType.COUNTRY:
        named = [_country_line(code) for code in rule.values]
        lines = [*named, *([""] if named and lines else []), *lines]
    return "\n".join(lines) or None


def _country_line(code: str) -> str:
    country = countries.lookup(code)
    return f"{code} — {country.name}" if country is not None else f"{code} — unknown code"


def _worst(problems: list[Problem]) -> Severity | None:
    if any(problem.severity is Severity.ERROR for problem in problems):
        return Severity.ERROR
    return Severity.WARNING if problems else None


def background(problems: list[Problem]) -> QBrush | None:
    worst = _worst(problems)
    if worst is None:
        return None
    return QBrush(ERROR_BACKGROUND if worst is Severity.ERROR else WARNING_BACKGROUND)


def decoration(problems: list[Problem]) -> QIcon | None:
    worst = _worst(problems)
    if worst is None:
        return None
    pixmap = (
        QStyle.StandardPixmap.SP_MessageBoxCritical
        if worst is Severity.ERROR
        else QStyle.StandardPixmap.SP_MessageBoxWarning
    )
    return QApplication.style().standardIcon(pixmap)


def any_values_style(role: int) -> Any:
    """The greyed, italic look of the placeholder shown for an `any` rule's values."""
    if role == Qt.ItemDataRole.ForegroundRole:
        return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
    if role == Qt.ItemDataRole.FontRole:
        font = QFont()
        font.setItalic(True)
        return font
    return None
