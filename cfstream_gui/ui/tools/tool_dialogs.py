"""The dialogs around a token, opened from the Tools menu and the result: the inspector, the
simulator, the playback check and Copy as code. One of each at a time; opening one again
raises it (with the new token, when one is given).

They stay open beside the window (the simulator and Copy as code follow the form as it is
edited) and get what they work with from the window controller's `ToolSources`; none of them
reaches into the window. Closing the window waits for a running playback check to stop.

The window imports this module only when the first of them opens: none is needed to start.
"""

from __future__ import annotations

import contextlib
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.inspector.dialog import InspectorDialog
from cfstream_gui.ui.tools.playback_dialog import PlaybackDialog
from cfstream_gui.ui.tools.simulator_dialog import SimulatorDialog
from cfstream_gui.ui.tools.snippets_dialog import SnippetsDialog
from cfstream_gui.ui.tools.sources import ToolSources

Dialog = TypeVar("Dialog", InspectorDialog, SimulatorDialog, PlaybackDialog, SnippetsDialog)


class ToolDialogs(QObject):
    def __init__(self, parent: QWidget, sources: ToolSources) -> None:
        super().__init__(parent)
        self._parent = parent
        self._sources = sources
        self._tasks = BackgroundTasks()
        self.inspector: InspectorDialog | None = None
        self.simulator: SimulatorDialog | None = None
        self.playback: PlaybackDialog | None = None
        self.snippets: SnippetsDialog | None = None

    def open_inspector(self, text: str = "") -> InspectorDialog:
        if self.inspector is None:
            self.inspector = self._opened(
                InspectorDialog(self._sources.setup, text, self._parent), "inspector"
            )
        else:
            self.inspector.set_text(text)
            _raise(self.inspector)
        return self.inspector

    def open_simulator(self) -> SimulatorDialog:
        if self.simulator is None:
            self.simulator = self._opened(
                SimulatorDialog(self._sources.form_rules, self._parent), "simulator"
            )
        else:
            _raise(self.simulator)
        return self.simulator

    def open_playback(self, text: str = "") -> PlaybackDialog:
        if self.playback is None:
            self.playback = self._opened(
                PlaybackDialog(self._sources.setup, text, self._parent), "playback"
            )
        else:
            self.playback.set_source(text)
            _raise(self.playback)
        return self.playback

    def open_snippets(self) -> SnippetsDialog:
        if self.snippets is None:
            self.snippets = self._opened(
                SnippetsDialog(self._sources.form_snippets, self._parent), "snippets"
            )
        else:
            self.snippets.refresh()
            _raise(self.snippets)
        return self.snippets

    def form_changed(self) -> None:
        """The form (or the account, or the signing key) changed: the dialogs that follow it
        look again."""
        if self.simulator is not None:
            self.simulator.refresh()
        if self.snippets is not None:
            self.snippets.refresh()

    async def close_dialogs(self) -> None:
        """Close what is open and wait for its work to end (the window is closing)."""
        for dialog in (self.inspector, self.simulator, self.playback, self.snippets):
            if dialog is not None:
                dialog.reject()
        await self._tasks.wait()

    def _opened(self, dialog: Dialog, slot: str) -> Dialog:
        dialog.finished.connect(
            lambda _result: self._tasks.spawn(self._closed(dialog, slot), f"{slot} closed")
        )
        dialog.show()
        return dialog

    async def _closed(
        self,
        dialog: InspectorDialog | SimulatorDialog | PlaybackDialog | SnippetsDialog,
        slot: str,
    ) -> None:
        # A playback check may still be running: it is cancelled and has ended before the
        # dialog goes, so nothing is left to call back into a deleted widget.
        with contextlib.suppress(Exception):
            await dialog.wait_idle()
        if getattr(self, slot) is dialog:
            setattr(self, slot, None)
        dialog.deleteLater()


def _raise(dialog: QDialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
