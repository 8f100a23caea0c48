"""Does it really play? Ask the edge for the thumbnail and the HLS manifest with the token (and
the MP4, for a downloadable token) and say what it answered, in words, with the thumbnail.

The check is `core.playback_check`, the same one `cfstream-token check` runs. It is awaited on
the window's event loop with a busy bar and a Cancel; its HTTP client is built in a worker
thread (a TLS context takes a moment). Where a token may be sent is decided by
`core.playback_target`: Cloudflare Stream's hosts, a sandbox on this computer or the profile's
delivery base, nowhere else; a problem there is a sentence and nothing is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.core.playback_check import (
    ASSET_LABELS,
    PlaybackReport,
    check_playback,
    playback_client,
)
from cfstream_gui.core.playback_target import PlaybackTarget, PlaybackTargetError, playback_target
from cfstream_gui.core.simulate import Viewer
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.style import Tone, set_tone
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.tools.sources import ToolsSetup
from cfstream_gui.ui.tools.thumbnail import thumbnail_pixmap
from cfstream_gui.ui.tools.viewer_fields import ViewerFields

THUMBNAIL_SIZE = QSize(320, 180)
NOTHING_TO_CHECK = "There is no token to check yet: create one, or paste a token or a link."
CANCELLED = "Cancelled: the check stopped, and nothing more is asked."
HINT = "Leave the viewer empty to ask as this computer."


def headline(report: PlaybackReport) -> str:
    """'Plays', 'Blocked by rule 2', 'Plays, but the MP4 download: MP4 not enabled'."""
    return _first_upper(report.headline)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def headline_tone(report: PlaybackReport) -> Tone:
    if report.verdict.verdict is EdgeVerdict.UNREACHABLE:
        return Tone.WARNING
    if not report.plays:
        return Tone.ERROR
    return Tone.OK if report.headline == report.verdict.words else Tone.WARNING


def asset_lines(report: PlaybackReport) -> list[str]:
    """One line per thing asked for: 'HLS manifest: 403, blocked by rule 2 (why)'."""
    lines = []
    for asset in report.assets:
        status = "no answer" if asset.status is None else str(asset.status)
        line = f"{_first_upper(ASSET_LABELS[asset.kind])}: {status}, {asset.words}"
        if asset.detail:
            line += f". {asset.detail}"
        lines.append(line)
    return lines


class PlaybackPanel(QWidget):
    # A check ended, whatever its outcome; `finished` counts them (tests wait on it).
    checkFinished = Signal()

    def __init__(self, setup: Callable[[], ToolsSetup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup = setup
        self._source = ""
        self._tasks = BackgroundTasks()
        self._running: asyncio.Task[None] | None = None
        self.finished = 0
        self.report: PlaybackReport | None = None
        self.viewer = ViewerFields("playback")
        self.checkButton = push_button("playbackCheckButton", "Check playback", self.check)
        self.cancelButton = push_button("playbackCancelButton", "Cancel", self.cancel)
        self.busyBar = QProgressBar()
        self.busyBar.setObjectName("playbackBusy")
        self.busyBar.setAccessibleName("Checking playback")
        self.busyBar.setRange(0, 0)
        self.busyBar.setMaximumWidth(160)
        self.busyBar.hide()
        self.verdictLabel = self._label("playbackVerdict", "Playback verdict")
        bold = QFont(self.verdictLabel.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.verdictLabel.setFont(bold)
        self.assetsLabel = self._label("playbackAssets", "What the edge answered")
        self.notesLabel = self._label("playbackNotes", "Notes on the verdict")
        self.thumbnailLabel = QLabel()
        self.thumbnailLabel.setObjectName("playbackThumbnail")
        self.thumbnailLabel.setAccessibleName("Thumbnail")
        self.thumbnailLabel.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.thumbnailLabel.hide()
        self._lay_out()
        self._show_idle()

    def _label(self, name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        # Plain text: the edge's reasons are its own text, never markup to render.
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        label.hide()
        return label

    def _lay_out(self) -> None:
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        run = QHBoxLayout()
        run.addWidget(self.checkButton)
        run.addWidget(self.cancelButton)
        run.addWidget(self.busyBar)
        run.addStretch(1)
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.addWidget(self.verdictLabel)
        words.addWidget(self.assetsLabel)
        words.addWidget(self.notesLabel)
        words.addStretch(1)
        answer = QHBoxLayout()
        answer.addLayout(words, 1)
        answer.addWidget(self.thumbnailLabel, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.viewer)
        layout.addWidget(hint)
        layout.addLayout(run)
        layout.addLayout(answer, 1)

    # -- public API -------------------------------------------------------------------------

    def set_source(self, text: str) -> None:
        """The token to check, or a link (or snippet) holding one. A new source forgets the
        last answer, which was about another token."""
        if text.strip() == self._source:
            return
        self._source = text.strip()
        self._clear_answer()
        self._show_idle()

    def is_busy(self) -> bool:
        return self._running is not None

    def check(self) -> None:
        """Check now, unless a check runs or something typed is wrong (then it says what)."""
        if self._running is not None:
            return
        typed = self.viewer.read()
        if typed.problem is not None:
            return  # the field's message says what is wrong; nothing is sent
        setup = self._setup()
        try:
            target = playback_target(
                self._source,
                customer_code=setup.customer_code,
                delivery_base=setup.delivery_base,
            )
        except PlaybackTargetError as exc:
            self._clear_answer()
            self._say(str(exc) if self._source else NOTHING_TO_CHECK, Tone.ERROR)
            return
        self._running = self._tasks.spawn(self._check(target, typed.viewer, setup.clock), "check")
        self._show_busy()

    def cancel(self) -> None:
        if self._running is not None:
            self._running.cancel()

    async def wait_idle(self) -> None:
        """Cancel the running check, if any, and return once it has ended."""
        self.cancel()
        await self._tasks.wait()

    # -- the check --------------------------------------------------------------------------

    async def _check(
        self, target: PlaybackTarget, viewer: Viewer | None, clock: Callable[[], float]
    ) -> None:
        report: PlaybackReport | None = None
        try:
            client = await in_daemon_thread(playback_client, target, name="playback client")
            async with client:
                report = await check_playback(
                    target, now=int(clock()), viewer=viewer, client=client
                )
        except asyncio.CancelledError:
            pass  # said below; the task ends normally, as Cancel is not a failure
        finally:
            self._running = None
            self.finished += 1
            if shiboken6.isValid(self):
                self._show_report(report)
                self.checkFinished.emit()

    # -- showing ----------------------------------------------------------------------------

    def _show_report(self, report: PlaybackReport | None) -> None:
        self._show_idle()
        self.report = report
        if report is None:
            self._clear_answer()
            self._say(CANCELLED, None)
            return
        self._say(headline(report), headline_tone(report))
        self._set(self.assetsLabel, "\n".join(asset_lines(report)))
        self._set(self.notesLabel, "\n".join(report.notes))
        pixmap = thumbnail_pixmap(report.thumbnail, THUMBNAIL_SIZE) if report.thumbnail else None
        if pixmap is None:
            self.thumbnailLabel.clear()
            self.thumbnailLabel.hide()
        else:
            self.thumbnailLabel.setPixmap(pixmap)
            self.thumbnailLabel.show()

    def _say(self, text: str, tone: Tone | None) -> None:
        set_tone(self.verdictLabel, tone)
        self._set(self.verdictLabel, text)

    def _set(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _clear_answer(self) -> None:
        self.report = None
        for label in (self.verdictLabel, self.assetsLabel, self.notesLabel):
            self._set(label, "")
        self.thumbnailLabel.clear()
        self.thumbnailLabel.hide()

    def _show_busy(self) -> None:
        self._clear_answer()
        self.checkButton.setEnabled(False)
        self.cancelButton.setEnabled(True)
        self.busyBar.show()
        self._say("Asking the edge…", None)

    def _show_idle(self) -> None:
        self.checkButton.setEnabled(True)
        self.cancelButton.setEnabled(False)
        self.busyBar.hide()
