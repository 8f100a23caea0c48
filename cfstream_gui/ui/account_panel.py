"""Whose Cloudflare account the token is made for: profile, account ID and API token.

The API token is read from the keyring once per profile, in a worker thread (a keyring call is
a D-Bus round trip, and the first one also picks the backend), and kept in memory for the
session as a `Credentials` value per profile: what the user types, the keyring holds, the
environment sets or the sandbox hands out. The field shows that value; it is never read back to
find the token. The window asks `remember_token()` to save it after Cloudflare accepted it;
unchecking "Remember in keyring" deletes it from the keyring at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

from cfstream_gui.core.credentials import (
    API_TOKEN_ENV,
    Credentials,
    InvalidApiToken,
    Origin,
    from_environment,
)
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.icons import eye_icon
from cfstream_gui.ui.common.inline_message import (
    InlineMessage,
    buddy_label,
    enable_clear_button,
    with_message,
)
from cfstream_gui.ui.common.style import Tone, text_color

ENV_STORE_TEXT = f"environment ({API_TOKEN_ENV})"
SESSION_STORE_TEXT = "this session only"
UNAVAILABLE_STORES = {"no keyring available", "keyring turned off (null backend)"}

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


@dataclass(frozen=True)
class _KeyringRead:
    token: str | None
    store: str
    error: SecretStoreError | None


class AccountPanel(QGroupBox):
    profileChanged = Signal(str)
    # Anything the Create button depends on changed: account ID, token, loading state.
    changed = Signal()
    verifyRequested = Signal()
    # Trouble with the keyring: message and what to do, for the window's banner.
    keyringProblem = Signal(str, str)

    def __init__(
        self,
        secrets: SecretStore,
        tasks: BackgroundTasks,
        env: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Account", parent)
        self.setObjectName("accountGroup")
        self._secrets = secrets
        self._tasks = tasks
        self._env: Mapping[str, str] = os.environ if env is None else env
        self._profiles: dict[str, Profile] = {}
        self._session_only: set[str] = set()  # the sandbox: token in memory, never the keyring
        self._tokens: dict[str, str] = {}  # what each profile's token field shows this session
        # The credentials each profile uses this session; absent: none (or not sendable).
        self._credentials: dict[str, Credentials] = {}
        self._stored: dict[str, str | None] = {}  # what the keyring holds, as far as we know
        self._reading: set[str] = set()
        self._store_name: str | None = None  # None until the keyring backend has been asked
        self._current: str | None = None
        self._remember_wanted = True
        self._build()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.profileCombo = QComboBox()
        self.profileCombo.setObjectName("profileCombo")
        self.profileCombo.setAccessibleName("Profile")
        self.profileCombo.setToolTip("Saved Cloudflare set-ups (cfstream-token profiles)")
        self.profileCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profileCombo.currentIndexChanged.connect(self._on_profile_index)

        self.accountIdEdit = QLineEdit()
        self.accountIdEdit.setObjectName("accountIdEdit")
        self.accountIdEdit.setAccessibleName("Account ID")
        self.accountIdEdit.setPlaceholderText("32 hex characters, from the dashboard's sidebar")
        enable_clear_button(self.accountIdEdit)
        self.accountIdEdit.textChanged.connect(self.changed)
        self.accountIdMessage = InlineMessage("accountIdMessage", "Account ID problem")

        self.apiTokenEdit = QLineEdit()
        self.apiTokenEdit.setObjectName("apiTokenEdit")
        self.apiTokenEdit.setAccessibleName("API token")
        self.apiTokenEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.apiTokenEdit.setPlaceholderText("An API token with Stream Edit permission")
        self.apiTokenEdit.textEdited.connect(self._on_token_edited)
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
        self.rememberTokenCheck.toggled.connect(self._on_remember_toggled)
        self.tokenStoreLabel = QLabel()
        self.tokenStoreLabel.setObjectName("tokenStoreLabel")
        self.tokenStoreLabel.setAccessibleName("Where the API token is kept")
        self.tokenStoreLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.verifyButton = QPushButton("Verify")
        self.verifyButton.setObjectName("verifyButton")
        self.verifyButton.setAccessibleName("Verify the API token")
        self.verifyButton.setToolTip("Ask Cloudflare whether this API token is active")
        self.verifyButton.clicked.connect(self.verifyRequested)
        self.verifyStatusLabel = QLabel()
        self.verifyStatusLabel.setObjectName("verifyStatusLabel")
        self.verifyStatusLabel.setAccessibleName("API token status")
        self.verifyStatusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.verifyStatusLabel.setMinimumWidth(90)

        self._layout()
        self._update_store_label()

    def _layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        # Profile and account ID share a row: the combo is short, and the height is better
        # spent on the rules table.
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profileCombo, 0, Qt.AlignmentFlag.AlignTop)
        profile_row.addSpacing(16)
        account_label = buddy_label("&Account ID:", self.accountIdEdit)
        # As tall as the field, text centred: lines up with it even when a message shows below.
        account_label.setMinimumHeight(self.accountIdEdit.sizeHint().height())
        account_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        profile_row.addWidget(account_label, 0, Qt.AlignmentFlag.AlignTop)
        profile_row.addWidget(with_message(self.accountIdEdit, self.accountIdMessage), 1)
        form.addRow(buddy_label("&Profile:", self.profileCombo), profile_row)
        token_row = QHBoxLayout()
        token_row.addWidget(self.apiTokenEdit, 1)
        token_row.addWidget(self.verifyButton)
        token_row.addWidget(self.verifyStatusLabel)
        form.addRow(buddy_label("API &token:", self.apiTokenEdit), token_row)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.rememberTokenCheck)
        keep_row.addSpacing(12)
        keep_row.addWidget(self.tokenStoreLabel, 1)
        form.addRow("", keep_row)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        self.form_layout = form

    # -- profiles ---------------------------------------------------------------------------

    def set_profiles(
        self, profiles: Sequence[Profile], session_tokens: Mapping[str, str] | None = None
    ) -> None:
        """Fill the selector. `session_tokens` are profiles whose token lives in memory only
        (the sandbox's demo token); they never touch the keyring."""
        session_tokens = session_tokens or {}
        self._profiles = {p.name: p for p in profiles}
        self._session_only = set(session_tokens)
        for name, token in session_tokens.items():
            self._tokens[name] = token
            self._credentials[name] = Credentials.of(token, Origin.SANDBOX)
        self.profileCombo.blockSignals(True)
        self.profileCombo.clear()
        for profile in profiles:
            self.profileCombo.addItem(profile.name, profile.name)
        self.profileCombo.blockSignals(False)
        self._current = None
        if profiles:
            self._switch_to(profiles[0].name)

    def select_profile(self, name: str, *, keep_account_id: bool = False) -> bool:
        index = self.profileCombo.findData(name)
        if index < 0:
            return False
        account_id = self.accountIdEdit.text()
        self.profileCombo.setCurrentIndex(index)
        if self._current != name:
            self._switch_to(name)
        if keep_account_id:
            self.accountIdEdit.setText(account_id)
        return True

    def profile(self) -> Profile | None:
        return self._profiles.get(self._current) if self._current else None

    def profile_name(self) -> str | None:
        return self._current

    def is_session_only(self) -> bool:
        return self._current in self._session_only

    def account_id(self) -> str:
        return self.accountIdEdit.text().strip()

    def credentials(self) -> Credentials | None:
        """The credentials the current profile uses: the environment's when it sets a token,
        else what was typed, read from the keyring or handed out by the sandbox."""
        env = self._env_credentials()
        if env is not None:
            return env
        return self._credentials.get(self._current) if self._current else None

    def api_token(self) -> str:
        """The current token, or "" (for the window's checks and its secret guards)."""
        credentials = self.credentials()
        return "" if credentials is None else credentials.api_token

    def has_unusable_token(self) -> bool:
        """Whether the field holds text that cannot be an API token (spaces, line breaks…)."""
        return bool(self._current and self._tokens.get(self._current, "").strip()) and (
            self.credentials() is None
        )

    def is_reading(self) -> bool:
        """Whether the current profile's token is still being read from the keyring."""
        return self._current in self._reading

    def _on_profile_index(self, index: int) -> None:
        name = self.profileCombo.itemData(index)
        if isinstance(name, str) and name != self._current:
            self._switch_to(name)

    def _switch_to(self, name: str) -> None:
        self._current = name
        profile = self._profiles[name]
        self.accountIdEdit.setText(profile.account_id)
        self.set_verify_status("")
        session_only = name in self._session_only
        env_token = self._env_token()
        self.apiTokenEdit.setReadOnly(env_token is not None)
        self.apiTokenEdit.setToolTip(
            f"Set by {API_TOKEN_ENV}, which wins for this run" if env_token else ""
        )
        self._show_remember(not session_only and env_token is None)
        if env_token is not None:
            self.apiTokenEdit.setText(env_token)
        elif name in self._tokens:
            self.apiTokenEdit.setText(self._tokens[name])
        else:
            self.apiTokenEdit.clear()
            self._start_read(name)
        if env_token is not None or session_only:
            # Still learn the store's name, for the label once the user looks elsewhere.
            self._start_read(name, token_too=False)
        self._update_store_label()
        self.profileChanged.emit(name)
        self.changed.emit()

    # -- keyring ----------------------------------------------------------------------------

    def _env_token(self) -> str | None:
        value = self._env.get(API_TOKEN_ENV, "").strip()
        return value or None

    def _env_credentials(self) -> Credentials | None:
        try:
            return from_environment(self._env)
        except InvalidApiToken:
            return None

    def _start_read(self, name: str, *, token_too: bool = True) -> None:
        if token_too:
            self._reading.add(name)
            self.apiTokenEdit.setPlaceholderText("Reading the keyring…")
        elif self._store_name is not None:
            return
        self._tasks.spawn(self._read(name, token_too), f"read keyring for {name}")

    async def _read(self, name: str, token_too: bool) -> None:
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(None, self._read_blocking, name, token_too)
        finally:
            self._reading.discard(name)
            self.apiTokenEdit.setPlaceholderText("An API token with Stream Edit permission")
        self._store_name = result.store
        if result.error is not None:
            self.keyringProblem.emit(result.error.message, "Type the API token to use it now.")
        if token_too:
            self._stored[name] = result.token
            # Whatever the user typed meanwhile wins over what the keyring had.
            typed = self._tokens.get(name)
            if result.token and not typed:
                self._tokens[name] = result.token
                with contextlib.suppress(InvalidApiToken):  # a damaged entry: type it again
                    self._credentials[name] = Credentials.of(result.token, Origin.KEYRING)
                if name == self._current:
                    self.apiTokenEdit.setText(result.token)
        if self._store_name in UNAVAILABLE_STORES:
            self._show_remember(False)
        self._update_store_label()
        self.changed.emit()

    def _read_blocking(self, name: str, token_too: bool) -> _KeyringRead:
        """Runs in a worker thread."""
        token: str | None = None
        error: SecretStoreError | None = None
        if token_too:
            try:
                token = self._secrets.get_api_token(name)
            except SecretStoreError as exc:
                error = exc
        return _KeyringRead(token, self._secrets.store_name(), error)

    async def remember_token(self) -> None:
        """Save the token in use to the keyring if the user wants that and it is not there yet.
        Raises SecretStoreError with a sentence when the keyring refuses."""
        name, token = self._current, self.api_token()
        if name is None or not token or not self._may_store():
            return
        if self._stored.get(name) == token:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._secrets.set_api_token, name, token)
        self._stored[name] = token
        self._credentials[name] = Credentials(token, Origin.KEYRING)
        self._update_store_label()

    def _may_store(self) -> bool:
        return (
            self.rememberTokenCheck.isChecked()
            and self.rememberTokenCheck.isEnabled()
            and self._current not in self._session_only
            and self._env_token() is None
        )

    def _show_remember(self, possible: bool) -> None:
        """Enable the checkbox where remembering is possible; elsewhere show it unchecked
        without touching the user's choice (or the keyring)."""
        possible = possible and self._store_name not in UNAVAILABLE_STORES
        self.rememberTokenCheck.blockSignals(True)
        self.rememberTokenCheck.setEnabled(possible)
        self.rememberTokenCheck.setChecked(self._remember_wanted and possible)
        self.rememberTokenCheck.blockSignals(False)

    def _on_remember_toggled(self, checked: bool) -> None:
        self._remember_wanted = checked
        name = self._current
        if not checked and name is not None and name not in self._session_only:
            self._tasks.spawn(self._forget(name), f"forget token for {name}")
        self._update_store_label()
        self.changed.emit()

    async def _forget(self, name: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._secrets.delete_api_token, name)
        except SecretStoreError as exc:
            self.keyringProblem.emit(exc.message, "")
            return
        self._stored[name] = None

    def store_text(self) -> str:
        """Where the token in the field is (or will be) kept."""
        if self._env_token() is not None:
            return ENV_STORE_TEXT
        if self._current in self._session_only:
            return f"{SESSION_STORE_TEXT} (sandbox demo token)"
        if self._store_name in UNAVAILABLE_STORES:
            return f"{SESSION_STORE_TEXT} ({self._store_name})"
        if not self.rememberTokenCheck.isChecked():
            return SESSION_STORE_TEXT
        return self._store_name or "the system keyring"

    def _update_store_label(self) -> None:
        self.tokenStoreLabel.setText(f"Kept in: {self.store_text()}")

    # -- token field ------------------------------------------------------------------------

    def _on_token_edited(self, text: str) -> None:
        name = self._current
        if name is not None:
            self._tokens[name] = text
            self._credentials.pop(name, None)
            with contextlib.suppress(InvalidApiToken):  # said by the Create button's reason
                self._credentials[name] = Credentials.of(text, Origin.TYPED)
        self.set_verify_status("")
        self.changed.emit()

    def _on_show_toggled(self, shown: bool) -> None:
        self.apiTokenEdit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.showTokenAction.setIcon(eye_icon(crossed=shown))
        text = "Hide token" if shown else "Show token"
        self.showTokenAction.setText(text)
        self.showTokenAction.setToolTip(text.replace("token", "the token"))

    def set_verify_status(self, status: str, tooltip: str = "") -> None:
        text, tone = VERIFY_TEXTS.get(status, (status, None))
        color = text_color(tone, self.palette()).name() if tone is not None else ""
        self.verifyStatusLabel.setStyleSheet(f"color: {color}; font-weight: bold;" if color else "")
        self.verifyStatusLabel.setText(text)
        self.verifyStatusLabel.setToolTip(tooltip)
        self.verifyStatusLabel.setProperty("status", status)
