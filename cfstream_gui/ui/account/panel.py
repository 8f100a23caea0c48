"""The account panel: profile, account ID, API token (masked), Remember in keyring, Verify.

It shows what it is given and says what the user did; it decides nothing. Which token is used,
and where it is kept, is `tokens.ApiTokens`' business: the panel shows a `TokenDisplay` and
reports each edit of the token field with `tokenEdited`, and its text is never read back to
find the token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.validation import Problem
from cfstream_gui.ui.common.icons import eye_icon
from cfstream_gui.ui.common.inline_message import (
    InlineMessage,
    buddy_label,
    enable_clear_button,
    with_message,
)
from cfstream_gui.ui.common.style import Tone, set_tone, tint_rgba
from cfstream_gui.ui.common.widgets import push_button

if TYPE_CHECKING:  # the token's state lives with the controller, loaded after the first paint
    from cfstream_gui.ui.account.tokens import TokenDisplay

TOKEN_PLACEHOLDER = "An API token with Stream Edit permission"
READING_PLACEHOLDER = "Reading the keyring…"
SANDBOX_NOTE = "Sandbox: offline demo; tokens do not play on Cloudflare."

# verifyStatusLabel: what Cloudflare said about the token, and the colour to say it in.
VERIFY_TEXTS: dict[str, tuple[str, Tone | None]] = {
    "": ("", None),
    "checking": ("Checking…", None),
    "active": ("Active", Tone.OK),
    "expired": ("Expired", Tone.ERROR),
    "disabled": ("Disabled", Tone.ERROR),
    "invalid": ("Invalid", Tone.ERROR),
    "error": ("Not checked", Tone.WARNING),
}


class AccountPanel(QGroupBox):
    # The user chose another profile (its name).
    profileChosen = Signal(str)
    accountIdChanged = Signal()
    # The user typed or pasted into the token field (its whole text).
    tokenEdited = Signal(str)
    # The user (un)checked "Remember in keyring".
    rememberToggled = Signal(bool)
    verifyRequested = Signal()
    # Manage… (the Accounts dialog), or the sandbox's "Add your Cloudflare account".
    manageRequested = Signal()
    addAccountRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Account", parent)
        self.setObjectName("accountGroup")
        self._reading = False
        self._build()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.profileCombo = QComboBox()
        self.profileCombo.setObjectName("profileCombo")
        self.profileCombo.setAccessibleName("Profile")
        self.profileCombo.setToolTip("Saved Cloudflare set-ups (cfstream-token profiles)")
        self.profileCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profileCombo.currentIndexChanged.connect(self._on_profile_index)

        self.manageAccountsButton = push_button(
            "manageAccountsButton", "Manage…", self.manageRequested.emit
        )
        self.manageAccountsButton.setAccessibleName("Manage accounts")
        self.manageAccountsButton.setToolTip("Add, edit, rename or remove accounts (profiles)")
        self._build_sandbox_note()

        self.accountIdEdit = QLineEdit()
        self.accountIdEdit.setObjectName("accountIdEdit")
        self.accountIdEdit.setAccessibleName("Account ID")
        self.accountIdEdit.setPlaceholderText("32 hex characters, from the dashboard's sidebar")
        enable_clear_button(self.accountIdEdit)
        self.accountIdEdit.textChanged.connect(self.accountIdChanged)
        self.accountIdMessage = InlineMessage("accountIdMessage", "Account ID problem")

        self.apiTokenEdit = QLineEdit()
        self.apiTokenEdit.setObjectName("apiTokenEdit")
        self.apiTokenEdit.setAccessibleName("API token")
        self.apiTokenEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.apiTokenEdit.setPlaceholderText(TOKEN_PLACEHOLDER)
        # textEdited, not textChanged: what the user did, not what show_token() displays.
        self.apiTokenEdit.textEdited.connect(self.tokenEdited)
        self.showTokenAction = QAction(eye_icon(crossed=False), "Show token", self.apiTokenEdit)
        self.showTokenAction.setObjectName("showTokenAction")
        self.showTokenAction.setCheckable(True)
        self.showTokenAction.setToolTip("Show the token")
        self.showTokenAction.toggled.connect(self._on_show_toggled)
        self.apiTokenEdit.addAction(self.showTokenAction, QLineEdit.ActionPosition.TrailingPosition)
        for widget in self.showTokenAction.associatedObjects():
            if isinstance(widget, QWidget) and widget is not self.apiTokenEdit:
                widget.setObjectName("showTokenButton")
                widget.setAccessibleName("Show or hide the API token")

        self.rememberTokenCheck = QCheckBox("Remember in keyring")
        self.rememberTokenCheck.setObjectName("rememberTokenCheck")
        self.rememberTokenCheck.setAccessibleName("Remember the API token in the keyring")
        self.rememberTokenCheck.setChecked(True)
        self.rememberTokenCheck.toggled.connect(self.rememberToggled)
        self.tokenStoreLabel = QLabel()
        self.tokenStoreLabel.setObjectName("tokenStoreLabel")
        self.tokenStoreLabel.setAccessibleName("Where the API token is kept")
        self.tokenStoreLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.verifyButton = QPushButton("Verify")
        self.verifyButton.setObjectName("verifyButton")
        self.verifyButton.setAccessibleName("Verify the API token")
        self.verifyButton.setEnabled(False)  # until there is a token to verify
        self.verifyButton.setToolTip("Ask Cloudflare whether this API token is active")
        self.verifyButton.clicked.connect(self.verifyRequested)
        self.verifyStatusLabel = QLabel()
        self.verifyStatusLabel.setObjectName("verifyStatusLabel")
        self.verifyStatusLabel.setAccessibleName("API token status")
        self.verifyStatusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.verifyStatusLabel.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )

        self._layout()

    def _layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        # Profile and account ID share a row: the combo is short, and the height is better
        # spent on the rules table.
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profileCombo, 0, Qt.AlignmentFlag.AlignTop)
        profile_row.addWidget(self.manageAccountsButton, 0, Qt.AlignmentFlag.AlignTop)
        profile_row.addSpacing(16)
        account_label = buddy_label("&Account ID:", self.accountIdEdit)
        # As tall as the field, text centred: lines up with it even when a message shows below.
        account_label.setMinimumHeight(self.accountIdEdit.sizeHint().height())
        account_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        profile_row.addWidget(account_label, 0, Qt.AlignmentFlag.AlignTop)
        profile_row.addWidget(with_message(self.accountIdEdit, self.accountIdMessage), 1)
        form.addRow(buddy_label("&Profile:", self.profileCombo), profile_row)
        # The token field and Verify end where the account ID ends; what Cloudflare said about
        # the token sits under Verify, at the end of the row saying where the token is kept.
        token_row = QHBoxLayout()
        token_row.addWidget(self.apiTokenEdit, 1)
        token_row.addWidget(self.verifyButton)
        form.addRow(buddy_label("API &token:", self.apiTokenEdit), token_row)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.rememberTokenCheck)
        keep_row.addSpacing(12)
        keep_row.addWidget(self.tokenStoreLabel, 1)
        keep_row.addWidget(self.verifyStatusLabel)
        form.addRow("", keep_row)
        outer = QVBoxLayout(self)
        outer.addWidget(self.sandboxNote)
        outer.addLayout(form)
        self.form_layout = form

    def _build_sandbox_note(self) -> None:
        """Says plainly that the sandbox is a demo, and offers the way out of it."""
        self.sandboxNote = QWidget()
        self.sandboxNote.setObjectName("sandboxNote")
        self.sandboxNoteLabel = QLabel(SANDBOX_NOTE)
        self.sandboxNoteLabel.setObjectName("sandboxNoteLabel")
        self.sandboxNoteLabel.setAccessibleName("Sandbox demo")
        self.sandboxNoteLabel.setWordWrap(True)
        set_tone(self.sandboxNoteLabel, Tone.NOTICE, bold=True)
        self.addAccountButton = push_button(
            "addAccountButton", "Add your Cloudflare account…", self.addAccountRequested.emit
        )
        self.addAccountButton.setDefault(False)
        row = QHBoxLayout(self.sandboxNote)
        row.setContentsMargins(8, 2, 2, 2)
        row.addWidget(self.sandboxNoteLabel, 1)
        row.addWidget(self.addAccountButton)
        # Tints, not colours: they read the same on a light and a dark palette.
        self.sandboxNote.setStyleSheet(
            f"QWidget#sandboxNote {{ background: {tint_rgba(Tone.NOTICE, 0.12)};"
            f" border: 1px solid {tint_rgba(Tone.NOTICE, 0.5)}; border-radius: 4px; }}"
        )
        self.sandboxNote.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.sandboxNote.hide()

    def show_sandbox_note(self, shown: bool) -> None:
        self.sandboxNote.setVisible(shown)

    def focus_order(self) -> list[QWidget]:
        """The panel's controls in the order Tab visits them."""
        return [
            self.addAccountButton,
            self.profileCombo,
            self.manageAccountsButton,
            self.accountIdEdit,
            self.apiTokenEdit,
            self.verifyButton,
            self.rememberTokenCheck,
        ]

    # -- profile and account ID -------------------------------------------------------------

    def set_profiles(self, names: Sequence[str]) -> None:
        """Fill the selector (item data: the profile name) without choosing anything."""
        self.profileCombo.blockSignals(True)
        self.profileCombo.clear()
        for name in names:
            self.profileCombo.addItem(name, name)
        self.profileCombo.blockSignals(False)

    def show_profile(self, name: str, account_id: str) -> None:
        """Show `name` as the chosen profile, with its account ID."""
        index = self.profileCombo.findData(name)
        self.profileCombo.blockSignals(True)
        self.profileCombo.setCurrentIndex(index)
        self.profileCombo.blockSignals(False)
        self.accountIdEdit.setText(account_id)

    def profile_name(self) -> str | None:
        name = self.profileCombo.currentData()
        return name if isinstance(name, str) else None

    def account_id(self) -> str:
        return self.accountIdEdit.text().strip()

    def show_account_problem(self, problem: Problem | None) -> None:
        self.accountIdMessage.show_problem(self.accountIdEdit, problem)

    def _on_profile_index(self, index: int) -> None:
        name = self.profileCombo.itemData(index)
        if isinstance(name, str):
            self.profileChosen.emit(name)

    # -- API token --------------------------------------------------------------------------

    def show_token(self, display: TokenDisplay) -> None:
        # Only when it differs: setText would move the cursor of someone typing.
        if self.apiTokenEdit.text() != display.text:
            self.apiTokenEdit.setText(display.text)
        self.apiTokenEdit.setReadOnly(display.read_only)
        self.apiTokenEdit.setToolTip(display.tooltip)
        self._reading = display.reading
        self.apiTokenEdit.setPlaceholderText(
            READING_PLACEHOLDER if display.reading else TOKEN_PLACEHOLDER
        )
        # Shown as given without telling anyone: only a click is the user's choice.
        self.rememberTokenCheck.blockSignals(True)
        self.rememberTokenCheck.setEnabled(display.remember_enabled)
        self.rememberTokenCheck.setChecked(display.remember_checked)
        self.rememberTokenCheck.blockSignals(False)
        self.tokenStoreLabel.setText(f"Kept in: {display.store_text}")

    def is_reading(self) -> bool:
        """Whether the shown profile's token is still being read from the keyring."""
        return self._reading

    def _on_show_toggled(self, shown: bool) -> None:
        self.apiTokenEdit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.showTokenAction.setIcon(eye_icon(crossed=shown))
        text = "Hide token" if shown else "Show token"
        self.showTokenAction.setText(text)
        self.showTokenAction.setToolTip(text.replace("token", "the token"))

    # -- verify -----------------------------------------------------------------------------

    def set_verify_enabled(self, enabled: bool) -> None:
        self.verifyButton.setEnabled(enabled)

    def set_verify_status(self, status: str, tooltip: str = "") -> None:
        text, tone = VERIFY_TEXTS.get(status, (status, None))
        set_tone(self.verifyStatusLabel, tone, bold=tone is not None)
        self.verifyStatusLabel.setText(text)
        self.verifyStatusLabel.setToolTip(tooltip)
        self.verifyStatusLabel.setProperty("status", status)
