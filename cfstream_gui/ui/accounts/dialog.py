"""Accounts: add, edit, rename and remove profiles; saving first asks Cloudflare whether the API
token works and says what it can do.

The list on the left is the saved profiles (`profiles.json`); the form on the right edits one.
What was typed for each profile is kept while the dialog is open, so looking at another one
loses nothing. Keyring and file work runs in worker threads and Cloudflare is asked on the
qasync loop, with a busy state and Cancel; nothing is saved until Cloudflare has accepted the
token. The window learns what changed when the dialog closes (`changes()`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from cfstream_gui.core.accounts.changes import SavedAccount, remove_account, save_account
from cfstream_gui.core.accounts.drafts import (
    TOKEN_FIELD,
    AccountDraft,
    check_draft,
    draft_of,
    profile_from_draft,
)
from cfstream_gui.core.accounts.verify import AccountCheck, check_account
from cfstream_gui.core.cloudflare import ApiError
from cfstream_gui.core.credentials import API_TOKEN_ENV, Credentials, Origin, from_environment
from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.storage.profiles import Profile, ProfileError
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.core.validation import Severity
from cfstream_gui.core.validation.problems import error
from cfstream_gui.ui.accounts.account_list import NEW_KEY, AccountList
from cfstream_gui.ui.accounts.fields import (
    TOKEN_KEPT,
    TOKEN_NEW,
    TOKEN_NONE,
    TOKEN_READING,
    AccountFields,
)
from cfstream_gui.ui.accounts.setup import AccountsChanged, AccountsSetup
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.confirm_box import Confirm, confirm_with_message_box
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.widgets import push_button

INTRO = (
    "Each account is a profile: its account ID and settings are kept in the app's config "
    "folder, its API token in your system keyring. Saving asks Cloudflare about the token first."
)
NO_TOKEN = "Paste the API token: Cloudflare is asked whether it works before anything is saved."
CANCELLED = "Cancelled: nothing was saved."
REFUSED_HINT = "Check the token was copied whole, or create a new one in the dashboard."

USER_ERRORS = (ApiError, SecretStoreError, ProfileError, ValueError)


class AccountsDialog(QDialog):
    def __init__(self, setup: AccountsSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle("Accounts")
        self.resize(860, 520)
        self._setup = setup
        self._tasks = BackgroundTasks()
        self._work: asyncio.Task[Any] | None = None
        self._saved: dict[str, Profile] = {}
        self._drafts: dict[str, AccountDraft] = {}  # what was typed, by list key
        self._has_token: dict[str, bool] = {}  # whether the keyring holds one, by profile
        self._current: str | None = None  # the list key shown in the form
        self._stale: set[str] = set()
        self._use: str | None = None
        self._session_tokens: dict[str, Credentials] = {}
        self.last_check: AccountCheck | None = None
        # Overridable so tests can answer without a modal loop.
        self.confirm: Confirm = confirm_with_message_box
        self._build()
        self._reload(select=None if setup.add_first else setup.current)
        if setup.add_first or not self._saved:
            self._add()
        self._update_buttons()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = ErrorBanner()
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.accountsList = AccountList()
        self.accountsList.chosen.connect(self._on_chosen)
        self.fields = AccountFields()
        self.fields.edited.connect(self._update_buttons)
        self.checkLabel = QLabel()
        self.checkLabel.setObjectName("accountCheckLabel")
        self.checkLabel.setAccessibleName("What the API token can do")
        self.checkLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.checkLabel.setWordWrap(True)
        self.checkLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.addButton = push_button("addProfileButton", "Add", self._add)
        self.removeButton = push_button("removeProfileButton", "Remove…", self._on_remove)
        self.saveButton = push_button("saveProfileButton", "Check and save", self._on_save)
        self.saveButton.setToolTip("Ask Cloudflare about the API token, then save the account")
        self.useButton = push_button("useProfileButton", "Use in window", self._on_use)
        self.useButton.setToolTip("Close this dialog and switch the window to this account")
        self.cancelButton = push_button("accountsCancelButton", "Cancel", self._cancel)
        self.cancelButton.setAccessibleName("Cancel the running check")
        self.closeButton = push_button("closeButton", "Close", self.reject)
        self.busyIndicator = QProgressBar()
        self.busyIndicator.setObjectName("accountsBusyIndicator")
        self.busyIndicator.setAccessibleName("Working")
        self.busyIndicator.setRange(0, 0)
        self.busyIndicator.setMaximumWidth(120)
        self.busyIndicator.setTextVisible(False)
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("accountsStatusLabel")
        self.statusLabel.setAccessibleName("Accounts status")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)

        left = QVBoxLayout()
        left.addWidget(self.accountsList, 1)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.addButton)
        list_buttons.addWidget(self.removeButton)
        left.addLayout(list_buttons)
        right = QVBoxLayout()
        # The fields take the spare height (the form ends in a stretch): a two-line message
        # under a field then has the room its wrapped text needs.
        right.addWidget(self.fields, 1)
        right.addWidget(self.checkLabel)
        form_buttons = QHBoxLayout()
        form_buttons.addStretch(1)
        form_buttons.addWidget(self.saveButton)
        form_buttons.addWidget(self.useButton)
        right.addLayout(form_buttons)
        middle = QHBoxLayout()
        middle.addLayout(left)
        middle.addLayout(right, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.busyIndicator)
        bottom.addWidget(self.cancelButton)
        bottom.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        env_note = ""
        if from_environment_or_none(self._setup.env) is not None:
            env_note = (
                f"{API_TOKEN_ENV} is set: the window uses it this run, whatever token is "
                "saved here."
            )
        self.fields.set_env_note(env_note)

    # -- what the window reads --------------------------------------------------------------

    def changes(self) -> AccountsChanged:
        return AccountsChanged(tuple(sorted(self._stale)), self._use, dict(self._session_tokens))

    def is_busy(self) -> bool:
        return self._work is not None and not self._work.done()

    async def wait_idle(self, grace: float | None = None) -> None:
        """Until the running work has ended; with `grace`, cancel it after that many seconds
        (the window is closing)."""
        if grace is None:
            await self._tasks.wait()
            return
        try:
            await asyncio.wait_for(self._tasks.wait(), grace)
        except TimeoutError:
            await self._tasks.cancel_others()

    def selected_name(self) -> str | None:
        """The saved profile selected, None for the new one."""
        return self._current if self._current in self._saved else None

    # -- the list ---------------------------------------------------------------------------

    def _reload(self, select: str | None) -> None:
        """Read the saved profiles again and show `select` (else the new account being typed,
        else the first profile). Drafts kept for other profiles stay."""
        try:
            profiles = self._setup.profiles.list()
        except ProfileError as exc:
            self.banner.show_error(str(exc), "Fix or remove the profiles file, then reopen this.")
            profiles = []
        self._saved = {p.name: p for p in profiles}
        self.accountsList.fill(list(self._saved), with_new=NEW_KEY in self._drafts)
        keys = self.accountsList.keys()
        target = select if select in keys else (NEW_KEY if NEW_KEY in keys else None)
        if target is None and keys:
            target = keys[0]
        if target is not None:
            self.accountsList.choose(target)

    def _on_chosen(self, key: str, previous: str | None) -> None:
        if previous is not None:  # the user moved: what the check said was about another one
            self._drafts[previous] = self.fields.draft()
            self.checkLabel.clear()
        self._show(key)

    def _show(self, key: str) -> None:
        self._current = key
        profile = self._saved.get(key)
        draft = self._drafts.get(key) or (draft_of(profile) if profile else AccountDraft("", ""))
        self.fields.show_draft(draft)
        if profile is None:
            self.fields.set_token_placeholder(TOKEN_NEW)
        elif key in self._has_token:
            self.fields.set_token_placeholder(TOKEN_KEPT if self._has_token[key] else TOKEN_NONE)
        else:
            self.fields.set_token_placeholder(TOKEN_READING)
            self._tasks.spawn(self._read_has_token(key), "read whether a token is kept")
        self._update_buttons()

    async def _read_has_token(self, name: str) -> None:
        try:
            stored = await in_daemon_thread(self._setup.secrets.get_api_token, name)
        except SecretStoreError:
            stored = None  # said when saving needs it; a placeholder is no place for errors
        self._has_token[name] = stored is not None
        if shiboken6.isValid(self) and self._current == name:
            self.fields.set_token_placeholder(TOKEN_KEPT if stored is not None else TOKEN_NONE)

    def _add(self) -> None:
        if self._current != NEW_KEY or self.accountsList.row_of(NEW_KEY) is None:
            self._drafts.setdefault(NEW_KEY, AccountDraft("", ""))
            self.accountsList.add_new()
            self.accountsList.choose(NEW_KEY)
        self.fields.nameEdit.setFocus()

    # -- actions (questions first, then a task) ---------------------------------------------

    def _on_save(self) -> None:
        draft = self.fields.draft()
        original = self.selected_name()
        problems = check_draft(draft, taken=self._saved, original=original)
        self.fields.show_problems(problems)
        if any(p.severity is Severity.ERROR for p in problems):
            field = self.fields.first_problem_field(problems)
            if field is not None:
                field.setFocus()
            self.statusLabel.setText("Nothing was saved: fix the marked fields.")
            return
        self._start(partial(self._save, draft, original), "check and save the account")

    def _on_remove(self) -> None:
        name = self.selected_name()
        if name is None:  # the unsaved new one: nothing to ask
            self._drafts.pop(NEW_KEY, None)
            self._current = None
            self._reload(select=None)
            if not self._saved:
                self._add()
            self._update_buttons()
            return
        question = f"Remove the account “{name}”?"
        consequences = (
            "Its API token and any signing keys held for it are deleted from the keyring, and "
            "the profile from this app. The account itself, its videos and keys on Cloudflare "
            "are not touched."
        )
        if self.confirm(self, "Remove account", question, consequences, "Remove account"):
            self._start(partial(self._remove, name), "remove the account")

    def _on_use(self) -> None:
        name = self.selected_name()
        if name is not None:
            self._use = name
            self.accept()

    def _cancel(self) -> None:
        if self._work is not None and not self._work.done():
            self._work.cancel()
            self.statusLabel.setText(CANCELLED)

    # -- tasks ------------------------------------------------------------------------------

    def _start(self, work: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        """Run `work()` as the dialog's one task; its coroutine is made when the task starts,
        so a Cancel before then leaves nothing un-awaited."""
        self.banner.clear()
        self._work = self._tasks.spawn(self._guarded(work), name)
        self._work.add_done_callback(lambda _task: self._finished())
        self._update_buttons()

    async def _guarded(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            await work()
        except USER_ERRORS as exc:
            if shiboken6.isValid(self):
                self._show_error(exc)

    def _finished(self) -> None:
        if shiboken6.isValid(self):
            self._update_buttons()

    async def _save(self, draft: AccountDraft, original: str | None) -> None:
        self.statusLabel.setText("Asking Cloudflare about the API token…")
        credentials = await self._credentials(draft, original)
        if credentials is None:
            self.fields.show_problems([error(TOKEN_FIELD, NO_TOKEN)])
            self.statusLabel.setText("Nothing was saved.")
            return
        base = self._saved.get(original) if original is not None else None
        profile = profile_from_draft(draft, base)
        client = await self._setup.client(profile, credentials)
        result = await check_account(client, profile.account_id)
        self.last_check = result
        self.checkLabel.setText("\n".join(result.sentences()))
        if not result.active:
            self.banner.show_error(result.sentences()[0], "Nothing was saved.")
            self.statusLabel.setText("Nothing was saved.")
            return
        if result.customer_code and not profile.customer_code:
            profile = replace(profile, customer_code=result.customer_code)
        typed = credentials if credentials.origin is Origin.TYPED else None
        save = partial(save_account, original=original)
        setup = self._setup
        saved = await in_daemon_thread(save, setup.profiles, setup.secrets, profile, typed)
        self._after_save(saved, typed)

    async def _credentials(self, draft: AccountDraft, original: str | None) -> Credentials | None:
        """The token to ask Cloudflare about: the one typed, else the one kept for the
        profile, else the environment's."""
        typed = draft.typed_credentials()
        if typed is not None:
            return typed
        if original is not None:
            stored = await in_daemon_thread(self._setup.secrets.get_api_token, original)
            if stored:
                return Credentials.of(stored, Origin.KEYRING)
        return from_environment_or_none(self._setup.env)

    def _after_save(self, saved: SavedAccount, typed: Credentials | None) -> None:
        name, original = saved.profile.name, saved.renamed_from
        edited = self._current if self._current is not None else NEW_KEY
        self._stale.update(n for n in (name, original, edited) if n)
        for key in (edited, name):
            self._drafts.pop(key, None)
            self._has_token.pop(key, None)
        if edited == NEW_KEY:
            self._use = name  # a new account is what the user wants to work with next
        elif self._use in (original, edited) or original == self._setup.current:
            self._use = name  # the window's own profile, renamed: it stays on it
        if saved.token_not_saved and typed is not None:
            self._session_tokens[name] = typed
            self.banner.show_notice(
                "The account is saved, but its API token is kept for this session only: "
                f"{saved.token_not_saved}"
            )
        if saved.old_name_left:
            self.banner.show_error(
                f"“{name}” is saved, but the old name is still listed: {saved.old_name_left}",
                "Remove the old name again.",
            )
        self._current = None
        self._reload(select=name)
        self.statusLabel.setText(f"Saved “{name}”.")

    async def _remove(self, name: str) -> None:
        self.statusLabel.setText(f"Removing “{name}”…")
        removal = await in_daemon_thread(
            remove_account, self._setup.profiles, self._setup.secrets, name
        )
        self._stale.add(name)
        self._drafts.pop(name, None)
        self._has_token.pop(name, None)
        if self._use == name:
            self._use = None
        self._reload(select=None)
        if not self._saved and NEW_KEY not in self._drafts:
            self._add()
        self.statusLabel.setText(removal.describe())

    # -- state ------------------------------------------------------------------------------

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, ApiError):
            hint = REFUSED_HINT if exc.status in (401, 403) else exc.hint
            self.banner.show_error(exc.message, f"{hint} Nothing was saved.".strip())
        else:
            self.banner.show_error(str(exc), "Nothing was saved.")
        self.statusLabel.setText("Nothing was saved.")

    def _update_buttons(self) -> None:
        busy = self.is_busy()
        saved = self.selected_name() is not None
        self.fields.set_enabled(not busy)
        self.accountsList.setEnabled(not busy)
        self.addButton.setEnabled(not busy)
        self.removeButton.setEnabled(not busy)
        self.removeButton.setText("Remove…" if saved else "Discard")
        self.saveButton.setEnabled(not busy)
        self.useButton.setEnabled(not busy and saved)
        self.cancelButton.setEnabled(busy)
        self.busyIndicator.setVisible(busy)


def from_environment_or_none(env: Mapping[str, str]) -> Credentials | None:
    """CLOUDFLARE_API_TOKEN's credentials; None when unset or unusable (the window says why)."""
    try:
        return from_environment(env)
    except ValueError:
        return None
