"""The made token and what to do with it: copy it, copy one of its playback links, preview the
watch page, and see at a glance until when it works and which access rules it carries."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.tokens import DecodedToken, TokenDecodeError, decode_token
from cfstream_gui.core.urls import URL_KIND_LABELS, URL_KINDS, PlaybackUrls
from cfstream_gui.ui.common.clipboard import copy_secret
from cfstream_gui.ui.common.style import Tone, css_color, monospace_font, set_tone
from cfstream_gui.ui.form.time_field import format_duration

DEFAULT_URL_KIND = "watch"
COUNTDOWN_INTERVAL_MS = 1000

NO_CUSTOMER_CODE = (
    "The account's customer code is unknown, so playback links cannot be built; "
    "set it in the profile."
)
NOT_DOWNLOADABLE = "The token is not downloadable"
NO_RULES = "No access rules: anyone with the link can watch"
STALE_TEXT = (
    "Out of date: the form has changed since this token was made. "
    "Create again for a token that matches it."
)


def clock_text(epoch: int, now: int) -> str:
    """'22:43 local (21:43 UTC)', with the date where it is not today's, and just UTC when
    local time is UTC."""
    utc = datetime.fromtimestamp(epoch, UTC)
    local = utc.astimezone()
    now_utc = datetime.fromtimestamp(now, UTC)
    utc_part = _hm(utc, now_utc) + " UTC"
    if local.utcoffset() == timedelta(0):
        return utc_part
    return f"{_hm(local, now_utc.astimezone())} local ({utc_part})"


def _hm(moment: datetime, now: datetime) -> str:
    return f"{moment:%H:%M}" if moment.date() == now.date() else f"{moment:%Y-%m-%d %H:%M}"


def rules_text(decoded: DecodedToken) -> str:
    """'Allow: country US, MX → Block: any', plus '· Downloadable' when the token allows it."""
    rules = [_rule_text(rule) for rule in decoded.access_rules]
    text = " → ".join(rules) if rules else NO_RULES
    return f"{text} · Downloadable" if decoded.downloadable else text


def _rule_text(rule: dict[str, Any]) -> str:
    action = str(rule.get("action", "?")).capitalize()
    kind = rule.get("type")
    if kind == "ip.geoip.country":
        return f"{action}: country {_values(rule.get('country'))}"
    if kind == "ip.src":
        return f"{action}: IP {_values(rule.get('ip'))}"
    return f"{action}: {kind}"


def _values(values: Any) -> str:
    if isinstance(values, list | tuple):
        return ", ".join(str(value) for value in values) or "(none)"
    return str(values)


def copied_name(kind: str) -> str:
    """What a status message calls the copied link: 'HLS manifest URL', 'Embed HTML'."""
    label = URL_KIND_LABELS[kind]
    return label if kind == "embed" else f"{label} URL"


class ResultPanel(QWidget):
    urlKindChanged = Signal(str)
    # What was copied, e.g. "token" or "HLS manifest URL", for the window's status bar.
    copied = Signal(str)
    # A sentence for the status bar when no browser could be opened.
    previewFailed = Signal(str)
    # What can be copied or previewed may have changed (a token came, the link kind changed).
    linksChanged = Signal()
    # The tools beside the token: inspect it, check that it plays, the form's token as code.
    inspectRequested = Signal()
    checkPlaybackRequested = Signal()
    copyAsCodeRequested = Signal()

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock
        self._token = ""
        self._urls: PlaybackUrls | None = None
        self._decoded: DecodedToken | None = None
        self._stale = False
        self.clipboard_clear_seconds = 0  # the setting: 0 leaves copies on the clipboard
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(COUNTDOWN_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh_countdown)
        self.urlKindCombo.currentIndexChanged.connect(self._on_kind_changed)
        self.copyTokenButton.clicked.connect(self._copy_token)
        self.copyUrlButton.clicked.connect(self._copy_url)
        self.previewButton.clicked.connect(self._preview)
        self.clear()

    # -- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self.tokenOutput = self._output_field("tokenOutput", "Token", "Your token appears here")
        self.urlOutput = self._output_field("urlOutput", "Playback link", "Links appear here")
        self.copyTokenButton = self._button("copyTokenButton", "Copy token")
        self.copyUrlButton = self._button("copyUrlButton", "Copy URL")
        self.previewButton = self._button("previewButton", "Preview")
        self.urlKindCombo = QComboBox()
        self.urlKindCombo.setObjectName("urlKindCombo")
        self.urlKindCombo.setAccessibleName("Link kind")
        for kind in URL_KINDS:
            self.urlKindCombo.addItem(URL_KIND_LABELS[kind], kind)
        self.urlKindCombo.setCurrentIndex(URL_KINDS.index(DEFAULT_URL_KIND))
        self.expiryCountdown = self._status_label("expiryCountdown", "Token validity")
        self.tokenRulesSummary = self._status_label("tokenRulesSummary", "Token rules")
        self.tokenRulesSummary.setToolTip(
            "Cloudflare checks the rules in order; the first that matches decides."
        )
        self.staleLabel = self._status_label("resultStaleLabel", "The token is out of date")
        token_label = QLabel("&Token")
        token_label.setBuddy(self.tokenOutput)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        # Both rows end at the same edge: the token field reaches over the Copy URL column, and
        # its Copy button stands above Preview.
        grid.addWidget(token_label, 0, 0)
        grid.addWidget(self.tokenOutput, 0, 1, 1, 2)
        grid.addWidget(self.copyTokenButton, 0, 3)
        grid.addWidget(self.urlKindCombo, 1, 0)
        grid.addWidget(self.urlOutput, 1, 1)
        grid.addWidget(self.copyUrlButton, 1, 2)
        grid.addWidget(self.previewButton, 1, 3)
        status = QVBoxLayout()
        status.setContentsMargins(0, 2, 0, 0)
        status.setSpacing(2)
        status.addWidget(self.staleLabel)
        status.addWidget(self.expiryCountdown)
        status.addWidget(self.tokenRulesSummary)
        grid.addLayout(status, 2, 0, 1, 4)
        grid.addWidget(self._tool_buttons(), 3, 0, 1, 4)
        grid.setColumnStretch(1, 1)

    def _tool_buttons(self) -> QWidget:
        """Shown once there is a token (Copy as code is in the Tools menu before that)."""
        self.inspectTokenButton = self._button("inspectTokenButton", "Inspect…")
        self.inspectTokenButton.setAccessibleName("Inspect the token")
        self.checkPlaybackButton = self._button("checkPlaybackButton", "Check playback…")
        self.checkPlaybackButton.setAccessibleName("Check that the token plays")
        self.copyAsCodeButton = self._button("copyAsCodeButton", "Copy as code…")
        self.copyAsCodeButton.setAccessibleName("Copy the form's token as code")
        self.copyAsCodeButton.setToolTip("The form's token from your own backend")
        self.inspectTokenButton.clicked.connect(self.inspectRequested)
        self.checkPlaybackButton.clicked.connect(self.checkPlaybackRequested)
        self.copyAsCodeButton.clicked.connect(self.copyAsCodeRequested)
        self.toolButtons = QWidget()
        row = QHBoxLayout(self.toolButtons)
        row.setContentsMargins(0, 2, 0, 0)
        row.setSpacing(6)
        for button in (self.inspectTokenButton, self.checkPlaybackButton, self.copyAsCodeButton):
            row.addWidget(button)
        row.addStretch(1)
        return self.toolButtons

    def _output_field(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setReadOnly(True)
        field.setFont(monospace_font())
        field.setPlaceholderText(placeholder)
        field.setMinimumWidth(240)
        return field

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        return button

    def _status_label(self, name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        return label

    def focus_order(self) -> list[QWidget]:
        return [
            self.tokenOutput,
            self.copyTokenButton,
            self.urlKindCombo,
            self.urlOutput,
            self.copyUrlButton,
            self.previewButton,
            self.inspectTokenButton,
            self.checkPlaybackButton,
            self.copyAsCodeButton,
        ]

    # -- public API -------------------------------------------------------------------------

    def show_token(self, token: str, urls: PlaybackUrls | None) -> None:
        """Show a freshly made token. `urls` is None when the customer code is unknown."""
        self.set_stale(False)
        self._token = token.strip()
        self._urls = urls
        self.tokenOutput.setText(self._token)
        self.tokenOutput.setCursorPosition(0)
        try:
            self._decoded = decode_token(self._token)
        except TokenDecodeError as exc:
            self._decoded = None
            self._set_label(self.tokenRulesSummary, str(exc), Tone.WARNING)
        else:
            self._set_label(self.tokenRulesSummary, rules_text(self._decoded), None)
        self._update_links()
        self.refresh_countdown()
        self.timer.start()

    def set_stale(self, stale: bool) -> None:
        """Mark the token as made from a form that has changed since: said in a line above
        it, and the token and link dimmed. Copying still works (and says it is the old one)."""
        self._stale = stale = stale and bool(self._token)
        self._set_label(self.staleLabel, STALE_TEXT if stale else "", Tone.WARNING)
        dim = css_color(self.palette().color(QPalette.ColorRole.PlaceholderText))
        for field in (self.tokenOutput, self.urlOutput):
            if field.property("stale") is not stale:  # a style sheet costs a re-polish
                field.setProperty("stale", stale)
                field.setStyleSheet(f"color: {dim};" if stale else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._stale:
            dim = css_color(self.palette().color(QPalette.ColorRole.PlaceholderText))
            for field in (self.tokenOutput, self.urlOutput):
                if field.styleSheet() != f"color: {dim};":  # the dim grey of the new palette
                    field.setStyleSheet(f"color: {dim};")

    def is_stale(self) -> bool:
        return self._stale

    def clear(self) -> None:
        self.set_stale(False)
        self._token = ""
        self._urls = None
        self._decoded = None
        self.timer.stop()
        self.tokenOutput.clear()
        self._set_label(self.expiryCountdown, "", None)
        self._set_label(self.tokenRulesSummary, "", None)
        self._update_links()

    def token(self) -> str:
        return self._token

    def url_kind(self) -> str:
        return str(self.urlKindCombo.currentData())

    def set_url_kind(self, kind: str) -> bool:
        """Select a link kind; False (and nothing changes) for a kind this version does not know,
        e.g. one restored from an older saved form."""
        index = self.urlKindCombo.findData(kind)
        if index < 0:
            return False
        self.urlKindCombo.setCurrentIndex(index)
        return True

    def playback_text(self) -> str:
        """What a playback check of this token asks: its HLS link, which points where the
        token plays; the bare token when there are no links."""
        if not self._token:
            return ""
        return self._urls.hls if self._urls is not None else self._token

    def current_url(self) -> str | None:
        return self._urls.get(self.url_kind()) if self._urls and self._token else None

    def refresh_countdown(self) -> None:
        """Re-read the clock and say until when the token works (the timer calls this)."""
        decoded = self._decoded
        if decoded is None:
            self._set_label(self.expiryCountdown, "", None)
            return
        now = math.floor(self._clock())
        if decoded.nbf is not None and now < decoded.nbf:
            text = (
                f"Not valid before {clock_text(decoded.nbf, now)} · "
                f"starts in {format_duration(decoded.nbf - now)}"
            )
            if decoded.exp is not None:
                text += f" · then works until {clock_text(decoded.exp, now)}"
            self._set_label(self.expiryCountdown, text, Tone.WARNING)
        elif decoded.exp is None:
            self._set_label(self.expiryCountdown, "The token carries no expiry", None)
        elif now < decoded.exp:
            text = (
                f"Works until {clock_text(decoded.exp, now)} · "
                f"{format_duration(decoded.exp - now)} left"
            )
            self._set_label(self.expiryCountdown, text, None)
        else:
            text = f"Expired {format_duration(now - decoded.exp)} ago"
            self._set_label(self.expiryCountdown, text, Tone.ERROR)

    # -- internals --------------------------------------------------------------------------

    def _set_label(self, label: QLabel, text: str, tone: Tone | None) -> None:
        label.setText(text)
        # An empty line would only leave a gap in the Result box before there is a token.
        label.setVisible(bool(text))
        set_tone(label, tone)

    def _update_links(self) -> None:
        has_token = bool(self._token)
        self.copyTokenButton.setEnabled(has_token)
        self.copyTokenButton.setToolTip("Copy the token to the clipboard" if has_token else "")
        self.toolButtons.setVisible(has_token)
        self._update_mp4_item()
        url = self.current_url()
        self.urlOutput.setText(url or "")
        self.urlOutput.setCursorPosition(0)
        reason = self._missing_url_reason()
        # The long reason would be cut off in the field; the tooltip carries it in full.
        short = "Customer code unknown: no links" if reason == NO_CUSTOMER_CODE else reason
        self.urlOutput.setPlaceholderText(short or "Links appear here")
        self.urlOutput.setToolTip(reason)
        self.copyUrlButton.setEnabled(url is not None)
        self.copyUrlButton.setToolTip(
            f"Copy the {copied_name(self.url_kind())} to the clipboard"
            if url is not None
            else self._missing_url_reason()
        )
        can_preview = has_token and self._urls is not None
        self.previewButton.setEnabled(can_preview)
        self.previewButton.setToolTip(
            "Open the watch page in your browser" if can_preview else self._missing_url_reason()
        )
        self.linksChanged.emit()

    def _missing_url_reason(self) -> str:
        if not self._token:
            return ""
        if self._urls is None:
            return NO_CUSTOMER_CODE
        if self._urls.get(self.url_kind()) is None:
            return NOT_DOWNLOADABLE
        return ""

    def _update_mp4_item(self) -> None:
        if self._urls is not None:
            downloadable = self._urls.mp4 is not None
        else:
            downloadable = self._decoded is None or self._decoded.downloadable
        model = cast(QStandardItemModel, self.urlKindCombo.model())
        item = model.item(URL_KINDS.index("mp4"))
        item.setEnabled(downloadable)
        item.setToolTip("" if downloadable else NOT_DOWNLOADABLE)

    def _on_kind_changed(self, _index: int) -> None:
        self._update_links()
        self.urlKindChanged.emit(self.url_kind())

    def _copy_token(self) -> None:
        if self._token:
            copy_secret(self._token, self.clipboard_clear_seconds)
            self.copied.emit(self._old("token"))

    def _copy_url(self) -> None:
        url = self.current_url()
        if url is not None:
            copy_secret(url, self.clipboard_clear_seconds)
            self.copied.emit(self._old(copied_name(self.url_kind())))

    def _old(self, what: str) -> str:
        return f"old {what}" if self._stale else what

    def _preview(self) -> None:
        if self._urls is None or not self._token:
            return
        if not QDesktopServices.openUrl(QUrl(self._urls.watch)):
            self.previewFailed.emit(
                "No browser could be opened for the watch page; copy its URL instead."
            )
