"""Inline validation: a field's red (or amber) border and the one-line message under it.

The border comes from a dynamic property (`invalid` = "error" | "warning" | "") matched by the
window's style sheet, so any widget can be marked without subclassing it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.validation import Problem, Severity
from cfstream_gui.ui.common.style import Tone, set_tone

INVALID_PROPERTY = "invalid"

# Applied once to the window; only marked widgets change, unmarked ones keep the native look.
FIELD_STYLE = """
QLineEdit[invalid="error"], QDateTimeEdit[invalid="error"] {
    border: 2px solid #d32f2f; border-radius: 3px; padding: 1px 2px;
}
QLineEdit[invalid="warning"], QDateTimeEdit[invalid="warning"] {
    border: 2px solid #d68c00; border-radius: 3px; padding: 1px 2px;
}
"""


def mark(widget: QWidget, severity: Severity | None) -> None:
    """Set or clear the widget's invalid look."""
    value = severity.value if severity is not None else ""
    if widget.property(INVALID_PROPERTY) == value:
        return
    widget.setProperty(INVALID_PROPERTY, value)
    # A dynamic property does not restyle by itself.
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


class InlineMessage(QLabel):
    """The message under a field; hidden while there is nothing to say."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what the user typed
        self.setWordWrap(True)
        self.hide()

    def show_problem(self, field: QWidget, problem: Problem | None) -> None:
        mark(field, problem.severity if problem is not None else None)
        if problem is None:
            self.clear()
            self.hide()
            field.setToolTip("")
            return
        tone = Tone.ERROR if problem.severity is Severity.ERROR else Tone.WARNING
        set_tone(self, tone)
        self.setText(problem.message)
        field.setToolTip(problem.message)
        self.show()


def buddy_label(text: str, widget: QWidget) -> QLabel:
    """A form label whose mnemonic (the &-letter) focuses `widget`."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def with_message(field: QWidget, message: QWidget) -> QWidget:
    """A field with its inline message underneath, as one form-row cell."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(message)
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return box


def align_labels(*forms: QFormLayout) -> None:
    """Give the label column of several forms (in separate group boxes) one width, so their
    fields line up as if they were one form."""
    labels = []
    for form in forms:
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                labels.append(widget)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def same_width(*widgets: QWidget) -> None:
    """Give widgets in different rows one width (the widest one's), so rows that hold the same
    kind of field line up at both edges."""
    width = max(widget.sizeHint().width() for widget in widgets)
    for widget in widgets:
        widget.setFixedWidth(width)


def enable_clear_button(edit: QLineEdit) -> None:
    """Turn on the line edit's clear button and give it a name a screen reader can say."""
    edit.setClearButtonEnabled(True)
    for button in edit.findChildren(QToolButton):
        if not button.accessibleName():
            button.setAccessibleName(f"Clear {edit.accessibleName() or 'the field'}")
