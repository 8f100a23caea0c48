"""RulesModel driven the way a view and its delegates drive it: plain strings through setData,
row operations, and drag-and-drop through mimeData/dropMimeData."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QBrush, QIcon
from pytestqt.qtbot import QtBot

from cfstream_gui.core.models import MAX_RULES, AccessRule
from cfstream_gui.core.validation import Severity
from cfstream_gui.ui.rules.cells import ANY_VALUES_TEXT, ERROR_BACKGROUND, WARNING_BACKGROUND
from cfstream_gui.ui.rules.model import RulesModel

EDIT = Qt.ItemDataRole.EditRole
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
ROOT = QModelIndex()

US_MX = AccessRule("allow", "ip.geoip.country", ("US", "MX"))
OFFICE = AccessRule("allow", "ip.src", ("93.184.216.0/24", "2400:cb00::/32"))
BLOCK_ALL = AccessRule("block", "any", ())


@pytest.fixture
def model(qapp: object) -> RulesModel:
    return RulesModel()


def filled(*rules: AccessRule) -> RulesModel:
    model = RulesModel()
    model.set_rules(rules)
    return model


def column_text(model: RulesModel, column: int) -> list[str]:
    return [model.index(row, column).data(DISPLAY) for row in range(model.rowCount())]


def test_headers_name_the_columns_and_number_the_rules_in_order(qapp: object) -> None:
    model = filled(US_MX, OFFICE, BLOCK_ALL)
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal, DISPLAY) for c in range(3)] == [
        "Action",
        "Type",
        "Values",
    ]
    assert [model.headerData(r, Qt.Orientation.Vertical, DISPLAY) for r in range(3)] == [
        "1",
        "2",
        "3",
    ]
    assert "checked first" in model.headerData(0, Qt.Orientation.Vertical, TOOLTIP)


def test_insert_rows_adds_country_rules_that_still_need_values(model: RulesModel) -> None:
    assert model.insertRows(0, 2)
    assert model.rules() == (AccessRule("allow", "ip.geoip.country", ()),) * 2
    assert column_text(model, 0) == ["Allow", "Allow"]
    assert column_text(model, 1) == ["country", "country"]
    missing = [p for p in model.problems() if p.severity is Severity.ERROR]
    assert [(p.rule_index, p.column) for p in missing] == [(0, "values"), (1, "values")]
    assert "add at least one" in model.index(0, 2).data(TOOLTIP)


def test_set_data_takes_plain_strings_for_every_column(model: RulesModel) -> None:
    model.insertRows(0, 2)
    assert model.setData(model.index(0, 2), "US, mx", EDIT)
    assert model.setData(model.index(1, 0), "block", EDIT)
    assert model.setData(model.index(1, 1), "ip", EDIT)  # alias for ip.src
    assert model.setData(model.index(1, 2), "93.184.216.0/24, 2400:cb00::/32", EDIT)
    assert model.rules() == (
        US_MX,
        AccessRule("block", "ip.src", ("93.184.216.0/24", "2400:cb00::/32")),
    )
    assert model.index(1, 1).data(DISPLAY) == "IP address or range"
    assert model.index(1, 1).data(EDIT) == "ip.src"
    assert model.index(0, 2).data(EDIT) == "US, MX"
    assert model.problems() == []


def test_country_values_show_codes_and_name_the_countries_in_the_tooltip(qapp: object) -> None:
    model = filled(AccessRule("allow", "country", ("us", " mx ")))
    model.setData(model.index(0, 2), "us  mx,de", EDIT)
    assert model.index(0, 2).data(DISPLAY) == "US, MX, DE"
    tooltip = model.index(0, 2).data(TOOLTIP)
    assert "US — United States" in tooltip
    assert "DE — Germany" in tooltip


def test_action_and_type_are_normalised(model: RulesModel) -> None:
    model.insertRows(0, 1)
    model.setData(model.index(0, 0), " BLOCK ", EDIT)
    model.setData(model.index(0, 1), "Country", EDIT)
    rule = model.rules()[0]
    assert (rule.action, rule.type) == ("block", "ip.geoip.country")
    assert model.index(0, 0).data(DISPLAY) == "Block"


def test_invalid_values_are_kept_and_marked_with_the_reason(model: RulesModel) -> None:
    model.insertRows(0, 1)
    model.setData(model.index(0, 1), "ip.src", EDIT)
    model.setData(model.index(0, 2), "10.0.0.1/24, 2001:db8::/32", EDIT)
    assert model.rules()[0].values == ("10.0.0.1/24", "2001:db8::/32")
    cell = model.index(0, 2)
    assert "10.0.0.0/24" in cell.data(TOOLTIP)  # says what the network would be
    background = cell.data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color() == ERROR_BACKGROUND
    icon = cell.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    # The other cells of the rule are fine and stay unmarked.
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, 0).data(TOOLTIP) is None


def test_unknown_action_and_country_are_kept_and_explained(model: RulesModel) -> None:
    model.insertRows(0, 1)
    model.setData(model.index(0, 0), "deny", EDIT)
    model.setData(model.index(0, 2), "US, ZZ", EDIT)
    assert model.rules() == (AccessRule("deny", "ip.geoip.country", ("US", "ZZ")),)
    assert model.index(0, 0).data(DISPLAY) == "deny"
    assert "'deny' is not valid" in model.index(0, 0).data(TOOLTIP)
    assert "ZZ is not an ISO 3166-1 country code" in model.index(0, 2).data(TOOLTIP)
    columns = {p.column for p in model.problems() if p.severity is Severity.ERROR}
    assert columns == {"action", "values"}


def test_warnings_are_amber_not_red(qapp: object) -> None:
    # A rule after an `any` rule can never match: a warning on the whole rule.
    model = filled(BLOCK_ALL, US_MX)
    background = model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert background.color() == WARNING_BACKGROUND
    assert "never used" in model.index(1, 2).data(TOOLTIP)
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_switching_to_any_clears_values_and_switching_back_restores_them(
    model: RulesModel,
) -> None:
    model.insertRows(0, 1)
    model.setData(model.index(0, 2), "US, MX", EDIT)
    model.setData(model.index(0, 1), "any", EDIT)
    assert model.rules() == (AccessRule("allow", "any", ()),)
    assert model.index(0, 2).data(DISPLAY) == ANY_VALUES_TEXT
    assert not model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, 2), "DE", EDIT)
    model.setData(model.index(0, 1), "ip.geoip.country", EDIT)
    assert model.rules() == (US_MX,)
    assert model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


def test_switching_type_keeps_values_that_fit_the_new_type(model: RulesModel) -> None:
    # Typed an address first, then noticed the rule was still of type country.
    model.insertRows(0, 1)
    model.setData(model.index(0, 2), "203.0.113.0/24", EDIT)
    model.setData(model.index(0, 1), "ip.src", EDIT)
    assert model.rules()[0].values == ("203.0.113.0/24",)
    # Country codes do not fit an IP rule; they come back when the type does.
    model.setData(model.index(0, 1), "country", EDIT)
    model.setData(model.index(0, 2), "DE", EDIT)
    model.setData(model.index(0, 1), "ip.src", EDIT)
    assert model.rules()[0].values == ("203.0.113.0/24",)
    model.setData(model.index(0, 1), "country", EDIT)
    assert model.rules()[0].values == ("DE",)


def test_insert_refuses_to_go_beyond_five_rules(model: RulesModel) -> None:
    assert model.insertRows(0, MAX_RULES - 1)
    assert not model.insertRows(0, 2)
    assert model.insertRows(MAX_RULES - 1, 1)
    assert not model.insertRows(MAX_RULES, 1)
    assert model.rowCount() == MAX_RULES
    assert not model.can_add()


def test_remove_rows(qapp: object) -> None:
    model = filled(US_MX, OFFICE, BLOCK_ALL)
    assert model.removeRows(1, 1)
    assert model.rules() == (US_MX, BLOCK_ALL)
    assert not model.removeRows(2, 1)
    assert model.rules() == (US_MX, BLOCK_ALL)


def test_move_rows_uses_destination_before_the_move(qtbot: QtBot) -> None:
    model = filled(US_MX, OFFICE, BLOCK_ALL)
    with qtbot.waitSignal(model.rowsMoved):
        assert model.moveRows(ROOT, 0, 1, ROOT, 3)  # first to last
    assert model.rules() == (OFFICE, BLOCK_ALL, US_MX)
    assert model.moveRows(ROOT, 2, 1, ROOT, 0)  # last to first
    assert model.rules() == (US_MX, OFFICE, BLOCK_ALL)
    assert not model.moveRows(ROOT, 1, 1, ROOT, 1)  # onto itself: nothing to do
    assert not model.moveRows(ROOT, 1, 1, ROOT, 2)
    assert model.rules() == (US_MX, OFFICE, BLOCK_ALL)


def test_problems_renumber_when_rules_move(qapp: object) -> None:
    model = filled(US_MX, AccessRule("allow", "ip.src", ("not-an-ip",)))
    assert [p.rule_index for p in model.problems() if p.severity is Severity.ERROR] == [1]
    model.moveRows(ROOT, 1, 1, ROOT, 0)
    bad = [p for p in model.problems() if p.severity is Severity.ERROR]
    assert [p.rule_index for p in bad] == [0]
    assert bad[0].message.startswith("Rule 1")
    assert model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole) is None


def test_drag_and_drop_moves_whole_rows(qapp: object) -> None:
    model = filled(US_MX, OFFICE, BLOCK_ALL)
    flags = model.flags(model.index(0, 1))
    assert flags & Qt.ItemFlag.ItemIsDragEnabled and flags & Qt.ItemFlag.ItemIsDropEnabled
    assert model.supportedDropActions() == Qt.DropAction.MoveAction
    # Dragging a row hands over all its cells; dropping it between rows 2 and 3.
    dragged = [model.index(0, column) for column in range(3)]
    mime = model.mimeData(dragged)
    assert mime.hasFormat(model.mimeTypes()[0])
    move = Qt.DropAction.MoveAction
    assert model.canDropMimeData(mime, move, 2, 0, ROOT)
    assert model.dropMimeData(mime, move, 2, 0, ROOT)
    assert model.rules() == (OFFICE, US_MX, BLOCK_ALL)
    # Dropped below the last row (no row, no parent): goes to the end.
    assert model.dropMimeData(model.mimeData([model.index(0, 0)]), move, -1, -1, ROOT)
    assert model.rules() == (US_MX, BLOCK_ALL, OFFICE)
    # Dropped onto a rule further up: takes that rule's place.
    assert model.dropMimeData(model.mimeData([model.index(2, 0)]), move, -1, -1, model.index(0, 0))
    assert model.rules() == (OFFICE, US_MX, BLOCK_ALL)


def test_drops_that_are_not_this_models_rows_are_refused(qapp: object) -> None:
    model = filled(US_MX, OFFICE)
    other = filled(BLOCK_ALL, US_MX)
    foreign = other.mimeData([other.index(1, 0)])
    move = Qt.DropAction.MoveAction
    assert not model.canDropMimeData(foreign, move, 0, 0, ROOT)
    assert not model.dropMimeData(foreign, move, 0, 0, ROOT)
    text = QMimeData()
    text.setText("1")
    assert not model.dropMimeData(text, move, 0, 0, ROOT)
    own = model.mimeData([model.index(1, 0)])
    assert not model.dropMimeData(own, Qt.DropAction.CopyAction, 0, 0, ROOT)
    assert model.rules() == (US_MX, OFFICE)


def test_rules_changed_is_emitted_on_every_kind_of_change(qtbot: QtBot) -> None:
    model = RulesModel()
    changes: list[Callable[[], object]] = [
        lambda: model.insertRows(0, 2),
        lambda: model.setData(model.index(0, 2), "US", EDIT),
        lambda: model.setData(model.index(1, 0), "block", EDIT),
        lambda: model.setData(model.index(1, 1), "any", EDIT),
        lambda: model.moveRows(ROOT, 1, 1, ROOT, 0),
        lambda: model.removeRows(0, 1),
        lambda: model.set_rules([OFFICE]),
    ]
    for change in changes:
        with qtbot.waitSignal(model.rulesChanged, timeout=1000):
            change()
    assert model.rules() == (OFFICE,)


def test_setting_the_same_value_again_is_not_a_change(qtbot: QtBot) -> None:
    model = filled(US_MX)
    with qtbot.assertNotEmitted(model.rulesChanged):
        model.setData(model.index(0, 2), "us, mx", EDIT)
        model.setData(model.index(0, 1), "country", EDIT)
    assert model.rules() == (US_MX,)


def test_problems_include_list_lints(qapp: object) -> None:
    model = filled(US_MX)
    lints = [p for p in model.problems() if p.rule_index is None]
    assert len(lints) == 1 and "block any" in lints[0].message
    model.set_rules([US_MX, BLOCK_ALL])
    assert model.problems() == []


def test_many_changes_do_not_wear_down_pythons_true(qapp: object) -> None:
    # PySide6 6.12.0's emit() drops a reference to True each time; unchecked, a few hundred
    # edits abort the whole app with "bool_dealloc: deallocating True or False".
    model = filled(US_MX, BLOCK_ALL)
    before = sys.getrefcount(True)
    for _ in range(100):
        model.moveRows(ROOT, 0, 1, ROOT, 2)
    assert model.rules() == (US_MX, BLOCK_ALL)
    assert sys.getrefcount(True) >= before
