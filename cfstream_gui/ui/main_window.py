"""The main window: account, token form, Create, and the result, wired to the API.

Every network call is awaited on the qasync loop; keyring calls and local signing run in worker
threads, so the window never freezes. One action (create or verify) runs at a time; Cancel
cancels it. An error only ever fills the banner: the form is never cleared.

Create has three engines (see `SigningEngine`): Cloudflare's key and the user's key both go
through `/token`; local signing touches no network at all, so it needs neither the API token
nor the account ID.

The window composes its parts and wires them: whether Create can be pressed is
`create_gate.py`, running create and verify is `window_actions.py`, the profiles and the saved
form are `window_state.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

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

from cfstream_gui.core.clients import ClientFactory, ClientPool
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.core.validation import Problem
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.form_scroll_area import FormScrollArea
from cfstream_gui.ui.common.inline_message import FIELD_STYLE, align_labels
from cfstream_gui.ui.create_gate import CreateGate
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.keys.window_keys import WindowKeys
from cfstream_gui.ui.menus import about_box, build_menus
from cfstream_gui.ui.result_panel import ResultPanel
from cfstream_gui.ui.token_engines import TokenEngines
from cfstream_gui.ui.window_actions import WindowActions
from cfstream_gui.ui.window_state import SavedForm

# Fits everything (the banner, a signing key row, five rules) without scrolling.
DEFAULT_WIDTH = 980
ROOM_FOR_BANNER_AND_RESULT = 110
REVALIDATE_MS = 15_000  # an expiry that was fine a minute ago may be in the past now


class MainWindow(QMainWindow):
    # Emitted once the window has closed and everything it started has finished.
    closed = Signal()

    def __init__(
        self,
        *,
        profiles: ProfileStore,
        secrets: SecretStore,
        client_factory: ClientFactory,
        form_store: FormStore,
        clock: Callable[[], float] = time.time,
        extra_profiles: Sequence[Profile] = (),
        session_tokens: Mapping[str, str] | None = None,
        prefer_profile: str | None = None,
        env: Mapping[str, str] | None = None,
        session_secrets: SecretStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`session_secrets` holds the signing keys of session-only profiles (the sandbox's),
        so they never reach `secrets`' keyring; without it those profiles use `secrets`."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Cloudflare Stream tokens — cfstream-gui")
        self.setAccessibleName("cfstream-gui")
        self._clock = clock
        self._tasks = BackgroundTasks()
        self._service = TokenService(ClientPool(client_factory), profiles=profiles, clock=clock)
        self._closing = False
        self._shut_down = False

        self.banner = ErrorBanner()
        self.account = AccountPanel(secrets, self._tasks, env)
        self.form = TokenForm(clock)
        self.result = ResultPanel(clock)
        self.keys = WindowKeys(
            self,
            picker=self.form.signing,
            tasks=self._tasks,
            secrets=secrets,
            session_secrets=session_secrets,
            profile=self.account.profile,
            is_session_only=self.account.is_session_only,
            key_service=lambda: self.engines.key_service(),
        )
        self.engines = TokenEngines(
            service=self._service,
            keys=self.keys,
            account=self.account,
            form=self.form,
        )
        self.saved = SavedForm(
            profiles=profiles,
            form_store=form_store,
            account=self.account,
            form=self.form,
            result=self.result,
            banner=self.banner,
            clock=clock,
            status=self._show_status,
        )
        self._build_actions()
        self._build_menus()
        self._layout()
        align_labels(self.account.form_layout, self.form.form_layout)
        self.setStyleSheet(FIELD_STYLE)
        # Tall enough for the whole form plus an error banner and the result's detail lines, so
        # neither pushes the form into a scroll bar (the window manager keeps it on screen).
        self.resize(DEFAULT_WIDTH, self._content_height() + ROOM_FOR_BANNER_AND_RESULT)

        self.account.changed.connect(self.update_create_state)
        self.account.verifyRequested.connect(self.verify_api_token)
        self.account.keyringProblem.connect(self.banner.show_error)
        self.account.profileChanged.connect(lambda _name: self.keys.refresh())
        self.form.changed.connect(self.update_create_state)
        self.form.signing.manageKeysRequested.connect(self.keys.open_signing_keys)
        self.keys.keysChanged.connect(self.update_create_state)
        self.keys.problem.connect(self.banner.show_error)
        self.banner.errorShown.connect(self._clear_status)
        self.keys.status.connect(lambda text: self._show_status(text, 8000))
        self.result.copied.connect(
            lambda what: self._show_status(f"Copied the {what} to the clipboard", 5000)
        )
        self.result.previewFailed.connect(lambda text: self._show_status(text, 8000))
        self._revalidator = QTimer(self)
        self._revalidator.setInterval(REVALIDATE_MS)
        self._revalidator.timeout.connect(self.update_create_state)
        self._revalidator.start()

        self.saved.load_profiles(extra_profiles, session_tokens or {})
        self.saved.restore(prefer_profile)
        self.update_create_state()

    # -- building ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.action_bar = ActionBar(self._clock)
        # The automation contract names these on the window itself.
        self.createTokenButton = self.action_bar.createTokenButton
        self.cancelButton = self.action_bar.cancelButton
        self.createStatusLabel = self.action_bar.createStatusLabel
        self.gate = CreateGate(
            account=self.account, form=self.form, action_bar=self.action_bar, clock=self._clock
        )
        self.runner = WindowActions(
            gate=self.gate,
            engines=self.engines,
            account=self.account,
            form=self.form,
            result=self.result,
            banner=self.banner,
            action_bar=self.action_bar,
            refresh=self.update_create_state,
            save_form=self.save_form,
            status=self._show_status,
        )
        self.createTokenButton.clicked.connect(self.create_token)
        self.cancelButton.clicked.connect(self.cancel)
        self.action_bar.tick.connect(self.update_create_state)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.createTokenButton.click)

    def _build_menus(self) -> None:
        self.menu_actions = build_menus(self)
        self.menu_actions.signing_keys.triggered.connect(self.keys.open_signing_keys)
        self.menu_actions.import_key.triggered.connect(self.keys.open_import)
        self.menu_actions.batch.triggered.connect(lambda: self.keys.open_batch(clock=self._clock))
        self.menu_actions.about.triggered.connect(self.show_about)

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
        self.form.preview.showRequestToggle.toggled.connect(self._reveal_preview)

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

    def _content_height(self) -> int:
        """The window's height with the form shown whole (FormScrollArea hints its content)."""
        return self.sizeHint().height()

    def _reveal_preview(self, shown: bool) -> None:
        """The preview opens below the rules: scroll it into view once it has its height."""
        if shown:
            QTimer.singleShot(0, lambda: self._scroll.ensureWidgetVisible(self.form.preview))

    def _clear_status(self) -> None:
        """An error makes the last status ("Token created", "Copied…") stale."""
        bar = self.findChild(QStatusBar)
        if bar is not None:
            bar.clearMessage()

    def _show_status(self, text: str, milliseconds: int) -> None:
        # statusBar() creates the bar on first use; building it early would change the height.
        self.statusBar().showMessage(text, milliseconds)

    # -- the saved form ---------------------------------------------------------------------

    def capture_form(self) -> FormState:
        return self.saved.capture()

    def save_form(self) -> None:
        self.saved.save()

    def secrets_in_use(self) -> list[str]:
        """Values the crash handler must cut out of anything it shows or logs."""
        return [t for t in (self.account.api_token(), *self.keys.loaded_secrets()) if t]

    # -- the Create button's state ----------------------------------------------------------

    def problems(self, request: TokenRequest | None = None) -> list[Problem]:
        """What validation says about the form; the account ID only matters for the API."""
        return self.gate.problems(request)

    def blocking_reason(self, problems: Sequence[Problem]) -> str:
        """Why Create cannot be pressed now, or "" when it can."""
        return self.gate.blocking_reason(problems)

    def update_create_state(self) -> None:
        self.gate.refresh(busy=self.runner.is_busy())

    # -- actions ----------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self.runner.is_busy()

    def cancel(self) -> None:
        self.runner.cancel()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def create_token(self) -> None:
        await self.runner.create_token()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def verify_api_token(self) -> None:
        await self.runner.verify_api_token()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def show_about(self) -> None:
        store_text = await self.keys.store_text()
        about_box(self, store_text).open()

    # -- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing waits for the running request to be cancelled and the API clients to be
        closed. The first close event is ignored and that work started; the window closes
        itself when it is done. (qasync.asyncClose would spin a nested event loop here, which
        breaks when close() is called from inside a running task.)"""
        if self._shut_down:
            event.accept()
            return
        if not self._closing:
            self._closing = True
            self.runner.begin_closing()
            self._revalidator.stop()
            self.action_bar.stop_timers()
            self.save_form()
            try:
                self._tasks.spawn(self._shut_down_async(), "close the window")
            except RuntimeError:  # no event loop any more: nothing async can be left running
                self._shut_down = True
                event.accept()
                self.closed.emit()
                return
        event.ignore()

    async def _shut_down_async(self) -> None:
        await self.runner.cancel_and_wait()
        await self.keys.close_dialogs()
        await self._tasks.cancel_others()
        await self._service.aclose()
        self._shut_down = True
        self.close()
        self.closed.emit()

    def is_shut_down(self) -> bool:
        """Whether closing has finished: nothing of this window runs any more."""
        return self._shut_down
