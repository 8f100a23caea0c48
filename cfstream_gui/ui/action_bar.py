"""The row under the form: why Create is unavailable (or a warning), the busy indicator,
Cancel, and Create itself, plus the rate-limit countdown that keeps Create disabled."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from cfstream_gui.core.cloudflare._errors import human_duration
from cfstream_gui.core.validation import Problem

CREATE_TEXT = "Create token"
CREATE_TIP = "Create the token (Ctrl+Return)"
READY_TEXT = "Ready: Ctrl+Return creates the token."
# When Cloudflare rate-limits without saying for how long.
DEFAULT_RATE_LIMIT_WAIT = 60.0


class ActionBar(QWidget):
    # Once a second while a rate-limit countdown runs, so the window can refresh its state.
    tick = Signal()

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock
        self._retry_at: float | None = None
        self.createTokenButton = QPushButton(CREATE_TEXT)
        self.createTokenButton.setObjectName("createTokenButton")
        self.createTokenButton.setAccessibleName("Create token")
        self.createTokenButton.setDefault(True)
        self.createTokenButton.setMinimumWidth(130)
        self.createTokenButton.setToolTip(CREATE_TIP)
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
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.tick)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.createStatusLabel, 1)
        row.addWidget(self.busyIndicator)
        row.addWidget(self.cancelButton)
        row.addWidget(self.createTokenButton)

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

    # -- rate limit -------------------------------------------------------------------------

    def start_rate_limit(self, retry_after: float | None) -> None:
        wait = retry_after if retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
        self._retry_at = self._clock() + wait
        self._ticker.start()

    def rate_limit_reason(self) -> str:
        """The sentence that keeps Create disabled, or "" once the wait is over."""
        if self._retry_at is None:
            return ""
        left = self._retry_at - self._clock()
        if left <= 0:
            self._retry_at = None
            self._ticker.stop()
            return ""
        return f"Cloudflare's rate limit: Create is available again in {countdown(left)}."

    def stop_timers(self) -> None:
        self._ticker.stop()


def countdown(seconds: float) -> str:
    """'45 seconds' under a minute and a half, then '4:59 min'."""
    whole = max(0, int(seconds + 0.999))
    if whole < 90:
        return human_duration(whole)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02d} min"
