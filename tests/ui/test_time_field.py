"""TimeField: the expiry / not-before picker, driven by an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QDateTimeEdit, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from cfstream_gui.core.timeparse import describe, from_epoch
from cfstream_gui.ui.form.time_field import (
    UNSET_TEXT,
    TimeField,
    TimeKind,
    end_of_today,
    format_duration,
    relative_phrase,
)
from tests.support.clock import FakeClock

NOW = int(datetime(2026, 11, 28, 20, 43, 17, tzinfo=UTC).timestamp())
DAY = 24 * 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW + 0.6)  # a fraction, as time.time() has: values are whole seconds


def make_field(qtbot: QtBot, kind: TimeKind, clock: FakeClock) -> TimeField:
    field = TimeField(kind, clock=clock)
    qtbot.addWidget(field)
    field.show()
    return field


def preset(field: TimeField, text: str) -> QToolButton:
    (button,) = [b for b in field.presets if b.text() == text]
    return button


@pytest.mark.parametrize("kind", ["exp", "nbf"])
def test_unchecked_means_cloudflare_default(qtbot: QtBot, clock: FakeClock, kind: TimeKind) -> None:
    field = make_field(qtbot, kind, clock)
    assert field.value() is None
    assert not field.check.isChecked()
    assert not field.edit.isEnabled()
    assert field.summary.text() == UNSET_TEXT[kind]
    assert "1 hour after" in UNSET_TEXT["exp"] and "1 hour before" in UNSET_TEXT["nbf"]


@pytest.mark.parametrize(("text", "offset"), [("+1 h", 3600), ("+6 h", 6 * 3600), ("+24 h", DAY)])
def test_expiry_presets_count_from_the_clock(
    qtbot: QtBot, clock: FakeClock, text: str, offset: int
) -> None:
    field = make_field(qtbot, "exp", clock)
    with qtbot.waitSignal(field.changed):
        qtbot.mouseClick(preset(field, text), Qt.MouseButton.LeftButton)
    assert field.check.isChecked() and field.edit.isEnabled()
    assert field.value() == NOW + offset


@pytest.mark.parametrize(("text", "offset"), [("Now", 0), ("−5 min", -300), ("+1 h", 3600)])
def test_not_before_presets(qtbot: QtBot, clock: FakeClock, text: str, offset: int) -> None:
    field = make_field(qtbot, "nbf", clock)
    qtbot.mouseClick(preset(field, text), Qt.MouseButton.LeftButton)
    assert field.value() == NOW + offset


def test_end_of_today_is_the_last_local_second_of_the_day(qtbot: QtBot) -> None:
    # Naive datetimes are local time, so this holds whatever zone the machine is in.
    evening = datetime(2026, 11, 28, 18, 30).timestamp()
    field = make_field(qtbot, "exp", FakeClock(evening))
    qtbot.mouseClick(preset(field, "End of today"), Qt.MouseButton.LeftButton)
    assert field.value() == int(datetime(2026, 11, 28, 23, 59, 59).timestamp())
    assert field.edit.text() == "2026-11-28 23:59"


def test_end_of_today_helper_late_in_the_day() -> None:
    late = int(datetime(2026, 11, 28, 23, 59, 30).timestamp())
    assert end_of_today(late) == late + 29


def test_set_value_round_trip_keeps_seconds(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "exp", clock)
    field.set_value(NOW + 5000)
    assert field.value() == NOW + 5000
    assert field.check.isChecked() and field.edit.isEnabled()
    field.set_value(None)
    assert field.value() is None
    assert not field.edit.isEnabled()
    field.set_value(NOW - 42)  # a past expiry is kept; validation says what is wrong with it
    assert field.value() == NOW - 42


def test_summary_reads_the_value_back_with_a_relative_phrase(
    qtbot: QtBot, clock: FakeClock
) -> None:
    field = make_field(qtbot, "exp", clock)
    field.set_value(NOW + 7200)
    assert field.summary.text() == f"{describe(from_epoch(NOW + 7200))} · in 2 h 0 min"
    assert field.timer.isActive() and field.timer.interval() == 30_000
    clock.now += 1800
    field.timer.timeout.emit()
    assert field.summary.text().endswith(" · in 1 h 30 min")
    clock.now += 3 * 3600
    field.timer.timeout.emit()
    assert field.summary.text().endswith(" · 1 h 30 min ago")


def test_expiry_cannot_be_stepped_past_24_hours(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "exp", clock)
    assert field.edit.maximumDateTime().toSecsSinceEpoch() == NOW + DAY
    qtbot.mouseClick(preset(field, "+24 h"), Qt.MouseButton.LeftButton)
    field.edit.setCurrentSection(QDateTimeEdit.Section.HourSection)
    field.edit.stepBy(1)
    assert field.value() == NOW + DAY


def test_expiry_bound_moves_with_the_clock_on_focus(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "exp", clock)
    clock.now += 600
    QApplication.sendEvent(field.edit, QFocusEvent(QEvent.Type.FocusIn))
    assert field.edit.maximumDateTime().toSecsSinceEpoch() == NOW + 600 + DAY


def test_a_value_beyond_24_hours_is_never_silently_clamped(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "exp", clock)
    field.set_value(NOW + 30 * 3600)
    field.refresh()
    QApplication.sendEvent(field.edit, QFocusEvent(QEvent.Type.FocusIn))
    assert field.value() == NOW + 30 * 3600


def test_not_before_has_no_24_hour_bound(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "nbf", clock)
    field.set_value(NOW + 3 * DAY)
    assert field.value() == NOW + 3 * DAY


@pytest.mark.parametrize(("kind", "offset"), [("exp", 3600), ("nbf", 0)])
def test_checking_the_box_starts_from_a_fresh_default(
    qtbot: QtBot, clock: FakeClock, kind: TimeKind, offset: int
) -> None:
    field = make_field(qtbot, kind, clock)
    clock.now += 5000  # the window has been open a while
    with qtbot.waitSignal(field.changed):
        qtbot.mouseClick(field.check, Qt.MouseButton.LeftButton)
    assert field.value() == NOW + 5000 + offset


def test_unchecking_keeps_the_chosen_time_for_later(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "exp", clock)
    field.set_value(NOW + 4000)
    field.check.setChecked(False)
    clock.now += 100
    field.check.setChecked(True)
    assert field.value() == NOW + 4000


def test_changed_fires_only_when_the_value_changes(qtbot: QtBot, clock: FakeClock) -> None:
    field = make_field(qtbot, "exp", clock)
    seen: list[int | None] = []
    field.changed.connect(lambda: seen.append(field.value()))
    field.set_value(NOW + 3600)
    field.set_value(NOW + 3600)
    field.set_value(None)
    assert seen == [NOW + 3600, None]


def test_object_and_accessible_names(qtbot: QtBot, clock: FakeClock) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    field = TimeField("exp", clock=clock, parent=parent)
    assert parent.findChild(QDateTimeEdit, "expiryEdit") is field.edit
    field.set_object_names("tokenExpiryEdit", "tokenExpiryEnabledCheck")
    assert parent.findChild(QDateTimeEdit, "tokenExpiryEdit") is field.edit
    assert parent.findChild(QCheckBox, "tokenExpiryEnabledCheck") is field.check
    assert parent.findChild(QToolButton, "tokenExpiryPresetPlus24h") is preset(field, "+24 h")
    for child in [field.check, field.edit, *field.presets]:
        assert child.objectName() and child.accessibleName()
    assert field.edit.calendarPopup()
    assert field.edit.displayFormat() == "yyyy-MM-dd HH:mm"


def test_duration_phrases() -> None:
    assert format_duration(59) == "less than a minute"
    assert format_duration(59 * 60 + 59) == "59 min"
    assert format_duration(7200) == "2 h 0 min"
    assert format_duration(3 * DAY + 7200) == "3 d 2 h"
    assert relative_phrase(NOW + 180, NOW) == "in 3 min"
    assert relative_phrase(NOW - 180, NOW) == "3 min ago"
    assert relative_phrase(NOW, NOW) == "now"
