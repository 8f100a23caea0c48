"""Tools → Simulate a viewer… on the form's rules: which rule a viewer (IPv4, IPv6, country)
meets first and the verdict, following the form as its rules are edited; and the rule lints
shown live under the rules table as they are typed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.simulate import Outcome
from cfstream_gui.ui.tools.simulator_dialog import SimulatorDialog
from cfstream_gui.ui.tools.simulator_panel import rule_lines, verdict_words
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WindowFactory, by_name

RULES = [
    AccessRule("allow", "ip.geoip.country", ("US", "CA")),
    AccessRule("block", "ip.src", ("2001:db8:bad::/48", "192.0.2.0/24")),
    AccessRule("allow", "ip.src", ("2001:db8::/32",)),
]


def open_simulator(window: MainWindow) -> SimulatorDialog:
    window.menu_actions.simulate.trigger()
    dialog = window.tools().simulator
    assert isinstance(dialog, SimulatorDialog) and dialog.isVisible()
    return dialog


def verdict(dialog: SimulatorDialog, ip: str, country: str) -> str:
    dialog.panel.viewer.set_viewer(ip, country)
    return dialog.panel.verdict()


def test_the_first_matching_rule_decides_for_ipv4_ipv6_and_countries(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    window.form.rulesEditor.set_rules(RULES)
    dialog = open_simulator(window)
    assert dialog.panel.sourceLabel.text() == "The form's 3 rules, first to last:"
    assert verdict(dialog, "", "CA") == "Allowed by rule 1"
    assert verdict(dialog, "2001:db8:bad::7", "DE") == "Blocked by rule 2"
    assert verdict(dialog, "192.0.2.55", "FR") == "Blocked by rule 2"
    assert verdict(dialog, "::ffff:192.0.2.55", "FR") == "Blocked by rule 2"  # the IPv4 viewer
    assert verdict(dialog, "2001:db8:1::1", "DE") == "Allowed by rule 3"
    assert verdict(dialog, "198.51.100.1", "FR") == "No rule matched: allowed"
    assert dialog.panel.verdictLabel.property("tone") == "ok"

    verdict(dialog, "192.0.2.55", "US")
    lines = [dialog.panel.rulesList.item(i).text() for i in range(dialog.panel.rulesList.count())]
    assert lines[0] == "1. allow viewers in US (United States) or CA (Canada)  ← decides: allowed"
    assert dialog.panel.rulesList.item(0).font().bold()


def test_a_country_alone_passes_over_ip_rules_and_says_so(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    window.form.rulesEditor.set_rules(RULES)
    dialog = open_simulator(window)
    assert verdict(dialog, "", "DE") == "No rule matched: allowed"
    assert "Rules 2 and 3 were not checked: they need the viewer's IP address" in (
        dialog.panel.reason()
    )
    assert (
        dialog.panel.rulesList.item(1)
        .text()
        .endswith("(not checked: needs the viewer's IP address)")
    )


def test_the_verdict_follows_the_form_while_the_dialog_is_open(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    dialog = open_simulator(window)
    assert dialog.panel.rulesList.item(0).text() == "No access rules: every viewer is allowed."
    assert verdict(dialog, "", "DE") == "No rule matched: allowed"
    window.form.rulesEditor.set_rules([AccessRule("block", "country", ("de",))])
    assert dialog.panel.verdict() == "Blocked by rule 1"
    assert dialog.panel.verdictLabel.property("tone") == "error"
    window.form.rulesEditor.set_rules([])
    assert dialog.panel.verdict() == "No rule matched: allowed"


def test_a_wrong_viewer_is_named_under_its_field_and_gets_no_verdict(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    window.form.rulesEditor.set_rules(RULES)
    dialog = open_simulator(window)
    fields = dialog.panel.viewer
    assert verdict(dialog, "203.0.113.0/24", "DE") == ""
    assert fields.ipMessage.isVisible() and "is a range" in fields.ipMessage.text()
    assert fields.ipEdit.property("invalid") == "error"
    assert verdict(dialog, "fe80::1%eth0", "") == ""
    assert "zone index" in fields.ipMessage.text()
    assert verdict(dialog, "198.51.100.1", "Germany") == ""
    assert not fields.ipMessage.isVisible()
    assert "not an ISO 3166-1 country code" in fields.countryMessage.text()
    assert verdict(dialog, "", "") == ""
    assert dialog.panel.reason() == "Give the viewer's IP address, their country, or both."


def test_a_rule_being_typed_that_cannot_be_checked_says_which(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    window.form.rulesEditor.set_rules(
        [AccessRule("allow", "country", ("US",)), AccessRule("block", "ip", ("10.0.0.300",))]
    )
    dialog = open_simulator(window)
    assert verdict(dialog, "", "US") == "Allowed by rule 1"  # decided before rule 2 is reached
    assert verdict(dialog, "10.0.0.1", "DE") == "Cannot tell"
    assert "Rule 2 cannot be checked" in dialog.panel.reason()


def test_the_rule_lints_show_live_under_the_rules_table(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    problems = by_name(window, QLabel, "ruleProblemsLabel")
    window.form.rulesEditor.set_rules([AccessRule("allow", "country", ("US",))])
    assert problems.isVisible() and "block any" in problems.text()
    window.form.rulesEditor.set_rules(
        [AccessRule("allow", "country", ("US",)), AccessRule("block", "any")]
    )
    assert not problems.isVisible()
    window.form.rulesEditor.set_rules(
        [AccessRule("block", "any"), AccessRule("allow", "country", ("US",))]
    )
    assert "Rule 2 is never used" in problems.text()


def test_verdict_words_and_rule_lines() -> None:
    rule = AccessRule("block", "ip.geoip.country", ("DE",))
    blocked = Outcome(False, 0, rule, "…")
    assert verdict_words(blocked) == "Blocked by rule 1"
    assert verdict_words(Outcome(True, None, None, "…")) == "No rule matched: allowed"
    assert rule_lines([rule], blocked) == ["1. block viewers in DE (Germany)  ← decides: blocked"]
    assert rule_lines([rule], None) == ["1. block viewers in DE (Germany)"]
