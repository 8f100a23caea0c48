"""The row under the form: why Create is unavailable (or a warning, or the rate-limit
countdown), the busy indicator, Cancel, and Create itself. It shows what the window controller
says; the countdown's clock is the controller's."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from cfstream_gui.core.validation import Problem

CREATE_TEXT = "Create token"
CREATE_TIP = "Create the token (Ctrl+Return)"
READY_TEXT = "Ready: Ctrl+Return creates the token."


class ActionBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.createTokenButton = QPushButton(CREATE_TEXT)
        self.createTokenButton.setObjectName("createTokenButton")
        self.createTokenButton.setAccessibleName("Create token")
        self.createTokenButton.setDefault(True)
        self.createTokenButton.setMinimumWidth(130)
        self.createTokenButton.setToolTip(CREATE_TIP)
        # Until the controller has looked at the form (the window is painted before it is
        # wired), Create is not offered.
        self.createTokenButton.setEnabled(False)
        self.cancelButton = QPushButton("Cancel")
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setAccessibleName("Cancel the running request")
        self.cancelButton.setEnabled(False)
        self.busyIndicator = QProgressBar()
        self.busyIndicator.setObjectName("busyIndicator")
        self.busyIndicator.setAccessibleName("Request in progress")
        self.busyIndicator.setRange(0, 0)  # indeterminate: Cloudflare gives no progress
        self.busyIndicator.setMaximumWidth(120)
        self.busyIndicator.setTextVisible(False)
        self.busyIndicator.hide()
        self.createStatusLabel = QLabel()
        self.createStatusLabel.setObjectName("createStatusLabel")
        self.createStatusLabel.setAccessibleName("Why Create is unavailable")
        self.createStatusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.createStatusLabel.setWordWrap(True)
        self.createStatusLabel.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.createStatusLabel, 1)
        row.addWidget(self.busyIndicator)
        row.addWidget(self.cancelButton)
        row.addWidget(self.createTokenButton)

    def focus_order(self) -> list[QWidget]:
        return [self.cancelButton, self.createTokenButton]

    def set_busy(self, text: str) -> None:
        self.createTokenButton.setEnabled(False)
        self.createTokenButton.setText("Working…")
        self.cancelButton.setEnabled(True)
        self.busyIndicator.show()
        self.createStatusLabel.setText(text)

    def set_idle(self) -> None:
        self.createTokenButton.setText(CREATE_TEXT)
        self.cancelButton.setEnabled(False)
        self.busyIndicator.hide()

    def show_state(self, reason: str, warnings: Sequence[Problem]) -> None:
        """Create is enabled exactly when there is no `reason`; the label says why not, or
        that it is ready (counting the warnings, which are shown at their fields already)."""
        self.createTokenButton.setEnabled(not reason)
        self.createTokenButton.setToolTip(reason or CREATE_TIP)
        if reason:
            self.createStatusLabel.setText(reason)
            self.createStatusLabel.setToolTip(reason)
        elif warnings:
            count = "1 warning" if len(warnings) == 1 else f"{len(warnings)} warnings"
            self.createStatusLabel.setText(
                f"Ready, with {count} shown above: Ctrl+Return creates the token anyway."
            )
            self.createStatusLabel.setToolTip("\n".join(w.message for w in warnings))
        else:
            self.createStatusLabel.setText(READY_TEXT)
            self.createStatusLabel.setToolTip("")
