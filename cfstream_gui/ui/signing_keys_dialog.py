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
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.api import ApiError
from cfstream_gui.core.key_inventory import KeyInventory, KeyRow, KeyState
from cfstream_gui.core.key_service import KeyNotHeldError, KeyNotSavedError, KeyService
from cfstream_gui.core.profiles import ProfileError
from cfstream_gui.core.secrets import SecretStoreError
from cfstream_gui.core.signing_keys import KeyImportError, SigningKey
from cfstream_gui.ui.async_support import BackgroundTasks
from cfstream_gui.ui.error_banner import ErrorBanner
from cfstream_gui.ui.key_import_dialog import KeyImportDialog, UnsavedKeyDialog
from cfstream_gui.ui.style import Tone, monospace_font, text_color

KeyServiceSource = Callable[[], Awaitable[KeyService]] | KeyService
# (parent, title, question, consequences, action button label) -> the user chose the action
Confirm = Callable[[QWidget, str, str, str, str], bool]

# Failures the user can act on: shown in the banner. Anything else is a bug (crash dialog).
USER_ERRORS = (ApiError, SecretStoreError, KeyNotHeldError, KeyImportError, ProfileError)
ROOT = QModelIndex()
COLUMNS = ("Key ID", "Created", "Status")
OFFLINE = "Could not reach Cloudflare; showing keys held here only."
_TONES = {KeyState.HELD: Tone.OK, KeyState.ORPHANED: Tone.WARNING}


def confirm_with_message_box(
    parent: QWidget, title: str, question: str, consequences: str, action: str
) -> bool:
    box, chosen = confirmation_box(parent, title, question, consequences, action)
    box.exec()
    return box.clickedButton() is chosen


def confirmation_box(
    parent: QWidget | None, title: str, question: str, consequences: str, action: str
) -> tuple[QMessageBox, QAbstractButton]:
    """The question, unanswered, and its action button (any other answer means no)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(question)
    box.setInformativeText(consequences)
    chosen = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    # Enter and Escape both mean "no": only a deliberate click does the irreversible thing.
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    # QMessageBox sizes itself narrow; a 32-character key ID then breaks every line awkwardly.
    grid = box.layout()
    if isinstance(grid, QGridLayout):
        spacer = QSpacerItem(480, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        grid.addItem(spacer, grid.rowCount(), 0, 1, grid.columnCount())
    return box, chosen


def short_status(row: KeyRow) -> str:
    """The state's label up to its explanation in brackets; the full label is the tooltip."""
    text = row.state.label.split(" (", 1)[0]
    if row.state is KeyState.HELD and not row.account_checked:
        return f"{text} (account not checked)"
    return text


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


def _dot(color: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class PaddedDelegate(QStyledItemDelegate):
    """Room on both sides of each cell, so columns sized to their contents do not touch."""

    PADDING = 12

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.PADDING, size.height())


class KeysModel(QAbstractTableModel):
    def __init__(self, palette: QPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[KeyRow] = []
        self._palette = palette
        neutral = palette.color(QPalette.ColorRole.PlaceholderText)
        self._icons = {
            state: _dot(text_color(_TONES[state], palette) if state in _TONES else neutral)
            for state in KeyState
        }

    def set_rows(self, rows: list[KeyRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[KeyRow]:
        return list(self._rows)

    def row_of(self, key_id: str) -> int | None:
        return next((i for i, row in enumerate(self._rows) if row.key_id == key_id), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            return monospace_font()
        if column != 2:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons[row.state]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.state.label
        if role == Qt.ItemDataRole.ForegroundRole and row.state is KeyState.ORPHANED:
            return text_color(Tone.WARNING, self._palette)
        return None

    @staticmethod
    def _text(row: KeyRow, column: int) -> str:
        if column == 0:
            return row.key_id
        if column == 1:
            created = row.created
            return created.astimezone().strftime("%Y-%m-%d %H:%M") if created else "—"
        return short_status(row)


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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        self.detailLabel = QLabel()
        self.detailLabel.setObjectName("keyDetailLabel")
        self.detailLabel.setAccessibleName("Selected key")
        self.detailLabel.setWordWrap(True)

        self.createButton = self._button("createKeyButton", "Create key", self._on_create)
        self.importButton = self._button("importKeyButton", "Import…", self._on_import)
        self.revokeButton = self._button("revokeKeyButton", "Revoke…", self._on_revoke)
        self.forgetButton = self._button("forgetKeyButton", "Forget locally", self._on_forget)
        self.refreshButton = self._button("refreshKeysButton", "Refresh", self.refresh)
        self.closeButton = self._button("closeButton", "Close", self.reject)
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

    def _button(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- public API -------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._running > 0

    async def wait_idle(self) -> None:
        await self._tasks.wait()

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
            pem = exc.key.pem if exc.key is not None else exc.material.pem
            dialog = UnsavedKeyDialog(exc.key_id, pem, str(exc), self)
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
        await asyncio.to_thread(service.import_key, key.pem, key.key_id)
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
        await asyncio.to_thread(service.forget, key_id)
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
