"""Signing keys: the account's keys and the keyring's, side by side, with create, import,
revoke and forget.

Every call to Cloudflare or the keyring runs as a task on the qasync loop (keyring calls in a
worker thread: an unlock prompt can take as long as the user does), so the dialog never
freezes. Questions (confirmations) are asked in the click handler, before any task starts: a
modal loop inside a running task would let other tasks step in the middle of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.cloudflare import ApiError
from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.inventory import KeyInventory, KeyRow, KeyState
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyNotSavedError, KeyService
from cfstream_gui.core.keys.signing_key import SigningKey, unsaved_api_pem
from cfstream_gui.core.storage.profiles import ProfileError
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.confirm_box import Confirm, confirm_with_message_box
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.style import monospace_font
from cfstream_gui.ui.common.widgets import PaddedDelegate, push_button, size_columns
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog, UnsavedKeyDialog
from cfstream_gui.ui.keys.keys_model import COLUMN_SAMPLES, KeysModel

KeyServiceSource = Callable[[], Awaitable[KeyService]] | KeyService

# Failures the user can act on: shown in the banner. Anything else is a bug (crash dialog).
USER_ERRORS = (ApiError, SecretStoreError, KeyNotHeldError, KeyImportError, ProfileError)
OFFLINE = "Could not reach Cloudflare; showing keys held here only."


def summary(inventory: KeyInventory) -> str:
    if not inventory.account_checked:
        return OFFLINE
    rows = inventory.rows
    if not rows:
        return "No signing keys on the account yet. Create one to sign tokens here."
    on_account = sum(row.state is not KeyState.ORPHANED for row in rows)
    held = sum(row.state is KeyState.HELD for row in rows)
    text = f"{on_account} {'key' if on_account == 1 else 'keys'} on the account, {held} held here"
    orphans = len(rows) - on_account
    if orphans:
        text += (
            f"; {orphans} more held here {'is' if orphans == 1 else 'are'} gone from the account"
        )
    return text + "."


class SigningKeysDialog(QDialog):
    """`source` is a KeyService, or an async callable making one (called once, on first use)."""

    def __init__(self, source: KeyServiceSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signingKeysDialog")
        self.setWindowTitle("Signing keys")
        self.resize(820, 480)
        self._source = source
        self._inventory: KeyInventory | None = None
        self._service: KeyService | None = source if isinstance(source, KeyService) else None
        self._tasks = BackgroundTasks()
        self._running = 0
        self._loaded = False
        # Overridable so tests can answer without a modal loop.
        self.confirm: Confirm = confirm_with_message_box
        self._build()
        self._update_buttons()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = ErrorBanner()
        intro = QLabel(
            "With a signing key held here, this app signs tokens itself: no request per token, "
            "no rate limit. Private keys are kept in your system keyring."
        )
        intro.setWordWrap(True)
        self.model = KeysModel(self.palette(), self)
        self.table = QTableView()
        self.table.setObjectName("signingKeysTable")
        self.table.setAccessibleName("Signing keys")
        self.table.setModel(self.model)
        self.table.setItemDelegate(PaddedDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        key_id, created = COLUMN_SAMPLES
        size_columns(self.table, {0: (key_id, monospace_font()), 1: (created, None)})
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        self.detailLabel = QLabel()
        self.detailLabel.setObjectName("keyDetailLabel")
        self.detailLabel.setAccessibleName("Selected key")
        self.detailLabel.setWordWrap(True)

        self.createButton = push_button("createKeyButton", "Create key", self._on_create)
        self.importButton = push_button("importKeyButton", "Import…", self._on_import)
        self.revokeButton = push_button("revokeKeyButton", "Revoke…", self._on_revoke)
        self.forgetButton = push_button("forgetKeyButton", "Forget locally", self._on_forget)
        self.refreshButton = push_button("refreshKeysButton", "Refresh", self.refresh)
        self.closeButton = push_button("closeButton", "Close", self.reject)
        self.createButton.setToolTip("Create a key on the account and keep it in the keyring")
        self.importButton.setToolTip("Keep the private key of an existing key in the keyring")
        self.revokeButton.setToolTip("Delete the key on the account: its tokens stop working")
        self.forgetButton.setToolTip("Remove the private key from this keyring only")

        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("keysStatusLabel")
        self.statusLabel.setAccessibleName("Keys status")
        self.busyIndicator = QProgressBar()
        self.busyIndicator.setObjectName("keysBusyIndicator")
        self.busyIndicator.setAccessibleName("Working")
        self.busyIndicator.setRange(0, 0)
        self.busyIndicator.setMaximumWidth(120)
        self.busyIndicator.setTextVisible(False)
        self.busyIndicator.hide()

        actions = QHBoxLayout()
        for button in (self.createButton, self.importButton, self.revokeButton):
            actions.addWidget(button)
        actions.addWidget(self.forgetButton)
        actions.addStretch(1)
        actions.addWidget(self.refreshButton)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.busyIndicator)
        bottom.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detailLabel)
        layout.addLayout(actions)
        layout.addLayout(bottom)

    # -- public API -------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._running > 0

    async def wait_idle(self, grace: float | None = None) -> None:
        """Until the running work (a create, a revoke) has finished: a key just made must be
        stored before the dialog goes. With `grace`, give up waiting after that many seconds
        and cancel the work (the window is closing, and a keyring that never answers must not
        keep it open)."""
        if grace is None:
            await self._tasks.wait()
            return
        try:
            await asyncio.wait_for(self._tasks.wait(), grace)
        except TimeoutError:
            await self._tasks.cancel_others()

    def selected_row(self) -> KeyRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows()[rows[0].row()] if rows else None

    def select_key(self, key_id: str) -> None:
        row = self.model.row_of(key_id)
        if row is not None:
            self.table.selectRow(row)

    def refresh(self) -> None:
        self._start(self._reload(), "refresh signing keys")

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.refresh()

    # -- actions (questions first, then a task) ---------------------------------------------

    def _on_create(self) -> None:
        self._start(self._create(), "create signing key")

    def _on_import(self) -> None:
        dialog = KeyImportDialog(self)
        dialog.accepted.connect(lambda: self._imported(dialog.signing_key()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _imported(self, key: SigningKey | None) -> None:
        if key is not None:
            self._start(self._store_import(key), "import signing key")

    def _on_revoke(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        question = f"Revoke signing key {row.key_id}?"
        consequences = (
            f"Every token signed with key {row.key_id} stops working, at once and for good. "
            "This cannot be undone."
        )
        if self.confirm(self, "Revoke signing key", question, consequences, "Revoke key"):
            self._start(self._revoke(row.key_id), "revoke signing key")

    def _on_forget(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        question = f"Forget signing key {row.key_id} on this computer?"
        consequences = (
            "The key stays on Cloudflare and tokens signed with it keep working, but this app "
            "can no longer sign with it. Unless you have a copy of the private key elsewhere, "
            "it cannot be brought back."
        )
        if row.state is KeyState.ORPHANED:
            consequences = (
                "The key is no longer on the account, so nothing it signs plays any more; "
                "forgetting it only removes the private key from this keyring."
            )
        if self.confirm(self, "Forget signing key", question, consequences, "Forget key"):
            self._start(self._forget(row.key_id), "forget signing key")

    # -- tasks ------------------------------------------------------------------------------

    def _start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self._running += 1
        self._update_buttons()
        self._tasks.spawn(self._guarded(work), name)

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except USER_ERRORS as exc:
            if shiboken6.isValid(self):
                self._show_error(exc)
        finally:
            self._running -= 1
            if shiboken6.isValid(self):
                self._update_buttons()

    async def _get_service(self) -> KeyService:
        if self._service is None:
            assert not isinstance(self._source, KeyService)
            self._service = await self._source()
        return self._service

    async def _reload(self, select: str | None = None) -> None:
        selected = self.selected_row()
        self.statusLabel.setText("Loading keys…")
        inventory = await (await self._get_service()).inventory()
        self._inventory = inventory
        self.model.set_rows(list(inventory.rows))
        self.statusLabel.setText(summary(inventory))
        wanted = select or (selected.key_id if selected else None)
        if wanted is not None:
            self.select_key(wanted)

    async def _create(self) -> None:
        self.banner.clear()
        service = await self._get_service()
        try:
            key = await service.create()
        except KeyNotSavedError as exc:
            self.banner.show_error(str(exc), "The key is shown once in the window that opened.")
            pem = unsaved_api_pem(exc.key, exc.material)
            # A dialog closed meanwhile (the user, or the window closing) is deleted soon: the
            # only copy of the key must not go with it, so it shows on the window instead.
            owner = self if self.isVisible() else self.parentWidget()
            dialog = UnsavedKeyDialog(exc.key_id, pem, str(exc), owner)
            dialog.finished.connect(dialog.deleteLater)
            dialog.open()
            await self._reload(select=exc.key_id)
            return
        self.banner.show_notice(
            f"Key {key.key_id} is stored in your keyring. Cloudflare shows the private key only "
            "once; it cannot be fetched again."
        )
        await self._reload(select=key.key_id)

    async def _store_import(self, key: SigningKey) -> None:
        self.banner.clear()
        service = await self._get_service()
        await in_daemon_thread(service.import_key, key.pem, key.key_id)
        await self._reload(select=key.key_id)
        row = self.selected_row()
        note = f"Key {key.key_id} is now held in your keyring."
        if row is not None and row.state is KeyState.ORPHANED:
            note += " It is not on the account, so tokens signed with it will not play."
        self.banner.show_notice(note)

    async def _revoke(self, key_id: str) -> None:
        self.banner.clear()
        await (await self._get_service()).revoke(key_id)
        self.banner.show_notice(f"Key {key_id} is revoked: tokens signed with it no longer play.")
        await self._reload()

    async def _forget(self, key_id: str) -> None:
        self.banner.clear()
        service = await self._get_service()
        await in_daemon_thread(service.forget, key_id)
        self.banner.show_notice(
            f"Key {key_id} is no longer held here. It is still on the account unless revoked."
        )
        await self._reload()

    # -- state ------------------------------------------------------------------------------

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, ApiError):
            self.banner.show_error(exc.message, exc.hint)
        else:
            self.banner.show_error(str(exc))
        if not self.model.rows():
            self.statusLabel.setText("The key list could not be loaded.")
        elif self.statusLabel.text() == "Loading keys…" and self._inventory is not None:
            self.statusLabel.setText(summary(self._inventory))

    def _update_buttons(self) -> None:
        busy = self.is_busy()
        row = self.selected_row()
        state = row.state if row is not None else None
        self.createButton.setEnabled(not busy)
        self.importButton.setEnabled(not busy)
        self.refreshButton.setEnabled(not busy)
        self.revokeButton.setEnabled(not busy and state in (KeyState.HELD, KeyState.NOT_HELD))
        self.forgetButton.setEnabled(not busy and state in (KeyState.HELD, KeyState.ORPHANED))
        self.busyIndicator.setVisible(busy)
        self.detailLabel.setText(f"{row.key_id}: {row.state.label}" if row else "")
        self.detailLabel.setVisible(row is not None)
