"""The window's tables as a user reads them: a selected row stays readable whatever marks its
cells carry, an empty table already has the columns its rows will need, and key dates say
which time zone they are in."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from cfstream_gui.core.keys.inventory import KeyRow, KeyState
from cfstream_gui.core.keys.service import KeyService
from cfstream_gui.core.models import AccessRule
from cfstream_gui.ui.batch.results import ResultsModel, results_table
from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.common.widgets import ReadableDelegate
from cfstream_gui.ui.keys.keys_model import KeysModel
from cfstream_gui.ui.result_panel import clock_text
from cfstream_gui.ui.rules.editor import RulesEditor

HEX_ID = "0123456789abcdef" * 2


def style_option(table: QTableView, index: QModelIndex, *, selected: bool) -> QStyleOptionViewItem:
    """What the cell's delegate hands the style to paint it with."""
    delegate = table.itemDelegateForIndex(index)
    assert isinstance(delegate, ReadableDelegate)
    option = QStyleOptionViewItem()
    option.palette = table.palette()
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    delegate.initStyleOption(option, index)
    return option


def assert_readable_when_selected(table: QTableView, index: QModelIndex) -> None:
    plain = style_option(table, index, selected=False)
    chosen = style_option(table, index, selected=True)
    highlighted = table.palette().color(QPalette.ColorRole.HighlightedText)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        assert chosen.palette.color(group, QPalette.ColorRole.Text) == highlighted
    assert chosen.backgroundBrush.style() == Qt.BrushStyle.NoBrush
    # Unselected, the cell keeps its own marks.
    marks = plain.palette.color(QPalette.ColorRole.Text) != highlighted
    assert marks or plain.backgroundBrush.style() != Qt.BrushStyle.NoBrush


def test_a_selected_rule_with_a_warning_tint_reads_in_highlighted_text(qtbot: QtBot) -> None:
    editor = RulesEditor()
    qtbot.addWidget(editor)
    editor.set_rules([AccessRule("allow", "ip.src", ("198.51.100.0/24",))])  # IPv4 only: amber
    for column in range(3):
        index = editor.model.index(0, column)
        if column == 2:
            assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
        assert_readable_when_selected(editor.table, index)


def test_a_selected_any_rule_does_not_keep_its_grey_placeholder_text(qtbot: QtBot) -> None:
    editor = RulesEditor()
    qtbot.addWidget(editor)
    editor.set_rules([AccessRule("block", "any")])
    index = editor.model.index(0, 2)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert_readable_when_selected(editor.table, index)


def test_a_selected_key_in_amber_reads_in_highlighted_text(qtbot: QtBot) -> None:
    table = QTableView()
    qtbot.addWidget(table)
    model = KeysModel(table.palette(), table)
    model.set_rows([KeyRow(HEX_ID, None, KeyState.ORPHANED)])
    table.setModel(model)
    table.setItemDelegate(ReadableDelegate(table))
    index = model.index(0, 2)
    assert isinstance(index.data(Qt.ItemDataRole.ForegroundRole), QColor)
    assert_readable_when_selected(table, index)


@pytest.fixture
def local_zone() -> Iterator[None]:
    """Local time five hours behind UTC (a POSIX rule: no tz database needed)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "ABC+5"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_key_creation_times_are_in_utc_and_say_so(qapp: QApplication, local_zone: None) -> None:
    model = KeysModel(qapp.palette())
    made = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)  # still March 3rd at five hours behind
    model.set_rows([KeyRow(HEX_ID, made, KeyState.HELD)])
    assert model.index(0, 1).data() == "2026-03-04 02:30 UTC"


def test_empty_tables_already_have_room_for_their_rows(qtbot: QtBot, local_zone: None) -> None:
    from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog

    mono = QFontMetrics(monospace_font()).horizontalAdvance(HEX_ID)
    batch = results_table(ResultsModel(time.time))
    qtbot.addWidget(batch)
    assert batch.model().rowCount() == 0
    assert batch.horizontalHeader().sectionSize(1) > mono  # a video ID fits
    widest = clock_text(1_790_000_000, 1_790_000_000 + 3 * 86_400)  # both dates, local and UTC
    assert "local" in widest
    stamp = QFontMetrics(batch.font()).horizontalAdvance(widest)
    assert batch.horizontalHeader().sectionSize(3) > stamp

    async def no_service() -> KeyService:
        raise AssertionError("an unshown dialog asks for nothing")

    dialog = SigningKeysDialog(no_service)  # never shown: its table stays empty
    qtbot.addWidget(dialog)
    keys = dialog.table
    assert keys.model().rowCount() == 0
    assert keys.horizontalHeader().sectionSize(0) > mono  # a key ID fits
    created = QFontMetrics(keys.font()).horizontalAdvance("2026-12-01 12:00 UTC")
    assert keys.horizontalHeader().sectionSize(1) > created
