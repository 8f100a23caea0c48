"""What the main window's menus open: Settings, Batch, the Tools dialogs (inspector, simulator,
playback check, copy as code) and About. Each dialog is imported and made when it is first asked
for: none of them is needed to start.

The window hands over the parts the menus need explicitly; this never reaches into its children.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from cfstream_gui.ui.account.panel import AccountPanel
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.menus import MenuActions, about_box
from cfstream_gui.ui.result_panel import ResultPanel

if TYPE_CHECKING:
    from cfstream_gui.ui.keys.key_dialogs import KeyDialogs
    from cfstream_gui.ui.settings_dialog import SettingsDialog
    from cfstream_gui.ui.tools.tool_dialogs import ToolDialogs
    from cfstream_gui.ui.window.controller import WindowController


class MenuDialogs:
    def __init__(
        self,
        parent: QWidget,
        controller: WindowController,
        *,
        actions: MenuActions,
        keys: KeyDialogs,
        form: TokenForm,
        account: AccountPanel,
        result: ResultPanel,
        status: Callable[[str, int], None],
    ) -> None:
        """`status(text, milliseconds)` shows a sentence in the window's status bar."""
        self._parent = parent
        self._controller = controller
        self._keys = keys
        self._form = form
        self._account = account
        self._result = result
        self._status = status
        self._tools: ToolDialogs | None = None
        self.settings_dialog: SettingsDialog | None = None
        actions.settings.triggered.connect(self.open_settings)
        actions.batch.triggered.connect(self.open_batch)
        actions.about.triggered.connect(self.show_about)
        actions.inspect_token.triggered.connect(lambda: self.tools().open_inspector())
        actions.simulate.triggered.connect(lambda: self.tools().open_simulator())
        actions.check_playback.triggered.connect(
            lambda: self.tools().open_playback(result.playback_text())
        )
        actions.copy_as_code.triggered.connect(lambda: self.tools().open_snippets())
        result.inspectRequested.connect(lambda: self.tools().open_inspector(result.token()))
        result.checkPlaybackRequested.connect(
            lambda: self.tools().open_playback(result.playback_text())
        )
        result.copyAsCodeRequested.connect(lambda: self.tools().open_snippets())

    def open_settings(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return
        from cfstream_gui.ui.settings_dialog import SettingsDialog

        controller = self._controller
        dialog = SettingsDialog(controller.settings(), self._parent)
        dialog.accepted.connect(lambda: controller.apply_settings(dialog.settings()))
        dialog.finished.connect(self._settings_closed)
        self.settings_dialog = dialog
        dialog.open()

    def _settings_closed(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
        self.settings_dialog = None

    def open_batch(self) -> None:
        from cfstream_gui.ui.window.gate import NO_PROFILE

        setup = self._controller.keys.batch_setup()
        if setup is None:
            self._status(NO_PROFILE, 8000)
            return
        self._keys.open_batch(setup)

    def tools(self) -> ToolDialogs:
        """The Tools dialogs, made when the first one opens."""
        if self._tools is None:
            from cfstream_gui.ui.tools.tool_dialogs import ToolDialogs

            self._tools = ToolDialogs(self._parent, self._controller.tools)
            self._form.changed.connect(self._tools.form_changed)
            self._account.accountIdChanged.connect(self._tools.form_changed)
        return self._tools

    def show_about(self) -> None:
        self._controller.tasks.spawn(self._about(), "show About")

    async def _about(self) -> None:
        about_box(self._parent, await self._controller.keys.store_text()).open()

    async def close_dialogs(self) -> None:
        """The window is closing: close what the menus opened."""
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        if self._tools is not None:
            await self._tools.close_dialogs()
