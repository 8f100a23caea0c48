"""The Settings dialog, generated from the declarations in `core.settings`: one row per setting,
its editor chosen by the setting's kind (text, choice, seconds), its help under it, and its
problem in a sentence as it is typed. OK stays disabled while any value is unusable; Restore
defaults puts every declared default back.

The dialog only edits: `settings()` is what the user chose, and the window's controller decides
what to do with it (use it, save it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.settings import Setting, SettingError, SettingKind, Settings
from cfstream_gui.core.validation import Problem, Severity
from cfstream_gui.ui.common.inline_message import FIELD_STYLE, InlineMessage

WIDTH = 620


def object_name(setting: Setting[Any], suffix: str) -> str:
    """`default_expiry` → `defaultExpirySetting` (the editor), `defaultExpiryMessage`."""
    head, *rest = setting.name.split("_")
    return head + "".join(part.capitalize() for part in rest) + suffix


@dataclass
class _Row:
    """One setting's editor and where its problem is said."""

    setting: Setting[Any]
    editor: QLineEdit | QComboBox | QSpinBox
    message: InlineMessage

    def raw(self) -> object:
        """What the editor holds, as the setting's `parse` takes it."""
        if isinstance(self.editor, QLineEdit):
            return self.editor.text()
        if isinstance(self.editor, QComboBox):
            return self.editor.currentData()
        return self.editor.value()

    def show(self, value: object) -> None:
        if isinstance(self.editor, QLineEdit):
            self.editor.setText(str(self.setting.to_json(value)))
        elif isinstance(self.editor, QComboBox):
            self.editor.setCurrentIndex(self.editor.findData(self.setting.to_json(value)))
        elif isinstance(value, int):
            self.editor.setValue(value)

    def problem(self) -> str:
        try:
            self.setting.parse(self.raw())
        except SettingError as exc:
            return str(exc)
        return ""


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setStyleSheet(FIELD_STYLE)
        self._rows: dict[str, _Row] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        for setting, value in settings:
            self._add_row(form, setting, value)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.okButton = self._button(QDialogButtonBox.StandardButton.Ok, "settingsOkButton")
        self.defaultsButton = self._button(
            QDialogButtonBox.StandardButton.RestoreDefaults, "settingsDefaultsButton"
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.defaultsButton.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(WIDTH, self.sizeHint().height())
        self._check()

    # -- building ---------------------------------------------------------------------------

    def _add_row(self, form: QFormLayout, setting: Setting[Any], value: object) -> None:
        editor = _editor(setting)
        editor.setObjectName(object_name(setting, "Setting"))
        editor.setAccessibleName(setting.label)
        editor.setToolTip(setting.help)
        message = InlineMessage(object_name(setting, "Message"), f"{setting.label} problem")
        row = _Row(setting, editor, message)
        row.show(value)
        self._rows[setting.name] = row
        help_label = QLabel(setting.help)
        help_label.setObjectName(object_name(setting, "Help"))
        help_label.setWordWrap(True)
        help_label.setTextFormat(Qt.TextFormat.PlainText)
        help_label.setEnabled(False)  # the muted colour of secondary text, in any palette
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for widget in (editor, message, help_label):
            column.addWidget(widget)
        label = QLabel(f"{setting.label}:")
        label.setBuddy(editor)
        form.addRow(label, cell)
        _changed_signal(editor).connect(self._check)

    def _button(self, which: QDialogButtonBox.StandardButton, name: str) -> QPushButton:
        button = self.buttons.button(which)
        button.setObjectName(name)
        return button

    # -- what the user chose ----------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """Each unusable value's sentence, by setting name."""
        return {name: text for name, row in self._rows.items() if (text := row.problem())}

    def settings(self) -> Settings:
        """The chosen settings. SettingError while a value is unusable (OK is disabled then)."""
        return Settings({name: row.setting.parse(row.raw()) for name, row in self._rows.items()})

    def restore_defaults(self) -> None:
        for row in self._rows.values():
            row.show(row.setting.default)

    def accept(self) -> None:
        if self.problems():  # Enter in a field presses OK even when it is disabled
            return
        super().accept()

    def _check(self) -> None:
        problems = self.problems()
        for name, row in self._rows.items():
            text = problems.get(name)
            problem = Problem(row.setting.label, text, Severity.ERROR) if text else None
            row.message.show_problem(row.editor, problem)
        self.okButton.setEnabled(not problems)
        self.okButton.setToolTip(next(iter(problems.values()), ""))


def _editor(setting: Setting[Any]) -> QLineEdit | QComboBox | QSpinBox:
    if setting.kind is SettingKind.CHOICE:
        combo = QComboBox()
        for value, label in setting.choices:
            combo.addItem(label, value)
        return combo
    if setting.kind is SettingKind.SECONDS:
        spin = QSpinBox()
        spin.setRange(0, setting.maximum)
        spin.setSuffix(" s")
        spin.setSpecialValueText("Never")  # what 0 means
        return spin
    edit = QLineEdit()
    edit.setPlaceholderText(setting.placeholder)
    return edit


def _changed_signal(editor: QLineEdit | QComboBox | QSpinBox) -> Any:
    if isinstance(editor, QLineEdit):
        return editor.textChanged
    if isinstance(editor, QComboBox):
        return editor.currentIndexChanged
    return editor.valueChanged
