"""Tools → Check playback… (and the result's Check playback button): does this token really play?

Opened from the result, it starts on the token just made (its HLS link, so the check goes where
the links point); any other token or playback link can be pasted instead.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.ui.common.inline_message import align_labels, buddy_label, enable_clear_button
from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.tools.playback_panel import PlaybackPanel
from cfstream_gui.ui.tools.sources import ToolsSetup

INTRO = (
    "Asks the edge for the thumbnail and the HLS manifest with the token (and the MP4, for a "
    "downloadable token), and says what it answered. Tokens are sent only to Cloudflare "
    "Stream, a sandbox on this computer or the profile's delivery base."
)


class PlaybackDialog(QDialog):
    def __init__(
        self, setup: Callable[[], ToolsSetup], text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("playbackDialog")
        self.setWindowTitle("Check playback")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.sourceEdit = QLineEdit()
        self.sourceEdit.setObjectName("playbackSourceEdit")
        self.sourceEdit.setAccessibleName("Token or playback link")
        self.sourceEdit.setPlaceholderText("A token, or a playback link with one in it")
        self.sourceEdit.setFont(monospace_font())
        enable_clear_button(self.sourceEdit)
        self.panel = PlaybackPanel(setup)
        self.sourceEdit.textChanged.connect(self.panel.set_source)
        self.closeButton = push_button("playbackCloseButton", "Close", self.reject)
        source_row = QFormLayout()
        source_row.addRow(buddy_label("&Token or link:", self.sourceEdit), self.sourceEdit)
        align_labels(source_row, self.panel.viewer.form_layout)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(source_row)
        layout.addWidget(self.panel, 1)
        layout.addLayout(buttons)
        self.resize(780, 400)
        self.set_source(text)

    def set_source(self, text: str) -> None:
        """Check `text` (a token or a link) next; an empty text keeps what is there."""
        if text:
            self.sourceEdit.setText(text)
            self.sourceEdit.setCursorPosition(0)

    def done(self, result: int) -> None:
        self.panel.cancel()  # closing means stop: nothing more is asked of the edge
        super().done(result)

    async def wait_idle(self) -> None:
        await self.panel.wait_idle()
