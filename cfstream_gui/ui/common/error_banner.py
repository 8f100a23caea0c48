"""A banner above the form for what went wrong (or a neutral notice), with a hint on what to do.

It only reports: it never touches the form, so the user can fix one field and try again. The
text is selectable so an error can be copied into a bug report or a search box.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.ui.common.style import Tone, tint_rgba

_ICON_SIZE = 20


class ErrorBanner(QFrame):
    # The user closed the banner with its × button.
    dismissed = Signal()
    errorShown = Signal()
    # The user pressed the banner's action button (see `show_notice`'s `action`).
    actionTriggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName("Error")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._tone: Tone | None = None

        self.icon = QLabel()
        self.icon.setObjectName("errorBannerIcon")
        self.icon.setFixedSize(QSize(_ICON_SIZE, _ICON_SIZE))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.messageLabel = self._text_label("errorBannerMessage", "Error message")
        bold = QFont(self.messageLabel.font())
        bold.setBold(True)
        self.messageLabel.setFont(bold)
        self.hintLabel = self._text_label("errorBannerHint", "What to do")
        self.closeButton = QToolButton()
        self.closeButton.setObjectName("errorBannerClose")
        self.closeButton.setText("×")
        self.closeButton.setAutoRaise(True)
        self.closeButton.setAccessibleName("Dismiss")
        self.closeButton.setToolTip("Dismiss")
        self.closeButton.clicked.connect(self._on_close)
        self.actionButton = QPushButton()
        self.actionButton.setObjectName("errorBannerAction")
        self.actionButton.setAccessibleName("Notice action")  # its text, once it has one
        self.actionButton.setAutoDefault(False)
        self.actionButton.clicked.connect(self.actionTriggered)
        self.actionButton.hide()

        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.messageLabel)
        texts.addWidget(self.hintLabel)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 6, 8)
        row.setSpacing(10)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(self.actionButton, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.closeButton, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def _text_label(self, name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        # Plain text: an error may quote user input or a server reply containing "<".
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        return label

    # -- public API -------------------------------------------------------------------------

    def show_error(self, message: str, hint: str = "") -> None:
        self._show(Tone.ERROR, message, hint)
        self.errorShown.emit()

    def show_notice(self, message: str, hint: str = "", *, action: str = "") -> None:
        """A neutral notice; with `action`, a button of that text that emits
        `actionTriggered`."""
        self._show(Tone.NOTICE, message, hint, action)

    def clear(self) -> None:
        self._tone = None
        self.setAccessibleName("Error")
        self.messageLabel.clear()
        self.hintLabel.clear()
        self.actionButton.hide()
        self.hide()

    def message(self) -> str:
        """The message shown now; empty when the banner is hidden."""
        return self.messageLabel.text()

    def hint(self) -> str:
        return self.hintLabel.text()

    def tone(self) -> str:
        """'error', 'notice', or '' when nothing is shown."""
        return self._tone.value if self._tone else ""

    # -- internals --------------------------------------------------------------------------

    def _show(self, tone: Tone, message: str, hint: str, action: str = "") -> None:
        self._tone = tone
        self.messageLabel.setText(message)
        self.hintLabel.setText(hint)
        self.hintLabel.setVisible(bool(hint))
        self.actionButton.setText(action)
        self.actionButton.setAccessibleName(action or "Notice action")
        self.actionButton.setVisible(bool(action))
        is_error = tone is Tone.ERROR
        # An error stands out; a notice is said calmly.
        font = QFont(self.messageLabel.font())
        font.setBold(is_error)
        self.messageLabel.setFont(font)
        self.setAccessibleName("Error" if is_error else "Notice")
        self.closeButton.setAccessibleName("Dismiss error" if is_error else "Dismiss notice")
        pixmap = QStyle.StandardPixmap.SP_MessageBoxCritical
        if not is_error:
            pixmap = QStyle.StandardPixmap.SP_MessageBoxInformation
        # Drawn for the screen's pixel density: sharp on a 2x screen, not a 1x bitmap blown up.
        size = QSize(_ICON_SIZE, _ICON_SIZE)
        icon = self.style().standardIcon(pixmap)
        self.icon.setPixmap(icon.pixmap(size, self.devicePixelRatioF()))
        # Semi-transparent tints sit on light and dark window colours alike; the text keeps the
        # palette's own colour, so it stays readable in both.
        self.setStyleSheet(
            f"QFrame#errorBanner {{ background-color: {tint_rgba(tone, 0.14)};"
            f" border: 1px solid {tint_rgba(tone, 0.55)}; border-radius: 6px; }}"
        )
        self.show()

    def _on_close(self) -> None:
        self.clear()
        self.dismissed.emit()
