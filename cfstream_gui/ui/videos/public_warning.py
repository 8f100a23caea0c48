"""The warning under the video field when the video is public, with the offer to fix that.

A signed token for a video that does not require signed URLs protects nothing: the plain link
plays it for anyone. Turning `requireSignedURLs` on is one click, after a question (it breaks
every unsigned link already shared, which is the point, but must be meant).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from cfstream_gui.ui.common.style import Tone, set_tone, tint_rgba
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.videos.access import VideoAccess, plain_tooltip

WARNING_TEXT = "This token protects nothing: the video is public."
DETAIL_TEXT = "Anyone with its plain link can watch it, token or not."


class PublicVideoWarning(QFrame):
    # The user asked to turn signed URLs on for the video shown (the window asks first).
    requireSignedRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publicVideoWarning")
        self.label = QLabel(WARNING_TEXT)
        self.label.setObjectName("publicVideoLabel")
        self.label.setAccessibleName("The video is public")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.requireSignedButton = push_button(
            "requireSignedButton", "Require signed URLs…", self.requireSignedRequested.emit
        )
        self.requireSignedButton.setToolTip(
            "Turn on requireSignedURLs for this video: only signed links play it from then on"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 3, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.requireSignedButton, 0, Qt.AlignmentFlag.AlignVCenter)
        self._access: VideoAccess | None = None
        self._restyle()
        self.hide()

    def show_access(self, access: VideoAccess | None) -> None:
        self._access = access if access is not None and access.public else None
        if self._access is None:
            self.hide()
            return
        name = f"“{self._access.name}”" if self._access.name else self._access.uid
        self.label.setToolTip(plain_tooltip(f"{name} does not require signed URLs. {DETAIL_TEXT}"))
        self.show()

    def access(self) -> VideoAccess | None:
        """The public video warned about, or None."""
        return self._access

    def set_busy(self, busy: bool) -> None:
        self.requireSignedButton.setEnabled(not busy)

    def _restyle(self) -> None:
        # Tints for the frame read the same on any palette; the text follows the palette.
        self.setStyleSheet(
            f"QFrame#publicVideoWarning {{ background: {tint_rgba(Tone.WARNING, 0.14)};"
            f" border: 1px solid {tint_rgba(Tone.WARNING, 0.6)}; border-radius: 4px; }}"
        )
        set_tone(self.label, Tone.WARNING)
