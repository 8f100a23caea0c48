"""Tools → Copy as code…: the form's token, made by your own backend instead of this app.

Three tabs, each with its Copy button: curl against `/token`, Python with Cloudflare's official
SDK, and a Cloudflare Worker that signs with the key's JWK through WebCrypto. The code is
`core.snippets`' exactly; secrets appear in it only as environment variable names. The dialog
follows the form: while the form would be refused, it says what to fix and offers no code.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.snippets import Snippets
from cfstream_gui.core.validation import ValidationError
from cfstream_gui.ui.common.inline_message import InlineMessage
from cfstream_gui.ui.common.style import Tone, monospace_font, set_tone
from cfstream_gui.ui.common.widgets import push_button

SnippetsSource = Callable[[], Snippets]
# (objectName stem, tab title, what the status line calls it)
KINDS = (
    ("Curl", "curl", "curl command"),
    ("Python", "Python (SDK)", "Python code"),
    ("Worker", "Worker (JavaScript)", "Worker code"),
)
INTRO = (
    "The token this form describes, made by your own backend. The code reads its secrets "
    "from environment variables; none is written into it."
)
WORKER_NOTE = (
    "The Worker signs on its own with a signing key's JWK, as in Cloudflare's docs: no API call "
    "and no rate limit."
)


def env_text(snippets: Snippets) -> str:
    names = " and ".join(snippets.env)
    return f"curl and Python read {names} from the environment. {WORKER_NOTE}"


class SnippetsDialog(QDialog):
    # What was copied ("curl command", ...), for a status line.
    copied = Signal(str)

    def __init__(self, source: SnippetsSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snippetsDialog")
        self.setWindowTitle("Copy as code")
        self._source = source
        self._snippets: Snippets | None = None
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.message = InlineMessage("snippetsMessage", "Why there is no code")
        self.envLabel = QLabel()
        self.envLabel.setObjectName("snippetsEnvLabel")
        self.envLabel.setAccessibleName("Environment variables the code reads")
        self.envLabel.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("snippetsTabs")
        self.tabs.setAccessibleName("Code")
        self.edits: dict[str, QPlainTextEdit] = {}
        self.copyButtons: dict[str, QPushButton] = {}
        for stem, title, what in KINDS:
            self.tabs.addTab(self._tab(stem, what), title)
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("snippetsStatusLabel")
        self.statusLabel.setAccessibleName("Snippet status")
        self.closeButton = push_button("snippetsCloseButton", "Close", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.envLabel)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1060, 640)
        self.refresh()

    def _tab(self, stem: str, what: str) -> QWidget:
        edit = QPlainTextEdit()
        edit.setObjectName(f"snippet{stem}Edit")
        edit.setAccessibleName(f"The {what}")
        edit.setReadOnly(True)
        edit.setFont(monospace_font())
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        button = push_button(f"snippet{stem}CopyButton", "Copy", lambda: self._copy(stem, what))
        button.setAccessibleName(f"Copy the {what}")
        self.edits[stem] = edit
        self.copyButtons[stem] = button
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(edit, 1)
        column.addLayout(row)
        return page

    # -- public API -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Build the code from the form as it is now."""
        try:
            snippets = self._source()
        except (ValidationError, ValueError) as exc:
            self._show(None, f"No code while the form would be refused: {exc}")
            return
        self._show(snippets, "")

    def snippets(self) -> Snippets | None:
        return self._snippets

    async def wait_idle(self) -> None:
        """Nothing runs in the background here; the dialogs share this to close."""

    # -- internals --------------------------------------------------------------------------

    def _show(self, snippets: Snippets | None, problem: str) -> None:
        self._snippets = snippets
        texts = {"Curl": "", "Python": "", "Worker": ""}
        if snippets is not None:
            texts = {"Curl": snippets.curl, "Python": snippets.python, "Worker": snippets.worker}
        for stem, edit in self.edits.items():
            if edit.toPlainText() != texts[stem]:  # keep the scroll position when unchanged
                edit.setPlainText(texts[stem])
            self.copyButtons[stem].setEnabled(snippets is not None)
        self.envLabel.setText(env_text(snippets) if snippets is not None else "")
        self.envLabel.setVisible(snippets is not None)
        self.message.setText(problem)
        set_tone(self.message, Tone.ERROR)
        self.message.setVisible(bool(problem))
        self.statusLabel.clear()

    def _copy(self, stem: str, what: str) -> None:
        text = self.edits[stem].toPlainText()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.statusLabel.setText(f"Copied the {what} to the clipboard.")
            self.copied.emit(what)
