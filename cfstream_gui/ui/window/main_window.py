"""The main window: account, token form, Create, and the result. It is the view of
`WindowController`, which decides everything: the window composes its parts, shows what the
controller tells it (`view.WindowView`, implemented by delegating to the parts) and hands the
user's clicks and edits to the controller's slots (`attach`).

No part reaches into another: each exposes small methods and signals, and only this module
knows them all.

This module imports only what the widgets need: the window can be on screen before the
controller, the event loop and the API client are even loaded (`app.main`). What `attach()` and
the menus use is imported there.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QMainWindow,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.settings import CLIPBOARD_CLEAR_SECONDS, Settings
from cfstream_gui.core.storage.window_state import WindowStateStore
from cfstream_gui.ui.account.panel import AccountPanel
from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.common.clipboard import clear_copied_secret
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.form_scroll_area import FormScrollArea
from cfstream_gui.ui.common.inline_message import FIELD_STYLE, align_labels
from cfstream_gui.ui.common.theme import restyle_on_palette_change
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.menus import build_menus
from cfstream_gui.ui.result_panel import ResultPanel
from cfstream_gui.ui.window.columns import Columns
from cfstream_gui.ui.window.menu_dialogs import MenuDialogs
from cfstream_gui.ui.window.output_column import OutputColumn
from cfstream_gui.ui.window.placement import Placement

if TYPE_CHECKING:
    from cfstream_gui.core.storage.form_state import FormState
    from cfstream_gui.core.token_service import TokenResult
    from cfstream_gui.core.validation import Problem
    from cfstream_gui.ui.account.tokens import TokenDisplay
    from cfstream_gui.ui.settings_dialog import SettingsDialog
    from cfstream_gui.ui.tools.tool_dialogs import ToolDialogs  # made when the first one opens
    from cfstream_gui.ui.videos.access import VideoAccess
    from cfstream_gui.ui.window.controller import WindowController
    from cfstream_gui.ui.window.saved_form import FormValues

KEEP_FOR_SESSION_TEXT = "Keep for this session only"


class MainWindow(QMainWindow):
    # Emitted once the window has closed and everything it started has finished.
    closed = Signal()

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        window_state: WindowStateStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """The widgets only; `attach()` then connects them to their controller. The window
        opens where `window_state` says it was, if that still fits a screen; without one it
        fits itself to the screen."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Cloudflare Stream tokens — cfstream-gui")
        self.setAccessibleName("cfstream-gui")
        self._closing = False
        self._shut_down = False
        self._attached = False
        self._close_pending = False  # asked to close before there was a controller to ask
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
        self.placement = Placement(self, window_state)
        saved = self.placement.saved
        self._layout(saved.request_preview if saved is not None else None)
        align_labels(self.account.form_layout, self.form.form_layout)
        self._chain_focus()
        self.setStyleSheet(FIELD_STYLE)
        restyle_on_palette_change(self)
        self.placement.restore()
        self.banner.errorShown.connect(self._clear_status)
        self.result.copied.connect(self._say_copied)
        self.result.previewFailed.connect(lambda text: self.show_status(text, 8000))

    def attach(self, controller: WindowController) -> None:
        """Hand the user's clicks and edits to `controller` (whose view this window is)."""
        from cfstream_gui.ui.keys.key_dialogs import KeyDialogs

        self.controller = controller
        self.keys = KeyDialogs(
            self, tasks=controller.tasks, key_service=controller.keys.key_service
        )
        self.account.profileChosen.connect(controller.choose_profile)
        self.account.accountIdChanged.connect(controller.refresh)
        self.account.tokenEdited.connect(controller.type_api_token)
        self.account.rememberToggled.connect(controller.set_remember)
        self.account.verifyRequested.connect(controller.verify)
        # The banner's one action so far: keeping the API token for this session only.
        self.banner.actionTriggered.connect(controller.keep_token_for_session)
        self.form.changed.connect(controller.refresh)
        self.form.signing.manageKeysRequested.connect(self.keys.open_signing_keys)
        self.keys.keysChanged.connect(controller.keys.reload)
        self.keys.keyImported.connect(controller.keys.import_key)
        self.keys.keysProblem.connect(self.show_error)
        self.createTokenButton.clicked.connect(controller.create)
        self.cancelButton.clicked.connect(controller.cancel)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._create_from_keyboard)
        self.menu_actions.signing_keys.triggered.connect(self.keys.open_signing_keys)
        self.menu_actions.import_key.triggered.connect(self.keys.open_import)
        self.menu_actions.quit.triggered.connect(self.close)
        self.menu_actions.copy_token.triggered.connect(self.result.copyTokenButton.click)
        self.menu_actions.copy_url.triggered.connect(self.result.copyUrlButton.click)
        self.result.linksChanged.connect(self._sync_copy_actions)
        self._sync_copy_actions()
        self.menus = MenuDialogs(
            self,
            controller,
            actions=self.menu_actions,
            keys=self.keys,
            form=self.form,
            account=self.account,
            result=self.result,
            status=self.show_status,
        )
        # After the first paint, like the controller: the Accounts dialog is not needed to start.
        from cfstream_gui.ui.accounts.window_dialogs import AccountDialogs

        self.accounts = AccountDialogs(self, tasks=controller.tasks)
        self.accounts.wire(self.account, self.form, controller, self.show_status)
        controller.shutDown.connect(self._on_shut_down)
        self._attached = True
        if self._close_pending:
            QTimer.singleShot(0, self.close)

    def is_attached(self) -> bool:
        """Whether a controller runs the window (`app.main` shows it a moment before)."""
        return self._attached

    def _layout(self, preview_choice: bool | None) -> None:
        form_body = QWidget()
        body = QVBoxLayout(form_body)
        body.setContentsMargins(0, 0, 4, 0)
        body.setSpacing(6)
        body.addWidget(self.account)
        body.addWidget(self.form)
        body.addStretch(1)
        scroll = FormScrollArea()
        scroll.setObjectName("formScrollArea")
        scroll.setWidget(form_body)
        self.output = OutputColumn(
            self.action_bar, self.result, self.form.preview, preview_choice=preview_choice
        )
        self.columns = Columns(scroll, self.output)
        self.columns.arrangementChanged.connect(self.output.follow_arrangement)
        self.output.follow_arrangement(self.columns.is_wide())
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 6, 8, 2)
        outer.setSpacing(6)
        outer.addWidget(self.banner)
        outer.addWidget(self.columns, 1)
        self.setCentralWidget(central)

    def _chain_focus(self) -> None:
        """Tab follows the reading order, down the form and then down the result column (the
        default would follow the order the widgets happened to be made in)."""
        chain = [
            self.banner.closeButton,
            *self.account.focus_order(),
            *self.form.focus_order(),
            *self.action_bar.focus_order(),
            *self.result.focus_order(),
            *self.form.preview.focus_order(),
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _sync_copy_actions(self) -> None:
        """The Edit menu's entries can be chosen exactly when the result's buttons can."""
        actions = self.menu_actions
        actions.copy_token.setEnabled(self.result.copyTokenButton.isEnabled())
        actions.copy_url.setEnabled(self.result.copyUrlButton.isEnabled())

    def _create_from_keyboard(self) -> None:
        """Ctrl+Return while a rule's values are being typed creates with what was typed."""
        self.form.rulesEditor.commit_edit()
        self.createTokenButton.click()

    def _clear_status(self) -> None:
        """An error makes the last status ("Token created", "Copied…") stale."""
        bar = self.findChild(QStatusBar)
        if bar is not None:
            bar.clearMessage()

    def _say_copied(self, what: str) -> None:
        seconds = self.result.clipboard_clear_seconds
        old = ": it was made before the form changed" if self.result.is_stale() else ""
        after = f"; it is cleared in {seconds} s" if seconds else ""
        self.show_status(f"Copied the {what} to the clipboard{old}{after}", 5000)

    @property
    def settings_dialog(self) -> SettingsDialog | None:
        """The open Settings dialog, if any (tests and scripts wait on it)."""
        return self.menus.settings_dialog if self._attached else None

    def tools(self) -> ToolDialogs:
        """The Tools dialogs (inspector, simulator, playback check, copy as code)."""
        return self.menus.tools()

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
        from cfstream_gui.ui.window.saved_form import FormValues

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

    def show_sandbox_note(self, shown: bool) -> None:
        self.account.show_sandbox_note(shown)

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

    def show_video_access(self, access: VideoAccess | None) -> None:
        self.form.show_video_access(access)

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

    def show_result_stale(self, stale: bool) -> None:
        self.result.set_stale(stale)

    def show_error(self, message: str, hint: str = "") -> None:
        self.banner.show_error(message, hint)

    def show_notice(self, message: str) -> None:
        self.banner.show_notice(message)

    def offer_session_only(self, message: str, hint: str) -> None:
        self.banner.show_notice(message, hint, action=KEEP_FOR_SESSION_TEXT)

    def clear_banner(self) -> None:
        self.banner.clear()

    def show_status(self, text: str, milliseconds: int) -> None:
        # statusBar() creates the bar on first use; building it early would change the height.
        self.statusBar().showMessage(text, milliseconds)

    def use_settings(self, settings: Settings) -> None:
        self.result.clipboard_clear_seconds = settings[CLIPBOARD_CLEAR_SECONDS]

    async def close_dialogs(self) -> None:
        await self.menus.close_dialogs()
        await self.keys.close_dialogs()
        await self.accounts.close_dialogs()

    # -- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing waits for the controller to cancel the running request and close the API
        clients. The first close event is ignored and that work started; the window closes
        itself when it is done. (qasync.asyncClose would spin a nested event loop here, which
        breaks when close() is called from inside a running task.)"""
        if self._shut_down:
            event.accept()
            return
        if not self._attached:
            # Still loading (app.main shows the window first): the controller, once there,
            # saves the form and ends the process as for any other close.
            self._close_pending = True
            event.ignore()
            return
        if not self._closing:
            self._closing = True
            self.placement.save(request_preview=self.output.preview_choice())
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
