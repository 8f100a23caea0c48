"""Tools → Inspect token…: paste any Stream token, or a link or embed snippet holding one, and
see what it grants, to whom, until when, and who signed it, without trusting any of it.

The report is `core.inspection`'s, made again as the text changes and its validity re-read
every second ("valid for 42 min", "expired 3 h ago"). The signature is checked when the key the
token names is held for the profile (loaded in a worker thread); a token signed with
Cloudflare's own key cannot be checked here, and the report says so. Beside it: the token's
rules tried on a viewer, a playback check, and the header and claims as the token carries them.
Text that holds no token gets a sentence, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.inspection import TokenInspectError, TokenReport, inspect_token
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.token_signature import SignatureState
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.clipboard import copy_secret
from cfstream_gui.ui.common.inline_message import InlineMessage, buddy_label
from cfstream_gui.ui.common.style import Tone, monospace_font, set_tone
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.inspector.report_text import (
    Line,
    header_and_claims,
    rules_unreadable,
    validity_line,
)
from cfstream_gui.ui.inspector.report_view import ReportView
from cfstream_gui.ui.keys.held_keys import KEY_ERRORS
from cfstream_gui.ui.tools.playback_panel import PlaybackPanel
from cfstream_gui.ui.tools.simulator_panel import SimulatorPanel
from cfstream_gui.ui.tools.sources import KeyLoader, ToolsSetup

TICK_MS = 1000
PLACEHOLDER = (
    "Paste a token, a playback link, or an embed snippet:\n"
    "  eyJhbGciOiJSUzI1NiIsImtpZCI6…\n"
    "  https://customer-<code>.cloudflarestream.com/<token>/watch"
)
TOKEN_RULES = "The token's rules, first to last:"


class InspectorDialog(QDialog):
    def __init__(
        self, setup: Callable[[], ToolsSetup], text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorDialog")
        self.setWindowTitle("Inspect a token")
        self._setup = setup
        self._tasks = BackgroundTasks()
        self._keys: dict[str, SigningKey] = {}  # held keys loaded so far, by lower-case ID
        self._key_errors: dict[str, str] = {}
        self._loading: set[str] = set()
        self.report: TokenReport | None = None
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.inputEdit.textChanged.connect(self.inspect)
        self.set_text(text)
        self.inspect()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.inputEdit = QPlainTextEdit()
        self.inputEdit.setObjectName("inspectorInput")
        self.inputEdit.setAccessibleName("Token, link or snippet to inspect")
        self.inputEdit.setPlaceholderText(PLACEHOLDER)
        self.inputEdit.setFont(monospace_font())
        self.inputEdit.setTabChangesFocus(True)
        self.inputEdit.setFixedHeight(_lines_tall(self.inputEdit, 5))
        self.message = InlineMessage("inspectorMessage", "Why nothing can be read")
        self.view = ReportView()
        scroll = QScrollArea()
        scroll.setObjectName("inspectorReportScroll")
        scroll.setAccessibleName("What the token says")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.view)
        # The group box's own background, not the scroll area's darker one.
        scroll.viewport().setAutoFillBackground(False)
        self.view.setAutoFillBackground(False)
        self.reportGroup = QGroupBox("What the token says")
        self.reportGroup.setObjectName("inspectorReportGroup")
        QVBoxLayout(self.reportGroup).addWidget(scroll)

        self.simulator = SimulatorPanel()
        self.playback = PlaybackPanel(self._setup)
        self.claimsEdit = QPlainTextEdit()
        self.claimsEdit.setObjectName("inspectorClaims")
        self.claimsEdit.setAccessibleName("Header and claims")
        self.claimsEdit.setReadOnly(True)
        self.claimsEdit.setFont(monospace_font())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("inspectorTabs")
        self.tabs.setAccessibleName("What to do with the token")
        self.tabs.addTab(_padded(self.simulator), "Simulate a viewer")
        self.tabs.addTab(_padded(self.playback), "Check playback")
        self.tabs.addTab(_padded(self.claimsEdit), "Header and claims")

        self.copyJsonButton = push_button(
            "inspectorCopyJsonButton", "Copy report as JSON", self._copy_json
        )
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("inspectorStatusLabel")
        self.statusLabel.setAccessibleName("Inspector status")
        self.closeButton = push_button("inspectorCloseButton", "Close", self.reject)

        left = QVBoxLayout()
        left.addWidget(buddy_label("&Token, link or snippet:", self.inputEdit))
        left.addWidget(self.inputEdit)
        left.addWidget(self.message)
        left.addWidget(self.reportGroup, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copyJsonButton)
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        self.resize(1120, 600)

    # -- public API -------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Inspect `text` (a token, a link or a snippet); an empty text keeps what is there."""
        if text:
            self.inputEdit.setPlainText(text)

    def inspect(self) -> None:
        """Read the pasted text again, with the held keys loaded so far."""
        text = self.inputEdit.toPlainText()
        setup = self._setup()
        self.statusLabel.clear()
        try:
            report = inspect_token(text, int(setup.clock()), self._keys)
        except TokenInspectError as exc:
            self._show_nothing(str(exc) if text.strip() else "")
            return
        self.report = report
        self.message.hide()
        self.view.show_report(report, int(setup.clock()))
        self._check_signature(report, setup)
        self.reportGroup.setEnabled(True)
        self.tabs.setEnabled(True)
        self.copyJsonButton.setEnabled(True)
        self.simulator.set_rules(report.rules, TOKEN_RULES, rules_unreadable(report))
        self.playback.set_source(text)
        self.claimsEdit.setPlainText(header_and_claims(report))

    def tick(self) -> None:
        """The clock moved: say again how long the token is valid."""
        if self.report is not None:
            self.view.show_validity(validity_line(self.report, int(self._setup().clock())))

    def done(self, result: int) -> None:
        self.timer.stop()
        self.playback.cancel()  # closing means stop: nothing more is asked of the edge
        super().done(result)

    async def wait_idle(self) -> None:
        await self.playback.wait_idle()
        await self._tasks.wait()

    # -- the signature ----------------------------------------------------------------------

    def _check_signature(self, report: TokenReport, setup: ToolsSetup) -> None:
        """When the token's key is held here but not yet loaded: load it, then look again."""
        kid = (report.key_id or "").lower()
        if report.signature.state is not SignatureState.NOT_HELD or not setup.holds(kid):
            return
        if kid in self._key_errors:
            message = f"Signing key {kid} is held here, but cannot be read: {self._key_errors[kid]}"
            self.view.show_signature(Line(message, Tone.WARNING))
            return
        self.view.show_signature(Line(f"Checking the signature with signing key {kid}, held here…"))
        if kid not in self._loading and setup.load_key is not None:
            self._loading.add(kid)
            self._tasks.spawn(self._load(kid, setup.load_key), "load signing key")

    async def _load(self, kid: str, load: KeyLoader) -> None:
        try:
            self._keys[kid] = await in_daemon_thread(load, kid, name="load signing key")
        except KEY_ERRORS as exc:
            self._key_errors[kid] = str(exc)
        finally:
            self._loading.discard(kid)
        if shiboken6.isValid(self):
            self.inspect()

    # -- internals --------------------------------------------------------------------------

    def _show_nothing(self, sentence: str) -> None:
        self.report = None
        self.message.setText(sentence)
        set_tone(self.message, Tone.ERROR)
        self.message.setVisible(bool(sentence))
        self.view.clear()
        self.reportGroup.setEnabled(False)
        self.tabs.setEnabled(False)
        self.copyJsonButton.setEnabled(False)
        self.simulator.set_rules((), TOKEN_RULES, "Paste a token to try its rules on a viewer.")
        self.playback.set_source("")
        self.claimsEdit.clear()

    def _copy_json(self) -> None:
        if self.report is None:
            return
        setup = self._setup()
        text = json.dumps(self.report.to_json(int(setup.clock())), indent=2, ensure_ascii=True)
        # The report holds the token, a credential for the video until it expires.
        copy_secret(text, setup.clipboard_clear_seconds)
        self.statusLabel.setText("Copied the report (with the token) as JSON.")


def _lines_tall(edit: QPlainTextEdit, lines: int) -> int:
    """The height that shows exactly `lines` lines of `edit`'s text, no half line below."""
    margins = edit.contentsMargins()
    # The document's margin above the first line only: below the last shown line, the next
    # line would start at once, and half of it would show.
    top = int(edit.document().documentMargin())
    return edit.fontMetrics().lineSpacing() * lines + top + margins.top() + margins.bottom()


def _padded(widget: QWidget) -> QWidget:
    page = QWidget()
    QVBoxLayout(page).addWidget(widget)
    return page
