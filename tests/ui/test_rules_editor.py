"""RulesEditor as a user works it: buttons, selection, the counter, the problem list, and
editing cells through the delegates' real editors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from cfstream_gui.core.models import MAX_RULES, AccessRule
from cfstream_gui.ui.rules.delegates import COUNTRY_PLACEHOLDER, IP_PLACEHOLDER, ValuesEdit
from cfstream_gui.ui.rules.editor import RulesEditor

US = AccessRule("allow", "ip.geoip.country", ("US",))
OFFICE = AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32"))
BLOCK_ALL = AccessRule("block", "any", ())


@pytest.fixture
def editor(qtbot: QtBot) -> RulesEditor:
    widget = RulesEditor()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_editor(editor: RulesEditor, row: int, column: int) -> QWidget:
    index = editor.model.index(row, column)
    editor.table.setCurrentIndex(index)
    editor.table.edit(index)
    widget = editor.table.indexWidget(index)
    assert widget is not None, "no editor opened"
    return widget


def test_add_five_times_reaches_the_cap(qtbot: QtBot, editor: RulesEditor) -> None:
    assert editor.count_label.text() == "0 of 5 rules"
    for _ in range(MAX_RULES):
        click(qtbot, editor.add_button)
    assert editor.model.rowCount() == MAX_RULES
    assert editor.count_label.text() == "5 of 5 rules"
    assert not editor.add_button.isEnabled()
    assert "at most 5" in editor.add_button.toolTip()
    assert editor.selected_row() == MAX_RULES - 1  # the newest rule is selected
    click(qtbot, editor.add_button)  # a disabled button does nothing
    assert editor.model.rowCount() == MAX_RULES
    editor.model.removeRows(0, 1)
    assert editor.add_button.isEnabled()
    assert editor.count_label.text() == "4 of 5 rules"


def test_move_up_and_down_reorder_and_keep_the_rule_selected(
    qtbot: QtBot, editor: RulesEditor
) -> None:
    editor.set_rules([US, OFFICE, BLOCK_ALL])
    assert not editor.up_button.isEnabled() and not editor.down_button.isEnabled()
    editor.select_row(1)
    click(qtbot, editor.up_button)
    assert editor.rules() == (OFFICE, US, BLOCK_ALL)
    assert editor.selected_row() == 0
    assert not editor.up_button.isEnabled()
    assert editor.down_button.isEnabled()
    click(qtbot, editor.down_button)
    click(qtbot, editor.down_button)
    assert editor.rules() == (US, BLOCK_ALL, OFFICE)
    assert editor.selected_row() == 2
    assert not editor.down_button.isEnabled()


def test_remove_deletes_the_selected_rule(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([US, OFFICE, BLOCK_ALL])
    assert not editor.remove_button.isEnabled()
    editor.select_row(1)
    assert editor.remove_button.isEnabled()
    click(qtbot, editor.remove_button)
    assert editor.rules() == (US, BLOCK_ALL)
    assert editor.count_label.text() == "2 of 5 rules"
    assert editor.selected_row() == 1  # the rule that moved into its place
    click(qtbot, editor.remove_button)
    click(qtbot, editor.remove_button)
    assert editor.rules() == ()
    assert not editor.remove_button.isEnabled()


def test_problem_list_names_the_network_of_a_bad_cidr(editor: RulesEditor) -> None:
    editor.set_rules([AccessRule("allow", "ip.src", ("10.0.0.1/24", "2001:db8::/32")), BLOCK_ALL])
    text = editor.problems_label.text()
    assert "Rule 1: 10.0.0.1/24 has host bits set; the network is 10.0.0.0/24" in text
    assert "Error" in text
    assert editor.problems_label.isVisible()
    editor.model.setData(editor.model.index(0, 2), "10.0.0.0/24, 2001:db8::/32")
    assert "host bits" not in editor.problems_label.text()
    # Fixed, but a private range still earns a warning.
    assert "Warning" in editor.problems_label.text()
    assert "private" in editor.problems_label.text()


def test_problem_list_is_empty_and_hidden_for_good_rules(editor: RulesEditor) -> None:
    editor.set_rules([US, BLOCK_ALL])
    assert editor.problems() == []
    assert editor.problems_label.text() == ""
    assert not editor.problems_label.isVisible()


def test_typing_values_through_the_delegate_updates_the_model(
    qtbot: QtBot, editor: RulesEditor
) -> None:
    click(qtbot, editor.add_button)
    line = open_editor(editor, 0, 2)
    assert isinstance(line, ValuesEdit)
    assert line.placeholderText() == COUNTRY_PLACEHOLDER
    assert line.is_invalid()  # a country rule without countries: says what to do
    with qtbot.waitSignal(editor.rulesChanged):
        qtbot.keyClicks(line, "us  mx")
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert editor.rules() == (AccessRule("allow", "ip.geoip.country", ("US", "MX")),)
    assert editor.table.indexWidget(editor.model.index(0, 2)) is None  # editor closed


def test_values_editor_turns_red_while_invalid(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([AccessRule("allow", "ip.src", ("203.0.113.0/24",))])
    line = open_editor(editor, 0, 2)
    assert isinstance(line, QLineEdit)
    assert line.placeholderText() == IP_PLACEHOLDER
    line.clear()
    qtbot.keyClicks(line, "10.0.0.1/24")
    assert line.property("invalid") is True
    assert "border" in line.styleSheet()
    assert "10.0.0.0/24" in line.toolTip()
    line.clear()
    qtbot.keyClicks(line, "198.51.100.0/24, 2001:db8::/32")
    assert line.property("invalid") is False
    assert line.styleSheet() == ""
    # Invalid text is still committed, so the table can show it with its explanation.
    line.setText("300.1.2.3")
    with qtbot.waitSignal(editor.rulesChanged):  # the view commits on its next event
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert editor.rules()[0].values == ("300.1.2.3",)
    assert "300.1.2.3" in editor.problems_label.text()


def test_country_completion_offers_names_and_inserts_the_code(
    qtbot: QtBot, editor: RulesEditor
) -> None:
    editor.set_rules([US])
    line = open_editor(editor, 0, 2)
    assert isinstance(line, ValuesEdit)
    line.end(False)
    qtbot.keyClicks(line, ", germ")
    entries = line.completer_popup_entries()
    assert entries[0] == "DE — Germany"
    completer = line.country_completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None and popup.isVisible()
    popup.setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert line.text() == "US, DE"
    with qtbot.waitSignal(editor.rulesChanged):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert editor.rules() == (AccessRule("allow", "ip.geoip.country", ("US", "DE")),)


def test_exact_code_is_offered_first(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([US])
    line = open_editor(editor, 0, 2)
    assert isinstance(line, ValuesEdit)
    line.clear()
    qtbot.keyClicks(line, "de")
    assert line.completer_popup_entries()[0] == "DE — Germany"
    line.accept_suggestion("DE")
    assert line.text() == "DE"


def test_action_combo_commits_on_selection(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([US])
    combo = open_editor(editor, 0, 0)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Allow", "Block"]
    assert combo.currentText() == "Allow"
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # picks "Block", as choosing it in the list does
    assert editor.rules() == (AccessRule("block", "ip.geoip.country", ("US",)),)
    assert editor.table.indexWidget(editor.model.index(0, 0)) is None


def test_type_combo_switches_to_any_and_back(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([US])
    combo = open_editor(editor, 0, 1)
    assert isinstance(combo, QComboBox)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["any viewer", "IP address or range", "country"]
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # first entry: any viewer
    assert editor.rules() == (AccessRule("allow", "any", ()),)
    assert editor.model.index(0, 2).data() == "— (matches every viewer)"
    combo = open_editor(editor, 0, 1)
    assert isinstance(combo, QComboBox)
    qtbot.keyClick(combo, Qt.Key.Key_End)  # last entry: country
    assert editor.rules() == (US,)


def test_five_rules_fit_without_scrolling(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([US] * MAX_RULES)
    editor.resize(editor.minimumSizeHint().width() + 200, editor.minimumSizeHint().height())
    qtbot.waitUntil(lambda: editor.table.verticalScrollBar().maximum() == 0, timeout=2000)
    last = editor.table.visualRect(editor.model.index(MAX_RULES - 1, 2))
    assert last.bottom() <= editor.table.viewport().height()


def test_every_interactive_widget_is_named_for_assistive_tech(editor: RulesEditor) -> None:
    widgets: list[QWidget] = [
        editor.table,
        editor.add_button,
        editor.remove_button,
        editor.up_button,
        editor.down_button,
    ]
    names = {w.objectName() for w in widgets}
    assert names == {
        "rulesTable",
        "addRuleButton",
        "removeRuleButton",
        "moveRuleUpButton",
        "moveRuleDownButton",
    }
    assert all(w.accessibleName() for w in widgets)
    assert editor.table.accessibleName() == "Access rules"
    assert editor.findChild(QWidget, "ruleCountLabel") is editor.count_label
    assert editor.findChild(QWidget, "ruleProblemsLabel") is editor.problems_label
    assert "first match decides" in editor.hint_label.text()


def test_rules_changed_and_selection_follow_a_drop(qtbot: QtBot, editor: RulesEditor) -> None:
    editor.set_rules([US, OFFICE, BLOCK_ALL])
    editor.select_row(0)
    model = editor.model
    mime = model.mimeData([model.index(0, c) for c in range(3)])
    with qtbot.waitSignal(editor.rulesChanged):
        model.dropMimeData(mime, Qt.DropAction.MoveAction, 2, 0, QModelIndex())
    assert editor.rules() == (OFFICE, US, BLOCK_ALL)
    assert editor.selected_row() == 1


def test_the_table_is_as_tall_as_its_rules(qtbot: QtBot, editor: RulesEditor) -> None:
    from cfstream_gui.ui.rules.editor import MIN_VISIBLE_ROWS

    row = editor.table.verticalHeader().defaultSectionSize()
    assert editor.table.viewport().height() == MIN_VISIBLE_ROWS * row  # room for the hint
    for count in range(1, MAX_RULES + 1):
        editor.set_rules([US] * count)
        assert editor.table.viewport().height() == max(count, MIN_VISIBLE_ROWS) * row
        assert editor.table.verticalScrollBar().maximum() == 0


def test_add_rule_opens_its_values_and_judges_nothing_before_typing(
    qtbot: QtBot, editor: RulesEditor
) -> None:
    click(qtbot, editor.add_button)
    line = editor.table.indexWidget(editor.model.index(0, 2))
    assert isinstance(line, ValuesEdit), "the new rule's values are not open for typing"
    qtbot.waitUntil(line.hasFocus)
    # Nothing red yet: no tint, no icon, no border, no "Error:", just what to type.
    for column in range(3):
        cell = editor.model.index(0, column)
        assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
        assert cell.data(Qt.ItemDataRole.DecorationRole) is None
    assert line.property("invalid") is False and line.styleSheet() == ""
    assert "Error" not in editor.problems_label.text()
    assert "Warning" not in editor.problems_label.text()  # no advice on the list meanwhile
    assert "Rule 1: type the countries it applies to, e.g. US, MX." in editor.problems_label.text()

    qtbot.keyClicks(line, "ZZ")
    assert line.property("invalid") is True  # now typed, now judged
    with qtbot.waitSignal(editor.rulesChanged):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "Error" in editor.problems_label.text() and "ZZ" in editor.problems_label.text()
    assert editor.model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_a_new_rule_left_empty_stays_calm_until_filled_in(
    qtbot: QtBot, editor: RulesEditor
) -> None:
    click(qtbot, editor.add_button)
    click(qtbot, editor.add_button)  # leaves the first one empty: still not judged
    assert editor.model.rowCount() == 2
    assert editor.model.fresh_rows() == [0, 1]
    assert "Error" not in editor.problems_label.text()
    # The whole truth is still known, for Create: neither rule can be sent like this.
    assert {p.rule_index for p in editor.problems() if p.column == "values"} == {0, 1}
    # A type that takes no values completes the rule; values typed complete the other.
    editor.model.setData(editor.model.index(0, 1), "any")
    editor.model.setData(editor.model.index(1, 2), "US")
    assert editor.model.fresh_rows() == []
    # Emptied again later, a rule is judged at once: it is no longer new.
    editor.model.setData(editor.model.index(1, 2), "")
    assert "Error" in editor.problems_label.text()
