"""The main window: account, token form, Create, and the result, wired to the API.

Every network call is awaited on the qasync loop; keyring calls and local signing run in worker
threads, so the window never freezes. One action (create or verify) runs at a time; Cancel
cancels it. An error only ever fills the banner: the form is never cleared.

Create has three engines (see `SigningEngine`): Cloudflare's key and the user's key both go
through `/token`; local signing touches no network at all, so it needs neither the API token
nor the account ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

# isort: split
import qasync  # after PySide6, so qasync binds to it rather than probing other Qt bindings

from cfstream_gui.core.api import ApiError, AuthError, RateLimited
from cfstream_gui.core.form_state import FormState, FormStore, SigningEngine
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.core.secrets import SecretStore, SecretStoreError
from cfstream_gui.core.validation import Problem, Severity, ValidationError, check_request
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.async_support import BackgroundTasks, ClientFactory, ClientPool
from cfstream_gui.ui.engine_picker import no_key_reason
from cfstream_gui.ui.error_banner import ErrorBanner
from cfstream_gui.ui.inline_message import FIELD_STYLE, align_labels
from cfstream_gui.ui.menus import about_box, build_menus
from cfstream_gui.ui.playback_links import CustomerCodes
from cfstream_gui.ui.request_preview import preview_text
from cfstream_gui.ui.result_panel import ResultPanel
from cfstream_gui.ui.token_engines import TokenEngines
from cfstream_gui.ui.token_form import TokenForm
from cfstream_gui.ui.window_keys import KEY_ERRORS, WindowKeys

logger = logging.getLogger(__name__)

# Fits everything (the banner, a signing key row, five rules) without scrolling.
DEFAULT_WIDTH = 980
ROOM_FOR_BANNER_AND_RESULT = 110


class FormScrollArea(QScrollArea):
    """A scroll area that asks for its content's full height, so the window can be sized to
    show the form whole; it still scrolls when the screen is smaller."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        content = self.widget()
        if content is not None:
            hint.setHeight(content.sizeHint().height() + 2 * self.frameWidth())
        return hint


BUSY_TEXTS = {
    SigningEngine.CLOUDFLARE: "Creating the token…",
    SigningEngine.API_KEY: "Creating the token with your signing key…",
    SigningEngine.LOCAL: "Signing the token on this computer…",
}
KEY_HINT = "Open Keys → Signing keys… to see which keys are held here."
CANCELLED_TEXT = "Cancelled: no request is running any more, and the form is as you left it."
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
        self._profile_store = profiles
        self._form_store = form_store
        self._clock = clock
        self._tasks = BackgroundTasks()
        self._clients = ClientPool(client_factory)
        self._codes = CustomerCodes(profiles, self._tasks)
        self._busy = False
        self._closing = False
        self._shut_down = False
        self._action: asyncio.Task[None] | None = None

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
            clients=self._clients,
            codes=self._codes,
            keys=self.keys,
            account=self.account,
            form=self.form,
            clock=self._clock,
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
        self.keys.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.result.copied.connect(
            lambda what: self.statusBar().showMessage(f"Copied the {what} to the clipboard", 5000)
        )
        self.result.previewFailed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._revalidator = QTimer(self)
        self._revalidator.setInterval(REVALIDATE_MS)
        self._revalidator.timeout.connect(self.update_create_state)
        self._revalidator.start()

        self._load_profiles(extra_profiles, session_tokens or {})
        self._restore(prefer_profile)
        self.update_create_state()

    # -- building ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.action_bar = ActionBar(self._clock)
        # The automation contract names these on the window itself.
        self.createTokenButton = self.action_bar.createTokenButton
        self.cancelButton = self.action_bar.cancelButton
        self.createStatusLabel = self.action_bar.createStatusLabel
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

    # -- profiles and the saved form --------------------------------------------------------

    def _load_profiles(self, extra: Sequence[Profile], session_tokens: Mapping[str, str]) -> None:
        saved: list[Profile] = []
        try:
            saved = self._profile_store.list() or [self._profile_store.resolve(None)]
        except ProfileError as exc:
            self.banner.show_error(str(exc), "Profiles are unavailable until the file is fixed.")
        names = {p.name for p in extra}
        self.account.set_profiles(
            [*extra, *(p for p in saved if p.name not in names)], session_tokens
        )

    def _restore(self, prefer_profile: str | None) -> None:
        state = self._form_store.load()
        current = None
        with contextlib.suppress(ProfileError):
            current = self._profile_store.current_name()
        name = prefer_profile or (state.profile if state else None) or current
        same_profile = state is not None and name == state.profile
        if name is not None:
            self.account.select_profile(name)
        if state is None:
            return
        if same_profile and state.account_id:
            self.account.accountIdEdit.setText(state.account_id)
        now = self._clock()
        self.form.restore(
            video=state.video,
            exp=state.exp_at(now),
            nbf=state.nbf_at(now),
            downloadable=state.downloadable,
            rules=state.rules,
            engine=state.engine,
            key_id=state.key_id,
        )
        if state.url_kind:
            self.result.set_url_kind(state.url_kind)

    def capture_form(self) -> FormState:
        return FormState.capture(
            now=self._clock(),
            profile=self.account.profile_name(),
            account_id=self.account.account_id(),
            video=self.form.video_uid(),
            exp=self.form.expiry.value(),
            nbf=self.form.nbf.value(),
            downloadable=self.form.downloadableCheck.isChecked(),
            rules=self.form.rules(),
            url_kind=self.result.url_kind(),
            engine=self.form.engine(),
            key_id=self.form.key_id(),
        )

    def save_form(self) -> None:
        try:
            self._form_store.save(self.capture_form(), secrets=[self.account.api_token()])
        except (OSError, ValueError) as exc:
            # Losing the saved form is an inconvenience, never a reason to stop.
            logger.warning("the form was not saved: %s", exc)
            self.statusBar().showMessage(f"The form could not be saved: {exc}", 8000)

    def secrets_in_use(self) -> list[str]:
        """Values the crash handler must cut out of anything it shows or logs."""
        return [t for t in (self.account.api_token(), *self.keys.loaded_secrets()) if t]

    # -- the Create button's state ----------------------------------------------------------

    def problems(self, request: TokenRequest | None = None) -> list[Problem]:
        """What validation says about the form; the account ID only matters for the API."""
        uses_network = self.form.engine().uses_network
        return check_request(
            self.form.request() if request is None else request,
            now=int(self._clock()),
            account_id=self.account.account_id() if uses_network else None,
        )

    def blocking_reason(self, problems: Sequence[Problem]) -> str:
        """Why Create cannot be pressed now, or "" when it can."""
        first_error = next((p for p in problems if p.severity is Severity.ERROR), None)
        if first_error is not None:
            return first_error.message
        profile = self.account.profile()
        if profile is None:
            return "Choose a profile first."
        engine = self.form.engine()
        if engine.uses_key and self.form.key_id() is None:
            if self.form.signing.is_reading():
                return "Reading the signing keys from the keyring…"
            return no_key_reason(profile.name)
        if not engine.uses_network:
            return ""  # signed here: no API token, no account ID, no rate limit
        if not self.account.api_token():
            if self.account.is_reading():
                return "Reading the API token from the keyring…"
            return "Enter the API token; it needs Stream Edit permission for this account."
        return self.action_bar.rate_limit_reason()

    def update_create_state(self) -> None:
        request = self.form.request()
        problems = self.problems(request)
        self.form.show_problems(problems)
        self.form.preview.set_text(
            preview_text(
                self.form.engine(),
                request,
                key_id=self.form.key_id(),
                account_id=self.account.account_id(),
                now=int(self._clock()),
            )
        )
        account_problem = next((p for p in problems if p.field == "account ID"), None)
        if account_problem is not None and not self.account.account_id():
            account_problem = None  # empty: said by the Create reason, not painted red
        self.account.accountIdMessage.show_problem(self.account.accountIdEdit, account_problem)
        if self._busy:
            return
        reason = self.blocking_reason(problems)
        self.action_bar.show_state(reason, [p for p in problems if p.severity is Severity.WARNING])
        self.account.verifyButton.setEnabled(bool(self.account.api_token()))

    # -- running one action -----------------------------------------------------------------

    def _begin(self, text: str) -> None:
        self._busy = True
        self._action = asyncio.current_task()
        self.action_bar.set_busy(text)
        self.account.verifyButton.setEnabled(False)
        self.banner.clear()

    def _end(self) -> None:
        self._busy = False
        self._action = None
        self.action_bar.set_idle()
        if not self._closing:
            self.update_create_state()

    def is_busy(self) -> bool:
        return self._busy

    def cancel(self) -> None:
        if self._action is not None and not self._action.done():
            self._action.cancel()

    def _show_api_error(self, exc: ApiError) -> None:
        if isinstance(exc, RateLimited):
            self.action_bar.start_rate_limit(exc.retry_after)
        if isinstance(exc, AuthError):
            self.account.set_verify_status("invalid", exc.message)
        self.banner.show_error(exc.message, exc.hint)

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def create_token(self) -> None:
        if self._busy:  # a second click before the first request started
            return
        problems = self.problems()
        profile = self.account.profile()
        if self.blocking_reason(problems) or profile is None:
            self.update_create_state()
            return
        request = self.form.request()
        engine = self.form.engine()
        self._begin(BUSY_TEXTS[engine])
        try:
            token, urls = await self.engines.make(engine, profile, request)
        except asyncio.CancelledError:
            self.banner.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            self._show_api_error(exc)
        except ValidationError as exc:  # the clock moved on, e.g. the expiry is now past
            self.banner.show_error(str(exc), "Fix the form and create again.")
        except KEY_ERRORS as exc:
            self.banner.show_error(str(exc), KEY_HINT)
        except ValueError as exc:  # a profile's bad API base URL
            self.banner.show_error(str(exc), "Fix the profile, or choose another one.")
        else:
            self.result.show_token(token, urls)
            done = "Token signed on this computer" if not engine.uses_network else "Token created"
            self.statusBar().showMessage(done, 5000)
            self.save_form()
            if engine.uses_network:
                await self._remember_token()
        finally:
            self._end()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def verify_api_token(self) -> None:
        profile = self.account.profile()
        if self._busy or profile is None or not self.account.api_token():
            return
        self._begin("Asking Cloudflare about the API token…")
        self.account.set_verify_status("checking")
        try:
            client = await self.engines.client_for(profile)
            status = await client.verify_token(self.account.account_id() or None)
        except asyncio.CancelledError:
            self.account.set_verify_status("")
            self.banner.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            self.account.set_verify_status("error", exc.message)
            self._show_api_error(exc)
        except ValueError as exc:
            self.account.set_verify_status("error", str(exc))
            self.banner.show_error(str(exc), "Fix the profile, or choose another one.")
        else:
            until = f" until {status.expires_on:%Y-%m-%d %H:%M} UTC" if status.expires_on else ""
            self.account.set_verify_status(status.status, f"Token {status.id}{until}")
            if status.is_active:
                self.statusBar().showMessage("The API token is active", 5000)
                await self._remember_token()
            else:
                self.banner.show_error(
                    f"Cloudflare says this API token is {status.status}.",
                    "Create a new token with Stream Edit permission in the dashboard.",
                )
        finally:
            self._end()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def show_about(self) -> None:
        store_text = await self.keys.store_text()
        about_box(self, store_text).open()

    async def _remember_token(self) -> None:
        try:
            await self.account.remember_token()
        except (SecretStoreError, ValueError) as exc:
            self.banner.show_notice(f"The API token works but was not saved: {exc}")

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
        action = self._action
        if action is not None and not action.done():
            action.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await action
        await self.keys.close_dialogs()
        await self._tasks.cancel_others()
        await self._clients.aclose()
        self._shut_down = True
        self.close()
        self.closed.emit()

    def is_shut_down(self) -> bool:
        """Whether closing has finished: nothing of this window runs any more."""
        return self._shut_down
