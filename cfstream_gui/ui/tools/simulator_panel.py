"""Would this viewer get in? The rules in plain words, the one that decides marked, and the
verdict, worked out live as the viewer is typed.

The answer comes from `core.simulate`, the one function the command line's `simulate` and the
sandbox's edge use too, so all three always agree. The panel serves the form's rules (the
Simulator dialog) and a pasted token's (the inspector).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.models import MAX_RULES, AccessRule, RuleType
from cfstream_gui.core.simulate import Outcome, SimulationError, describe_rule, simulate
from cfstream_gui.core.validation import normalize_rule
from cfstream_gui.ui.common.style import Tone, set_tone
from cfstream_gui.ui.tools.viewer_fields import NO_VIEWER, ViewerFields

NO_RULES = "No access rules: every viewer is allowed."
CANNOT_TELL = "Cannot tell"


def verdict_words(outcome: Outcome) -> str:
    """'Blocked by rule 2', 'Allowed by rule 1', 'No rule matched: allowed'."""
    if outcome.rule_index is None:
        return f"No rule matched: {outcome.verdict}"
    return f"{outcome.verdict.capitalize()} by rule {outcome.rule_index + 1}"


def rule_lines(rules: Sequence[AccessRule], outcome: Outcome | None) -> list[str]:
    """Each rule in plain words, numbered; the deciding one and those not checked say so."""
    lines = []
    for index, rule in enumerate(rules):
        line = f"{index + 1}. {describe_rule(rule)}"
        if outcome is not None and outcome.rule_index == index:
            line += f"  ← decides: {outcome.verdict}"
        elif outcome is not None and index in outcome.unchecked:
            needs = "IP address" if normalize_rule(rule).type == RuleType.IP else "country"
            line += f"  (not checked: needs the viewer's {needs})"
        lines.append(line)
    return lines


class SimulatorPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rules: tuple[AccessRule, ...] = ()
        self._unavailable: str | None = None
        self._outcome: Outcome | None = None
        self.viewer = ViewerFields("simulator")
        self.viewer.changed.connect(self.refresh)
        self.sourceLabel = self._label("simulatorRulesSource", "Rules simulated")
        self.rulesList = QListWidget()
        self.rulesList.setObjectName("simulatorRulesList")
        self.rulesList.setAccessibleName("Access rules, first to last")
        self.rulesList.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rulesList.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Five rules at most (Cloudflare's limit): five rows tall, like the form's rules table.
        rows = self.rulesList.fontMetrics().lineSpacing() + 4
        self.rulesList.setFixedHeight(MAX_RULES * rows + 2 * self.rulesList.frameWidth() + 6)
        self.rulesList.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.verdictLabel = self._label("simulatorVerdict", "Verdict")
        bold = QFont(self.verdictLabel.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.verdictLabel.setFont(bold)
        self.reasonLabel = self._label("simulatorReason", "Why")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.viewer)
        layout.addWidget(self.sourceLabel)
        layout.addWidget(self.rulesList)
        layout.addWidget(self.verdictLabel)
        layout.addWidget(self.reasonLabel)
        layout.addStretch(1)
        self.refresh()

    def _label(self, name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        # Plain text: a pasted token's rules are the token's own text, not markup to render.
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- public API -------------------------------------------------------------------------

    def set_rules(
        self, rules: Sequence[AccessRule], source: str, unavailable: str | None = None
    ) -> None:
        """Simulate `rules` (`source` says whose, e.g. "The form's rules"). `unavailable` is
        the sentence to show instead when the rules cannot be read at all."""
        self._rules = tuple(rules)
        self._unavailable = unavailable
        self.sourceLabel.setText(source)
        self.refresh()

    def outcome(self) -> Outcome | None:
        """The verdict shown now; None while there is none (no viewer, or a problem)."""
        return self._outcome

    def verdict(self) -> str:
        return self.verdictLabel.text()

    def reason(self) -> str:
        return self.reasonLabel.text()

    def refresh(self) -> None:
        self._outcome = None
        typed = self.viewer.read()
        if self._unavailable is not None:
            self._show_lines([])
            self._say(CANNOT_TELL, self._unavailable, Tone.ERROR)
            return
        if typed.viewer is None:
            self._show_lines(rule_lines(self._rules, None))
            self._say("", typed.problem or NO_VIEWER, None)
            return
        try:
            outcome = simulate(self._rules, typed.viewer)
        except SimulationError as exc:
            self._show_lines(rule_lines(self._rules, None))
            self._say(CANNOT_TELL, str(exc), Tone.ERROR)
            return
        self._outcome = outcome
        self._show_lines(rule_lines(self._rules, outcome), outcome)
        self._say(
            verdict_words(outcome), outcome.reason, Tone.OK if outcome.allowed else Tone.ERROR
        )

    # -- internals --------------------------------------------------------------------------

    def _show_lines(self, lines: list[str], outcome: Outcome | None = None) -> None:
        self.rulesList.clear()
        if not lines and self._unavailable is None:
            self.rulesList.addItem(NO_RULES)
        for index, line in enumerate(lines):
            item = QListWidgetItem(line)
            if outcome is not None and outcome.rule_index == index:
                font = QFont(self.rulesList.font())
                font.setBold(True)
                item.setFont(font)
            elif outcome is not None and index in outcome.unchecked:
                item.setForeground(self.palette().placeholderText())
            self.rulesList.addItem(item)

    def _say(self, verdict: str, reason: str, tone: Tone | None) -> None:
        self.verdictLabel.setText(verdict)
        self.verdictLabel.setVisible(bool(verdict))
        set_tone(self.verdictLabel, tone)
        self.reasonLabel.setText(reason)
