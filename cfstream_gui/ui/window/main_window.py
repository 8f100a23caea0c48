"""The main window: account, token form, Create, and the result. It is the view of
`WindowController`, which decides everything: the window composes its parts, shows what the
controller tells it (`view.WindowView`, implemented by delegating to the parts) and hands the
user's clicks and edits to the controller's slots (`attach`).

No part reaches into another: each exposes small methods and signals, and only this module
knows them all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QMainWindow,
    QScrollArea,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

# isort: split
import qasync  # after PySide6, so qasync binds to it rather than probing other Qt bindings

from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.settings import CLIPBOARD_CLEAR_SECONDS, Settings
from cfstream_gui.core.storage.form_state import FormState
from cfstream_gui.core.token_service import TokenResult
from cfstream_gui.core.validation import Problem
from cfstream_gui.ui.account.panel import AccountPanel
from cfstream_gui.ui.account.tokens import TokenDisplay
from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.common.clipboard import clear_copied_secret
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.form_scroll_area import FormScrollArea
from cfstream_gui.ui.common.inline_message import FIELD_STYLE, align_labels
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.keys.key_dialogs import KeyDialogs
from cfstream_gui.ui.menus import about_box, build_menus
from cfstream_gui.ui.result_panel import ResultPanel
from cfstream_gui.ui.settings_dialog import SettingsDialog
from cfstream_gui.ui.window.controller import WindowController
from cfstream_gui.ui.window.gate import NO_PROFILE
from cfstream_gui.ui.window.saved_form import FormValues

if TYPE_CHECKING:  # imported when the first Tools dialog opens: none is needed to start
    from cfstream_gui.ui.tools.tool_dialogs import ToolDialogs

# Fits everything (the banner, a signing key row, five rules) without scrolling.
DEFAULT_WIDTH = 980
ROOM_FOR_BANNER_AND_RESULT = 110


class MainWindow(QMainWindow):
    # Emitted once the window has closed and everything it started has finished.
    closed = Signal()

    def __init__(
        self, *, clock: Callable[[], float] = time.time, parent: QWidget | None = None
    ) -> None:
        """The widgets only; `attach()` then connects them to their controller."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Cloudflare Stream tokens — cfstream-gui")
        self.setAccessibleName("cfstream-gui")
        self._closing = False
        self._shut_down = False
        self._tools: ToolDialogs | None = None
        self.banner = ErrorBanner()
        self.account = AccountPanel()
        self.form = TokenForm(clock)
        self.result = ResultPanel(clock)
        self.action_bar = ActionBar()
        # The automation contract names these on the window itself.
        self.createTokenButton = self.action_bar.createTokenButton
        self.cancelButton = self.action_bar.cancelButton
        self.createStatusLabel = self.action_bar.createStatusLabel
        self.menu_actions = build_menus(self)
        self._layout()
        align_labels(self.account.form_layout, self.form.form_layout)
        self.setStyleSheet(FIELD_STYLE)
        # Tall enough for the whole form plus an error banner and the result's detail lines, so
        # neither pushes the form into a scroll bar (the window manager keeps it on screen).
        self.resize(DEFAULT_WIDTH, self.sizeHint().height() + ROOM_FOR_BANNER_AND_RESULT)
        self.banner.errorShown.connect(self._clear_status)
        self.result.copied.connect(self._say_copied)
        self.settings_dialog: SettingsDialog | None = None
        self.result.previewFailed.connect(lambda text: self.show_status(text, 8000))
        self.form.preview.showRequestToggle.toggled.connect(self._reveal_preview)

    def attach(self, controller: WindowController) -> None:
        """Hand the user's clicks and edits to `controller` (whose view this window is)."""
        self.controller = controller
        self.keys = KeyDialogs(
            self, tasks=controller.tasks, key_service=controller.keys.key_service
        )
        self.account.profileChosen.connect(controller.choose_profile)
        self.account.accountIdChanged.connect(controller.refresh)
        self.account.tokenEdited.connect(controller.type_api_token)
        self.account.rememberToggled.connect(controller.set_remember)
        self.account.verifyRequested.connect(controller.verify)
        self.form.changed.connect(controller.refresh)
        self.form.signing.manageKeysRequested.connect(self.keys.open_signing_keys)
        self.keys.keysChanged.connect(controller.keys.reload)
        self.keys.keyImported.connect(controller.keys.import_key)
        self.keys.keysProblem.connect(self.show_error)
        self.createTokenButton.clicked.connect(controller.create)
        self.cancelButton.clicked.connect(controller.cancel)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.createTokenButton.click)
        self.menu_actions.settings.triggered.connect(self._open_settings)
        self.menu_actions.signing_keys.triggered.connect(self.keys.open_signing_keys)
        self.menu_actions.import_key.triggered.connect(self.keys.open_import)
        self.menu_actions.batch.triggered.connect(self._open_batch)
        self.menu_actions.about.triggered.connect(self._show_about)
        self._attach_tools()
        controller.shutDown.connect(self._on_shut_down)

    def _layout(self) -> None:
        scroll_body = QWidget()
        body = QVBoxLayout(scroll_body)
        body.setContentsMargins(0, 0, 4, 0)
        body.setSpacing(6)
        body.addWidget(self.account)
        body.addWidget(self.form, 1)
        scroll = FormScrollArea()
        scroll.setObjectName("formScrollArea")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(scroll_body)
        self._scroll = scroll

        result_group = QGroupBox("Result")
        result_group.setObjectName("resultGroup")
        result_layout = QVBoxLayout(result_group)
        result_layout.addWidget(self.result)
        # Spare height collects here, under the result, not as a dead band mid-form.
        result_layout.addStretch(1)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 6, 8, 2)
        outer.setSpacing(6)
        outer.addWidget(self.banner)
        outer.addWidget(scroll)
        outer.addWidget(self.action_bar)
        outer.addWidget(result_group, 1)
        self.setCentralWidget(central)

    def _reveal_preview(self, shown: bool) -> None:
        """The preview opens below the rules: scroll it into view once it has its height."""
        if shown:
            QTimer.singleShot(0, lambda: self._scroll.ensureWidgetVisible(self.form.preview))

    def _clear_status(self) -> None:
        """An error makes the last status ("Token created", "Copied…") stale."""
        bar = self.findChild(QStatusBar)
        if bar is not None:
            bar.clearMessage()

    def _say_copied(self, what: str) -> None:
        seconds = self.result.clipboard_clear_seconds
        after = f"; it is cleared in {seconds} s" if seconds else ""
        self.show_status(f"Copied the {what} to the clipboard{after}", 5000)

    def _open_settings(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return
        dialog = SettingsDialog(self.controller.settings(), self)
        dialog.accepted.connect(lambda: self.controller.apply_settings(dialog.settings()))
        dialog.finished.connect(self._settings_closed)
        self.settings_dialog = dialog
        dialog.open()

    def _settings_closed(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
        self.settings_dialog = None

    def _open_batch(self) -> None:
        setup = self.controller.keys.batch_setup()
        if setup is None:
            self.show_status(NO_PROFILE, 8000)
            return
        self.keys.open_batch(setup)

    def _attach_tools(self) -> None:
        actions, result = self.menu_actions, self.result
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

    def tools(self) -> ToolDialogs:
        """The Tools dialogs (inspector, simulator, playback check, copy as code), made when
        the first one opens."""
        if self._tools is None:
            from cfstream_gui.ui.tools.tool_dialogs import ToolDialogs

            self._tools = ToolDialogs(self, self.controller.tools)
            self.form.changed.connect(self._tools.form_changed)
            self.account.accountIdChanged.connect(self._tools.form_changed)
        return self._tools

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def _show_about(self) -> None:
        about_box(self, await self.controller.keys.store_text()).open()

    # -- what the automation contract and the tests poll -------------------------------------

    def is_busy(self) -> bool:
        """A create or verify is running."""
        return self.controller.is_busy()

    def capture_form(self) -> FormState:
        return self.controller.capture_form()

    # -- the view: what the user filled in ---------------------------------------------------

    def form_request(self) -> TokenRequest:
        return self.form.request()

    def form_values(self) -> FormValues:
        return FormValues(
            video=self.form.video_uid(),
            exp=self.form.expiry.value(),
            nbf=self.form.nbf.value(),
            downloadable=self.form.downloadableCheck.isChecked(),
            rules=self.form.rules(),
            engine=self.form.engine(),
            key_id=self.form.key_id(),
            url_kind=self.result.url_kind(),
        )

    def engine(self) -> SigningEngine:
        return self.form.engine()

    def key_id(self) -> str | None:
        return self.form.key_id()

    def pasted_customer_code(self) -> str | None:
        return self.form.pasted_customer_code()

    def account_id(self) -> str:
        return self.account.account_id()

    # -- the view: the account ---------------------------------------------------------------

    def show_profiles(self, names: Sequence[str]) -> None:
        self.account.set_profiles(names)

    def show_profile(self, name: str, account_id: str) -> None:
        self.account.show_profile(name, account_id)

    def set_account_id(self, account_id: str) -> None:
        self.account.accountIdEdit.setText(account_id)

    def show_api_token(self, display: TokenDisplay) -> None:
        self.account.show_token(display)

    def show_verify_status(self, status: str, detail: str = "") -> None:
        self.account.set_verify_status(status, detail)

    # -- the view: the form ------------------------------------------------------------------

    def restore_form(self, values: FormValues) -> None:
        self.form.restore(
            video=values.video,
            exp=values.exp,
            nbf=values.nbf,
            downloadable=values.downloadable,
            rules=values.rules,
            engine=values.engine,
            key_id=values.key_id,
        )
        if values.url_kind:
            self.result.set_url_kind(values.url_kind)

    def show_keys_reading(self) -> None:
        self.form.signing.set_reading()

    def show_keys(self, key_ids: Sequence[str], default_key_id: str | None) -> None:
        self.form.signing.set_keys(key_ids, default_key_id)

    def want_key(self, key_id: str | None) -> None:
        self.form.signing.want_key(key_id)

    def mark_problems(self, problems: Sequence[Problem], account_problem: Problem | None) -> None:
        self.form.show_problems(problems)
        self.account.show_account_problem(account_problem)

    def show_preview(self, text: str) -> None:
        self.form.preview.set_text(text)

    # -- the view: Create and what came of it ------------------------------------------------

    def show_state(self, reason: str, warnings: Sequence[Problem], *, can_verify: bool) -> None:
        self.action_bar.show_state(reason, warnings)
        self.account.set_verify_enabled(can_verify)

    def show_busy(self, text: str) -> None:
        self.action_bar.set_busy(text)
        self.account.set_verify_enabled(False)

    def show_idle(self) -> None:
        self.action_bar.set_idle()

    def show_token(self, result: TokenResult) -> None:
        self.result.show_token(result.token, result.urls)

    def show_error(self, message: str, hint: str = "") -> None:
        self.banner.show_error(message, hint)

    def show_notice(self, message: str) -> None:
        self.banner.show_notice(message)

    def clear_banner(self) -> None:
        self.banner.clear()

    def show_status(self, text: str, milliseconds: int) -> None:
        # statusBar() creates the bar on first use; building it early would change the height.
        self.statusBar().showMessage(text, milliseconds)

    def use_settings(self, settings: Settings) -> None:
        self.result.clipboard_clear_seconds = settings[CLIPBOARD_CLEAR_SECONDS]

    async def close_dialogs(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        await self.keys.close_dialogs()
        if self._tools is not None:
            await self._tools.close_dialogs()

    # -- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing waits for the controller to cancel the running request and close the API
        clients. The first close event is ignored and that work started; the window closes
        itself when it is done. (qasync.asyncClose would spin a nested event loop here, which
        breaks when close() is called from inside a running task.)"""
        if self._shut_down:
            event.accept()
            return
        if not self._closing:
            self._closing = True
            try:
                self.controller.close()
            except RuntimeError:  # no event loop any more: nothing async can be left running
                self._shut_down = True
                event.accept()
                self.closed.emit()
                return
        event.ignore()

    def _on_shut_down(self) -> None:
        if self.result.clipboard_clear_seconds:
            # Its timer dies with the app: a token asked to be cleared must not outlive it.
            clear_copied_secret()
        self._shut_down = True
        self.close()
        self.closed.emit()

    def is_shut_down(self) -> bool:
        """Whether closing has finished: nothing of this window runs any more."""
        return self._shut_down
