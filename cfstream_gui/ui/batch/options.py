"""What every token of a batch gets unless its CSV row says otherwise: the signing key, the
expiry, a not-before time, access rules and the MP4 download, as `cfstream-token batch` takes
them (`--key`, `--exp`, `--nbf`, `--rule`, `--downloadable`). Each field is checked as it is
typed and says what it will mean, or what is wrong, underneath."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Final, Literal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from cfstream_gui.core.batch import BatchDefaults, RuleSyntaxError, parse_rule_list
from cfstream_gui.core.batch.input import RULE_SEPARATOR
from cfstream_gui.core.models import RULE_TYPE_ALIASES, AccessRule, RuleType
from cfstream_gui.core.timeparse import TimeParseError, describe, parse_when, to_epoch
from cfstream_gui.core.validation import Problem, Severity
from cfstream_gui.ui.batch.setup import Prefill
from cfstream_gui.ui.common.inline_message import InlineMessage, buddy_label, with_message
from cfstream_gui.ui.common.style import monospace_font, set_tone

DEFAULT_EXP = "1h"
NO_KEYS = "No signing key is held here; create or import one under Signing keys first."
NBF_UNSET = "Not set: each token is valid from the moment it is signed."
RULES_UNSET = "No rules: anyone with a link can watch (a CSV row's own rules still apply)."
# The short type names `--rule` takes, by the API's type.
_SHORT_TYPE = {rule_type.value: name for name, rule_type in RULE_TYPE_ALIASES.items()}
_SHORT_TYPE.update({RuleType.COUNTRY.value: "country", RuleType.IP.value: "ip"})


class _Unreadable(Enum):
    """What `_when` returns for a text that is no time (its field is marked already)."""

    TEXT = 0


UNREADABLE: Final = _Unreadable.TEXT
# Checks the shared settings as a whole (the token service's check_batch_defaults).
DefaultsCheck = Callable[[BatchDefaults, int], list[Problem]]


def rules_text(rules: Sequence[AccessRule]) -> str:
    """Rules as `--rule` and a CSV row write them: "allow country US,CA; block any"."""
    parts = []
    for rule in rules:
        kind = _SHORT_TYPE.get(rule.type, rule.type)
        values = ",".join(rule.values)
        parts.append(" ".join(part for part in (rule.action, kind, values) if part))
    return f"{RULE_SEPARATOR} ".join(parts)


class BatchOptions(QWidget):
    # Whether the options can be used may have changed.
    changed = Signal()

    def __init__(
        self,
        key_ids: Sequence[str],
        default_key_id: str | None,
        *,
        clock: Callable[[], float],
        check: DefaultsCheck,
        default_exp: str = DEFAULT_EXP,
        prefill: Prefill | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._check = check
        self._build(key_ids, default_key_id, default_exp, prefill or Prefill())
        for edit in (self.expEdit, self.nbfEdit, self.rulesEdit):
            edit.textChanged.connect(self.refresh)
        self.downloadableCheck.toggled.connect(self.changed)
        self.refresh()

    def _build(
        self,
        key_ids: Sequence[str],
        default_key_id: str | None,
        default_exp: str,
        prefill: Prefill,
    ) -> None:
        self.keyCombo = QComboBox()
        self.keyCombo.setObjectName("batchKeyCombo")
        self.keyCombo.setAccessibleName("Signing key")
        self.keyCombo.setFont(monospace_font())
        for key_id in key_ids:
            self.keyCombo.addItem(key_id, key_id)
        if default_key_id is not None and default_key_id in key_ids:
            self.keyCombo.setCurrentIndex(list(key_ids).index(default_key_id))
        self.keyCombo.setEnabled(bool(key_ids))
        self.keyMessage = InlineMessage("batchKeyMessage", "Signing key problem")
        if not key_ids:
            self.keyCombo.addItem("No key held here")
            self.keyMessage.setText(NO_KEYS)
            self.keyMessage.show()

        self.expEdit = self._line("batchExpEdit", "Expires", default_exp)
        self.expEdit.setPlaceholderText("30m, 2h, 1d, or a date and time with a zone")
        self.expMessage = InlineMessage("batchExpMessage", "Expiry")
        self.nbfEdit = self._line("batchNbfEdit", "Not before", "")
        self.nbfEdit.setPlaceholderText("Not set; or now, -5m, 1h, or a date and time with a zone")
        self.nbfMessage = InlineMessage("batchNbfMessage", "Not before")
        self.rulesEdit = self._line("batchRulesEdit", "Access rules", rules_text(prefill.rules))
        self.rulesEdit.setPlaceholderText("None; or e.g. allow country US,CA; block any")
        self.rulesEdit.setFont(monospace_font())
        self.rulesMessage = InlineMessage("batchRulesMessage", "Access rules")
        self.downloadableCheck = QCheckBox("Allow MP4 download with these tokens")
        self.downloadableCheck.setObjectName("batchDownloadableCheck")
        self.downloadableCheck.setAccessibleName("Allow MP4 download")
        self.downloadableCheck.setChecked(prefill.downloadable)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(
            buddy_label("Signing &key:", self.keyCombo),
            with_message(self.keyCombo, self.keyMessage),
        )
        form.addRow(
            buddy_label("&Expires in:", self.expEdit), with_message(self.expEdit, self.expMessage)
        )
        form.addRow(
            buddy_label("&Not before:", self.nbfEdit), with_message(self.nbfEdit, self.nbfMessage)
        )
        form.addRow(
            buddy_label("Access &rules:", self.rulesEdit),
            with_message(self.rulesEdit, self.rulesMessage),
        )
        form.addRow(buddy_label("Do&wnloads:", self.downloadableCheck), self.downloadableCheck)

    @staticmethod
    def _line(name: str, accessible: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    # -- what the options mean --------------------------------------------------------------

    def key_id(self) -> str | None:
        data = self.keyCombo.currentData()
        return data if isinstance(data, str) else None

    def defaults(self) -> BatchDefaults | None:
        """The settings as of now (relative times counted from this moment), or None (and the
        fields marked) when one of them cannot be used."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        exp = self._when(self.expEdit, self.expMessage, now, required=True)
        nbf = self._when(self.nbfEdit, self.nbfMessage, now, required=False)
        rules = self._rules()
        if exp is UNREADABLE or nbf is UNREADABLE or rules is None:
            return None
        defaults = BatchDefaults(
            exp=exp,
            nbf=nbf,
            downloadable=True if self.downloadableCheck.isChecked() else None,
            rules=rules,
        )
        if self._show_checked(self._check(defaults, to_epoch(now))):
            return None
        return defaults

    def refresh(self) -> None:
        self.defaults()
        self.changed.emit()

    def is_usable(self) -> bool:
        fields = (self.expEdit, self.nbfEdit, self.rulesEdit)
        return all(field.property("invalid") in (None, "", "warning") for field in fields)

    # -- internals --------------------------------------------------------------------------

    def _when(
        self, edit: QLineEdit, message: InlineMessage, now: datetime, *, required: bool
    ) -> int | Literal[_Unreadable.TEXT] | None:
        """Epoch seconds; None for an empty optional field; UNREADABLE when the text is no
        time."""
        text = edit.text().strip()
        if not text and not required:
            message.show_problem(edit, None)
            self._say(message, NBF_UNSET)
            return None
        try:
            moment = parse_when(text, now=now)
        except TimeParseError as exc:
            field = "expiry" if required else "start time"
            message.show_problem(edit, Problem(field, str(exc), Severity.ERROR))
            return UNREADABLE
        message.show_problem(edit, None)
        if required:
            self._say(message, f"Until {describe(moment)}, counted from when signing starts")
        else:
            self._say(message, f"From {describe(moment)}")
        return to_epoch(moment)

    def _rules(self) -> tuple[AccessRule, ...] | None:
        try:
            rules = parse_rule_list(self.rulesEdit.text())
        except RuleSyntaxError as exc:
            sentence = str(exc)[:1].upper() + str(exc)[1:]  # "rule 2 (…)" begins the message
            self.rulesMessage.show_problem(
                self.rulesEdit, Problem("rules", sentence, Severity.ERROR)
            )
            return None
        self.rulesMessage.show_problem(self.rulesEdit, None)
        self._say(self.rulesMessage, _rules_summary(rules))
        return rules

    def _show_checked(self, problems: list[Problem]) -> bool:
        """Show what the whole-batch check found, each at its field (the first problem of a
        field says enough); whether any is an error."""
        at = {
            "expiry": (self.expEdit, self.expMessage),
            "start time": (self.nbfEdit, self.nbfMessage),
        }
        marked: set[str] = set()
        error = False
        for problem in problems:
            edit, message = at.get(problem.field, (self.rulesEdit, self.rulesMessage))
            if edit.objectName() in marked:
                continue
            marked.add(edit.objectName())
            message.show_problem(edit, problem)
            error = error or problem.severity is Severity.ERROR
        return error

    @staticmethod
    def _say(message: InlineMessage, text: str) -> None:
        """A neutral line under a field: what its value means."""
        set_tone(message, None)
        message.setText(text)
        message.show()


def _rules_summary(rules: Sequence[AccessRule]) -> str:
    if not rules:
        return RULES_UNSET
    said = " → ".join(
        f"{rule.action.capitalize()} {_SHORT_TYPE.get(rule.type, rule.type)}"
        + (f" {', '.join(rule.values)}" if rule.values else "")
        for rule in rules
    )
    count = "1 rule" if len(rules) == 1 else f"{len(rules)} rules"
    return f"{count}, checked in order: {said}"
