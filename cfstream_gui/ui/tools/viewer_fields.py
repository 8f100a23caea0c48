"""The viewer to ask about: an IP address (IPv4 or IPv6) and/or a country, each with its own
inline message. The simulator and the playback check both ask for one.

Each field is read by the core's own parser (`core.simulate`), so a wrong value gets the same
sentence here as from `cfstream-token simulate`, under the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from cfstream_gui.core.simulate import SimulationError, Viewer, parse_viewer, parse_viewer_ip
from cfstream_gui.core.validation import Problem
from cfstream_gui.core.validation.problems import error
from cfstream_gui.ui.common.inline_message import (
    InlineMessage,
    buddy_label,
    enable_clear_button,
    with_message,
)

NO_VIEWER = "Give the viewer's IP address, their country, or both."


@dataclass(frozen=True)
class ViewerInput:
    """What the fields say: the viewer, or None with `problem` (a sentence) when a field is
    wrong; both None when both fields are empty."""

    viewer: Viewer | None
    problem: str | None = None

    @property
    def empty(self) -> bool:
        return self.viewer is None and self.problem is None


class ViewerFields(QWidget):
    changed = Signal()

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        """`prefix` starts every objectName: `simulator` gives `simulatorIpEdit`, ..."""
        super().__init__(parent)
        self.ipEdit = self._edit(
            f"{prefix}IpEdit", "Viewer IP address", "203.0.113.7 or 2001:db8::1"
        )
        self.countryEdit = self._edit(f"{prefix}CountryEdit", "Viewer country", "DE")
        self.countryEdit.setMaxLength(8)  # a code is two letters; room to say what was typed
        self.ipMessage = InlineMessage(f"{prefix}IpMessage", "Viewer IP address problem")
        self.countryMessage = InlineMessage(f"{prefix}CountryMessage", "Viewer country problem")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(
            buddy_label("Viewer &IP:", self.ipEdit), with_message(self.ipEdit, self.ipMessage)
        )
        form.addRow(
            buddy_label("Viewer c&ountry:", self.countryEdit),
            with_message(self.countryEdit, self.countryMessage),
        )
        self.form_layout = form

    def _edit(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        enable_clear_button(edit)
        edit.textChanged.connect(self._on_changed)
        return edit

    def set_viewer(self, ip: str, country: str) -> None:
        self.ipEdit.setText(ip)
        self.countryEdit.setText(country)

    def read(self) -> ViewerInput:
        """The viewer typed, with each wrong field marked and its sentence under it."""
        ip, country = self.ipEdit.text().strip(), self.countryEdit.text().strip()
        ip_problem = _problem(lambda: parse_viewer_ip(ip)) if ip else None
        country_problem = _problem(lambda: parse_viewer(None, country)) if country else None
        self.ipMessage.show_problem(self.ipEdit, _as_problem("viewer IP", ip_problem))
        self.countryMessage.show_problem(
            self.countryEdit, _as_problem("viewer country", country_problem)
        )
        problem = ip_problem or country_problem
        if problem is not None:
            return ViewerInput(None, problem)
        if not ip and not country:
            return ViewerInput(None)
        return ViewerInput(parse_viewer(ip or None, country or None))

    def _on_changed(self) -> None:
        self.changed.emit()


def _problem(parse: Callable[[], object]) -> str | None:
    try:
        parse()
    except SimulationError as exc:
        return str(exc)
    return None


def _as_problem(field: str, message: str | None) -> Problem | None:
    return None if message is None else error(field, message)
