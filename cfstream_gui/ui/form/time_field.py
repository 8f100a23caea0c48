"""One token time, expiry (`exp`) or not-before (`nbf`): a checkbox, a date-time editor in local
time, quick presets and a line that reads the value back in local time, UTC and "in 2 h 5 min".

Unchecked means "not sent": Cloudflare then applies its own default, and the summary says which.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as day_time
from typing import Literal

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.models import DEFAULT_EXP_SECONDS, MAX_TOKEN_LIFETIME_SECONDS
from cfstream_gui.core.timeparse import describe, from_epoch

TimeKind = Literal["exp", "nbf"]

DISPLAY_FORMAT = "yyyy-MM-dd HH:mm"
REFRESH_INTERVAL_MS = 30_000

UNSET_TEXT: dict[TimeKind, str] = {
    "exp": "Not set: Cloudflare's default (1 hour after the token is made)",
    # One line beside the result column: what it means, and why Cloudflare does it.
    "nbf": "Not set: Cloudflare's default (1 hour before it is made, for clock skew)",
}


def format_duration(seconds: int) -> str:
    """'2 h 0 min', '59 min', 'less than a minute': rounded down, so a countdown never
    promises more time than is left."""
    seconds = abs(seconds)
    if seconds < 60:
        return "less than a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def relative_phrase(target: int, now: int) -> str:
    """'in 2 h 0 min', '3 min ago' or 'now'."""
    delta = target - now
    if delta == 0:
        return "now"
    if delta > 0:
        return f"in {format_duration(delta)}"
    return f"{format_duration(delta)} ago"


def end_of_today(now: int) -> int:
    """The last second of the local calendar day that contains `now`."""
    today = datetime.fromtimestamp(now).date()
    # A naive datetime's timestamp() is read in local time, which is what "today" means here.
    next_midnight = datetime.combine(today + timedelta(days=1), day_time())
    return math.floor(next_midnight.timestamp()) - 1


@dataclass(frozen=True)
class _Preset:
    text: str
    name: str  # objectName suffix
    accessible: str
    tooltip: str
    compute: Callable[[int], int]  # now (epoch seconds) -> value


_EXP_PRESETS = (
    _Preset("+1 h", "Plus1h", "Expire in 1 hour", "Expire one hour from now", lambda n: n + 3600),
    _Preset(
        "+6 h", "Plus6h", "Expire in 6 hours", "Expire six hours from now", lambda n: n + 6 * 3600
    ),
    _Preset(
        "+24 h",
        "Plus24h",
        "Expire in 24 hours",
        "Expire 24 hours from now, the longest Cloudflare allows",
        lambda n: n + MAX_TOKEN_LIFETIME_SECONDS,
    ),
    _Preset(
        "End of today",
        "EndOfToday",
        "Expire at the end of today",
        "Expire at 23:59 local time today (at most 24 hours from now)",
        lambda n: min(end_of_today(n), n + MAX_TOKEN_LIFETIME_SECONDS),
    ),
)
_NBF_PRESETS = (
    _Preset("Now", "Now", "Valid from now", "Valid from this moment", lambda n: n),
    _Preset(
        "−5 min",
        "Minus5m",
        "Valid from 5 minutes ago",
        "Valid from five minutes ago, which tolerates a viewer's clock running slow",
        lambda n: n - 300,
    ),
    _Preset(
        "+1 h",
        "Plus1h",
        "Valid from 1 hour from now",
        "Valid one hour from now",
        lambda n: n + 3600,
    ),
)

# Per kind: default object-name prefix, checkbox text, what a screen reader calls the editor.
_NAMES: dict[TimeKind, tuple[str, str, str]] = {
    "exp": ("expiry", "Set expiry", "Expiry time"),
    "nbf": ("nbf", "Set not-before", "Not-before time"),
}


class TimeField(QWidget):
    """A token time in epoch seconds, or None for "let Cloudflare decide"."""

    changed = Signal()

    def __init__(
        self,
        kind: TimeKind,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if kind not in _NAMES:
            raise ValueError(f"TimeField kind must be 'exp' or 'nbf', not {kind!r}.")
        self.kind: TimeKind = kind
        self._clock = clock
        # Whether the editor holds a value someone chose; until then checking the box starts
        # from a fresh default rather than a time computed when the window opened.
        self._touched = False
        self._programmatic = False
        self._last_value: int | None = None
        prefix, check_text, edit_label = _NAMES[kind]

        self.check = QCheckBox(check_text)
        self.check.setAccessibleName(check_text)
        self.edit = QDateTimeEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DISPLAY_FORMAT)
        self.edit.setAccessibleName(f"{edit_label} (local)")
        self.edit.setToolTip("Local time; the line below shows it in UTC too")
        self.edit.setEnabled(False)
        self.edit.installEventFilter(self)
        self.presets: list[QToolButton] = [self._make_preset(p) for p in self._preset_specs()]
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(f"{edit_label} summary")
        self._layout()
        self.set_object_names(f"{prefix}Edit", f"{prefix}EnabledCheck")

        self._set_edit_epoch(self._default_value(self._now()))
        self.check.toggled.connect(self._on_toggled)
        self.edit.dateTimeChanged.connect(self._on_edit_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    # -- public API -------------------------------------------------------------------------

    def value(self) -> int | None:
        """Epoch seconds, or None when the box is unchecked (Cloudflare's default applies)."""
        if not self.check.isChecked():
            return None
        return self.edit.dateTime().toSecsSinceEpoch()

    def set_value(self, epoch: int | None) -> None:
        if epoch is None:
            self.check.setChecked(False)
            return
        self._touched = True
        self._set_edit_epoch(epoch)
        self.check.setChecked(True)
        self._after_change()

    def set_object_names(self, edit_name: str, check_name: str) -> None:
        """Name the editor and checkbox (the window uses e.g. expiryEdit / expiryEnabledCheck);
        the presets and summary follow the editor's prefix."""
        self.edit.setObjectName(edit_name)
        self.check.setObjectName(check_name)
        prefix = edit_name.removesuffix("Edit")
        for button, spec in zip(self.presets, self._preset_specs(), strict=True):
            button.setObjectName(f"{prefix}Preset{spec.name}")
        self.summary.setObjectName(f"{prefix}Summary")

    def focus_order(self) -> list[QWidget]:
        return [self.check, self.edit, *self.presets]

    def refresh(self) -> None:
        """Re-read the clock: the editor's upper bound and the "in 2 h" phrase move with it."""
        self._update_range()
        self._update_summary()

    # -- internals --------------------------------------------------------------------------

    def _preset_specs(self) -> tuple[_Preset, ...]:
        return _EXP_PRESETS if self.kind == "exp" else _NBF_PRESETS

    def _make_preset(self, spec: _Preset) -> QToolButton:
        button = QToolButton()
        button.setText(spec.text)
        button.setAccessibleName(spec.accessible)
        button.setToolTip(spec.tooltip)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.clicked.connect(lambda _checked=False, s=spec: self._apply_preset(s))
        return button

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.check)
        row.addWidget(self.edit)
        for button in self.presets:
            row.addWidget(button)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addLayout(row)
        outer.addWidget(self.summary)

    def _now(self) -> int:
        return math.floor(self._clock())

    def _default_value(self, now: int) -> int:
        # What the editor offers when the box is first checked: Cloudflare's own default for
        # expiry, so checking the box alone changes nothing; "now" for not-before.
        return now + DEFAULT_EXP_SECONDS if self.kind == "exp" else now

    def _apply_preset(self, spec: _Preset) -> None:
        self.set_value(spec.compute(self._now()))
        self.refresh()

    def _set_edit_epoch(self, epoch: int) -> None:
        self._programmatic = True
        try:
            # Widen the bound first: QDateTimeEdit would otherwise clamp the value silently.
            moment = QDateTime.fromSecsSinceEpoch(epoch)
            if self.edit.maximumDateTime() < moment:
                self.edit.setMaximumDateTime(moment)
            self.edit.setDateTime(moment)
        finally:
            self._programmatic = False

    def _update_range(self) -> None:
        if self.kind != "exp":
            return
        limit = QDateTime.fromSecsSinceEpoch(self._now() + MAX_TOKEN_LIFETIME_SECONDS)
        # Never below what the editor already holds: lowering the bound would rewrite a value
        # the user typed. Validation says when such a value is too far out.
        current = self.edit.dateTime()
        self._programmatic = True
        try:
            self.edit.setMaximumDateTime(max(limit, current))
        finally:
            self._programmatic = False

    def _on_toggled(self, checked: bool) -> None:
        if checked and not self._touched:
            self._set_edit_epoch(self._default_value(self._now()))
        self.edit.setEnabled(checked)
        self._after_change()

    def _on_edit_changed(self, _moment: QDateTime) -> None:
        if not self._programmatic:
            self._touched = True
        self._after_change()

    def _after_change(self) -> None:
        self._update_summary()
        value = self.value()
        if value != self._last_value:
            self._last_value = value
            self.changed.emit()

    def _update_summary(self) -> None:
        value = self.value()
        if value is None:
            self.summary.setText(UNSET_TEXT[self.kind])
            return
        phrase = relative_phrase(value, self._now())
        self.summary.setText(f"{describe(from_epoch(value))} · {phrase}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusIn:
            self._update_range()
        return super().eventFilter(watched, event)
