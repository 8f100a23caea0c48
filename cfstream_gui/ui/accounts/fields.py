"""The Accounts dialog's form for one account: name, account ID, API token (masked), customer
code (optional) and, behind "Advanced", the API base URL.

It turns itself into an `AccountDraft` and shows each problem under its field; it decides
nothing. The token field never shows a stored token: it is empty unless the user types one,
and its placeholder says whether the keyring holds one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from cfstream_gui.core.accounts.drafts import (
    ACCOUNT_FIELD,
    BASE_URL_FIELD,
    CODE_FIELD,
    NAME_FIELD,
    TOKEN_FIELD,
    AccountDraft,
)
from cfstream_gui.core.validation import Problem
from cfstream_gui.ui.common.icons import eye_icon
from cfstream_gui.ui.common.inline_message import (
    InlineMessage,
    buddy_label,
    enable_clear_button,
    with_message,
)

TOKEN_NEW = "Paste the API token (Stream Read to list videos, Stream Edit to make tokens)"
TOKEN_KEPT = "Kept in the keyring; paste a new one to replace it"
TOKEN_NONE = "None kept for this account; paste the API token"
TOKEN_READING = "Reading the keyring…"


class AccountFields(QWidget):
    # The user edited any field.
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nameEdit = _edit("profileNameEdit", "Profile name", "work, client-a, staging…")
        self.accountIdEdit = _edit(
            "profileAccountIdEdit", "Account ID", "32 hex characters, from the dashboard's sidebar"
        )
        self.apiTokenEdit = _edit("profileApiTokenEdit", "API token", TOKEN_NEW)
        self.apiTokenEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.showTokenAction = QAction(eye_icon(crossed=False), "Show token", self.apiTokenEdit)
        self.showTokenAction.setObjectName("profileShowTokenAction")
        self.showTokenAction.setCheckable(True)
        self.showTokenAction.toggled.connect(self._on_show_toggled)
        self.apiTokenEdit.addAction(self.showTokenAction, QLineEdit.ActionPosition.TrailingPosition)
        for widget in self.showTokenAction.associatedObjects():
            if isinstance(widget, QWidget) and widget is not self.apiTokenEdit:
                widget.setObjectName("profileShowTokenButton")
                widget.setAccessibleName("Show or hide the API token")
        self.customerCodeEdit = _edit(
            "profileCustomerCodeEdit",
            "Customer code",
            "Optional: found on one of the account's videos when you save",
        )
        self.baseUrlEdit = _edit(
            "profileBaseUrlEdit",
            "API base URL",
            "Empty: Cloudflare's API (https://api.cloudflare.com/client/v4)",
        )
        self.envNote = QLabel()
        self.envNote.setObjectName("profileEnvNote")
        self.envNote.setAccessibleName("Environment note")
        self.envNote.setWordWrap(True)
        self.envNote.hide()
        self.advancedToggle = QToolButton()
        self.advancedToggle.setObjectName("advancedToggle")
        self.advancedToggle.setAccessibleName("Show or hide the advanced settings")
        self.advancedToggle.setText("Advanced")
        self.advancedToggle.setCheckable(True)
        self.advancedToggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advancedToggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advancedToggle.setAutoRaise(True)
        self.advancedToggle.toggled.connect(self._on_advanced)
        self.messages = {
            NAME_FIELD: InlineMessage("profileNameMessage", "Profile name problem"),
            ACCOUNT_FIELD: InlineMessage("profileAccountIdMessage", "Account ID problem"),
            TOKEN_FIELD: InlineMessage("profileApiTokenMessage", "API token problem"),
            CODE_FIELD: InlineMessage("profileCustomerCodeMessage", "Customer code problem"),
            BASE_URL_FIELD: InlineMessage("profileBaseUrlMessage", "API base URL problem"),
        }
        self._fields = {
            NAME_FIELD: self.nameEdit,
            ACCOUNT_FIELD: self.accountIdEdit,
            TOKEN_FIELD: self.apiTokenEdit,
            CODE_FIELD: self.customerCodeEdit,
            BASE_URL_FIELD: self.baseUrlEdit,
        }
        for edit in self._fields.values():
            edit.textEdited.connect(self.edited)
        self._layout()

    def _layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        rows = (
            ("&Name:", NAME_FIELD),
            ("Account &ID:", ACCOUNT_FIELD),
            ("API &token:", TOKEN_FIELD),
            ("&Customer code:", CODE_FIELD),
        )
        for label, key in rows:
            field = self._fields[key]
            form.addRow(buddy_label(label, field), with_message(field, self.messages[key]))
        form.addRow("", self.envNote)
        form.addRow("", self.advancedToggle)
        self._base_url_label = buddy_label("API &base URL:", self.baseUrlEdit)
        self._base_url_cell = with_message(self.baseUrlEdit, self.messages[BASE_URL_FIELD])
        form.addRow(self._base_url_label, self._base_url_cell)
        self._form = form
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(form)
        outer.addStretch(1)
        self._on_advanced(False)

    # -- the draft --------------------------------------------------------------------------

    def draft(self) -> AccountDraft:
        return AccountDraft(
            name=self.nameEdit.text(),
            account_id=self.accountIdEdit.text(),
            api_token=self.apiTokenEdit.text(),
            customer_code=self.customerCodeEdit.text(),
            api_base_url=self.baseUrlEdit.text(),
        )

    def show_draft(self, draft: AccountDraft) -> None:
        self.nameEdit.setText(draft.name)
        self.accountIdEdit.setText(draft.account_id)
        self.apiTokenEdit.setText(draft.api_token)
        self.customerCodeEdit.setText(draft.customer_code)
        self.baseUrlEdit.setText(draft.api_base_url)
        self.advancedToggle.setChecked(bool(draft.api_base_url.strip()))
        self.show_problems(())

    def set_customer_code(self, code: str) -> None:
        """A code found on a video, unless the user typed one meanwhile."""
        if not self.customerCodeEdit.text().strip():
            self.customerCodeEdit.setText(code)

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Each field's first problem under it; the advanced part opens to show its own."""
        first: dict[str, Problem] = {}
        for problem in problems:
            first.setdefault(problem.field, problem)
        for key, message in self.messages.items():
            message.show_problem(self._fields[key], first.get(key))
        if BASE_URL_FIELD in first:
            self.advancedToggle.setChecked(True)

    def first_problem_field(self, problems: Sequence[Problem]) -> QLineEdit | None:
        return next((self._fields[p.field] for p in problems if p.field in self._fields), None)

    def set_token_placeholder(self, text: str) -> None:
        self.apiTokenEdit.setPlaceholderText(text)

    def set_env_note(self, text: str) -> None:
        self.envNote.setText(text)
        self.envNote.setVisible(bool(text))

    def set_enabled(self, enabled: bool) -> None:
        for edit in self._fields.values():
            edit.setReadOnly(not enabled)

    # -- slots ------------------------------------------------------------------------------

    def _on_advanced(self, shown: bool) -> None:
        self.advancedToggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self._form.setRowVisible(self._base_url_label, shown)

    def _on_show_toggled(self, shown: bool) -> None:
        self.apiTokenEdit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.showTokenAction.setIcon(eye_icon(crossed=shown))
        self.showTokenAction.setText("Hide token" if shown else "Show token")


def _edit(name: str, accessible: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    enable_clear_button(edit)
    return edit
