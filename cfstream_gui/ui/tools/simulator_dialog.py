"""Tools → Simulate a viewer…: the form's access rules, tried on a viewer, live.

The dialog stays open beside the window and follows the form: edit a rule and the verdict
changes. The form's rules are read from the window controller (`ToolSources.form_rules`); the
dialog never reaches into the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cfstream_gui.core.models import AccessRule
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.tools.simulator_panel import SimulatorPanel

RulesSource = Callable[[], tuple[AccessRule, ...]]
INTRO = (
    "Which of the form's access rules a viewer meets first, and whether they may watch. "
    "Cloudflare checks the rules from top to bottom and the first match decides; a viewer no "
    "rule matches is allowed. Edit the rules in the window and the answer follows."
)


class SimulatorDialog(QDialog):
    def __init__(self, rules: RulesSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulatorDialog")
        self.setWindowTitle("Simulate a viewer")
        self._rules = rules
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.panel = SimulatorPanel()
        self.closeButton = push_button("simulatorCloseButton", "Close", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.panel, 1)
        layout.addLayout(buttons)
        self.resize(640, 400)
        self.refresh()

    def refresh(self) -> None:
        """Read the form's rules again (the form changed)."""
        rules = self._rules()
        count = f"{len(rules)} rule{'' if len(rules) == 1 else 's'}"
        self.panel.set_rules(rules, f"The form's {count}, first to last:")

    async def wait_idle(self) -> None:
        """Nothing runs in the background here; the dialogs share this to close."""
