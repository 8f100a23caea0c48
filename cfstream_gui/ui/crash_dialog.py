"""The crash dialog: the details of an unexpected exception, redacted, with a Copy button.

`crash_handler.CrashHandler` (the `sys.excepthook`) opens it; it is loaded by the first crash,
not at start-up. The handler's names are importable from here too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.crash_handler import (
    LOG_FILE,
    CrashHandler,
    ExceptHook,
    SecretSource,
    crash_report,
    redact,
)

__all__ = [
    "LOG_FILE",
    "CrashDialog",
    "CrashHandler",
    "ExceptHook",
    "SecretSource",
    "crash_report",
    "redact",
]


class CrashDialog(QDialog):
    def __init__(self, details: str, log_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("cfstream-gui: something went wrong")
        self.resize(720, 460)
        where = f" The details were also written to {log_path}." if log_path else ""
        self.summaryLabel = QLabel(
            "An unexpected error happened. Your form is still there; you can carry on, or "
            f"copy the details into a bug report.{where}"
        )
        self.summaryLabel.setObjectName("crashSummaryLabel")
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.detailsEdit = QPlainTextEdit()
        self.detailsEdit.setObjectName("crashDetailsEdit")
        self.detailsEdit.setAccessibleName("Error details")
        self.detailsEdit.setReadOnly(True)
        self.detailsEdit.setFont(monospace_font())
        self.detailsEdit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copyButton = QPushButton("Copy details")
        self.copyButton.setObjectName("crashCopyButton")
        self.copyButton.setAccessibleName("Copy the error details")
        self.copyButton.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copyButton, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(self.detailsEdit, 1)
        layout.addWidget(buttons)
        self.add_details(details)

    def add_details(self, details: str) -> None:
        """A second crash while the dialog is open is appended, not stacked as a new dialog."""
        current = self.detailsEdit.toPlainText()
        self.detailsEdit.setPlainText(f"{current}\n{'-' * 40}\n{details}" if current else details)

    def details(self) -> str:
        return self.detailsEdit.toPlainText()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self.copyButton.setText("Copied")
