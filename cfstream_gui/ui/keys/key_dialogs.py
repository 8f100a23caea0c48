"""The dialogs of the Keys and Tools menus, opened from the main window: Signing keys, Import
key and Batch tokens. One of each at a time; opening it again raises the open one.

They are given what they work with (a `KeyService` factory, a `BatchSetup`) and report back
through signals; none of them reaches into the window. Closing the window waits for the work
they still run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from cfstream_gui.ui.common.async_support import BackgroundTasks

# How long closing the window waits for a key dialog's running work before cancelling it.
CLOSE_GRACE_SECONDS = 5.0

# Each dialog (and the key parsing, batch signing and API calls behind it) loads when it is
# first opened: most sessions open none of them.
if TYPE_CHECKING:
    from cfstream_gui.core.keys.service import KeyService
    from cfstream_gui.core.keys.signing_key import SigningKey
    from cfstream_gui.ui.batch.dialog import BatchDialog
    from cfstream_gui.ui.batch.setup import BatchSetup
    from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog

KeyServiceFactory = Callable[[], Awaitable["KeyService"]]


class KeyDialogs(QObject):
    # The Signing keys dialog closed and its work ended: the held keys may have changed.
    keysChanged = Signal()
    # The Import key dialog accepted a key (a SigningKey) to hold for the current profile.
    keyImported = Signal(object)
    # Work the Signing keys dialog was still doing when it closed failed: (message, hint).
    keysProblem = Signal(str, str)

    def __init__(
        self,
        parent: QWidget,
        *,
        tasks: BackgroundTasks,
        key_service: KeyServiceFactory,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._key_service = key_service
        self.keys_dialog: SigningKeysDialog | None = None
        self.batch_dialog: BatchDialog | None = None

    def open_signing_keys(self) -> None:
        if self.keys_dialog is not None:
            self.keys_dialog.raise_()
            self.keys_dialog.activateWindow()
            return
        from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog

        dialog = SigningKeysDialog(self._key_service, self._parent)
        self.keys_dialog = dialog
        dialog.finished.connect(
            lambda _result: self._tasks.spawn(self._keys_dialog_closed(dialog), "keys closed")
        )
        dialog.open()

    async def _keys_dialog_closed(self, dialog: SigningKeysDialog) -> None:
        # A create or revoke may still be running: it must finish (and the key be stored)
        # before the dialog goes, or its result would be lost.
        shown = (dialog.banner.tone(), dialog.banner.message())
        with contextlib.suppress(Exception):
            await dialog.wait_idle()
        banner = dialog.banner
        if banner.tone() == "error" and (banner.tone(), banner.message()) != shown:
            # Said after the dialog closed, so seen nowhere: and it may be that Cloudflare
            # made a key whose private half never arrived.
            self.keysProblem.emit(banner.message(), banner.hint())
        if self.keys_dialog is dialog:
            self.keys_dialog = None
        dialog.deleteLater()
        self.keysChanged.emit()

    def open_import(self) -> None:
        from cfstream_gui.ui.keys.import_dialog import KeyImportDialog

        dialog = KeyImportDialog(self._parent)
        dialog.accepted.connect(lambda: self._imported(dialog.signing_key()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _imported(self, key: SigningKey | None) -> None:
        if key is not None:
            self.keyImported.emit(key)

    def open_batch(self, setup: BatchSetup) -> None:
        if self.batch_dialog is not None:
            self.batch_dialog.raise_()
            self.batch_dialog.activateWindow()
            return
        from cfstream_gui.ui.batch.dialog import BatchDialog

        dialog = BatchDialog(setup, parent=self._parent)
        self.batch_dialog = dialog
        dialog.finished.connect(
            lambda _result: self._tasks.spawn(self._batch_closed(dialog), "batch closed")
        )
        dialog.open()

    async def _batch_closed(self, dialog: BatchDialog) -> None:
        with contextlib.suppress(Exception):
            await dialog.wait_idle()
        if self.batch_dialog is dialog:
            self.batch_dialog = None
        dialog.deleteLater()

    async def close_dialogs(self) -> None:
        """Close what is open and wait for its work to end (the window is closing), but only
        for a few seconds: work stuck on a keyring that never answers is cancelled."""
        if self.keys_dialog is not None:
            self.keys_dialog.reject()
            with contextlib.suppress(Exception):
                await self.keys_dialog.wait_idle(grace=CLOSE_GRACE_SECONDS)
        if self.batch_dialog is not None:
            self.batch_dialog.reject()  # signing stops after its current chunk
            with contextlib.suppress(Exception):
                await self.batch_dialog.wait_idle()
