"""The main window's presenter: one object that owns what the window does, tested without it.

It owns Create and Verify (one at a time, `runner.ActionRunner`: Cancel cancels the running one,
closing cancels it and waits; Verify and Require signed URLs are `account_calls.py`), whether
Create can be pressed (`gate.py`), the engine choice (what each
signing engine needs, and the `TokenJob` it makes), the profiles and the API token in use
(`ApiTokens`), the held signing keys (`HeldKeys`), the saved form (`SavedForm`) and the settings
(`WindowSettings`: what a new form starts with, where links point), the profiles offered and
what the Accounts dialog and video browser are given (`AccountActions`), and the quiet check of
whether the form's video is public (`VideoAccessCheck`). The view
(`view.WindowView`; `MainWindow`, or a test's fake) only shows what it is told and reports what
the user did. Whatever goes wrong only ever fills the banner, never clears the form.

Create, Verify and Require signed URLs are slots whose task is the running action: that task is
what Cancel and closing cancel. Keyring reads and the like are background tasks, all ended on close.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal

# isort: split
import qasync  # after PySide6, so qasync binds to it rather than probing other Qt bindings

from cfstream_gui.core.cloudflare import ApiError
from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.settings import URL_HOST_TEMPLATE, Settings, SettingsStore
from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
from cfstream_gui.core.token_service import LinkNeed, TokenJob, TokenResult, TokenService
from cfstream_gui.core.validation import Problem, ValidationError
from cfstream_gui.ui.account.tokens import NO_KEYRING_FIX, NO_KEYRING_TEXT, ApiTokens
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.form.request_preview import preview_text
from cfstream_gui.ui.keys.held_keys import KEY_ERRORS, HeldKeys
from cfstream_gui.ui.tools.sources import ToolSources
from cfstream_gui.ui.videos.access_check import VideoAccessCheck
from cfstream_gui.ui.window import gate
from cfstream_gui.ui.window.account_actions import AccountActions
from cfstream_gui.ui.window.account_calls import AccountCalls
from cfstream_gui.ui.window.key_actions import KeyActions
from cfstream_gui.ui.window.made_from import MadeFrom
from cfstream_gui.ui.window.runner import CANCELLED_TEXT, PROFILE_HINT, ActionRunner
from cfstream_gui.ui.window.saved_form import SavedForm
from cfstream_gui.ui.window.view import WindowView
from cfstream_gui.ui.window.window_settings import WindowSettings

BUSY_TEXTS = {
    SigningEngine.CLOUDFLARE: "Creating the token…",
    SigningEngine.API_KEY: "Creating the token with your signing key…",
    SigningEngine.LOCAL: "Signing the token on this computer…",
}
KEY_HINT = "Open Keys → Signing keys… to see which keys are held here."
REVALIDATE_MS = 15_000  # an expiry that was fine a minute ago may be in the past now
TICK_MS = 1000  # the rate-limit countdown


class WindowController(QObject):
    # An action (create or verify) ended, whatever its outcome; `finished` counts them.
    actionFinished = Signal()
    # Closing has finished: nothing the controller started runs any more.
    shutDown = Signal()

    def __init__(
        self,
        view: WindowView,
        *,
        service: TokenService,
        profiles: ProfileStore,
        form_store: FormStore,
        secrets: SecretStore,
        session_secrets: SecretStore | None = None,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        tasks: BackgroundTasks | None = None,
        settings: SettingsStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`session_secrets` holds the signing keys of session-only profiles (the sandbox's),
        so they never reach `secrets`' keyring; without it those profiles use `secrets`.
        `settings` is where the settings are kept (None: in memory, the defaults)."""
        super().__init__(parent)
        self._view = view
        self._service = service
        self._clock = clock
        self._settings = WindowSettings(view, settings, clock)
        self.tasks = tasks if tasks is not None else BackgroundTasks()
        env = os.environ if env is None else env
        self.tokens = ApiTokens(secrets, self.tasks, env, self)
        self.keys = KeyActions(
            view,
            tokens=self.tokens,
            held=HeldKeys(secrets, session_secrets),
            service=service,
            tasks=self.tasks,
            clock=clock,
            settings=self.settings,
            parent=self,
        )
        # What the Tools dialogs (inspector, simulator, playback check, copy as code) work with.
        self.tools = ToolSources(
            view,
            tokens=self.tokens,
            keys=self.keys,
            service=service,
            settings=self.settings,
            clock=clock,
        )
        self._saved = SavedForm(profiles, form_store, clock)
        self.accounts = AccountActions(
            view,
            tokens=self.tokens,
            service=service,
            saved=self._saved,
            profiles=profiles,
            secrets=secrets,
            env=env,
            choose=self.choose_profile,
        )
        self.video_check = VideoAccessCheck(
            view, tokens=self.tokens, service=service, tasks=self.tasks, parent=self
        )
        self._rate_limit = gate.RateLimit(clock)
        self._closing = False
        self._shut_down = False
        self._made: MadeFrom | None = None  # what the token on show was made from
        self._ticker = self._timer(TICK_MS)
        self._revalidator = self._timer(REVALIDATE_MS)
        self._run = ActionRunner(
            view, rate_limit=self._rate_limit, ticker=self._ticker, ended=self._action_ended
        )
        self._calls = AccountCalls(
            view,
            runner=self._run,
            tokens=self.tokens,
            service=service,
            video_check=self.video_check,
            remember_token=self._remember_token,
        )
        self.tokens.changed.connect(self._on_tokens_changed)
        self.tokens.keyringProblem.connect(self._view.show_error)
        self.tokens.noKeyring.connect(
            lambda: self._view.offer_session_only(NO_KEYRING_TEXT, NO_KEYRING_FIX)
        )
        self.keys.keysShown.connect(self.refresh)

    def _timer(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self.refresh)
        return timer

    def start(
        self,
        extra_profiles: Sequence[Profile] = (),
        session_tokens: Mapping[str, str] | None = None,
        prefer_profile: str | None = None,
    ) -> None:
        """Offer the profiles (`extra_profiles` first, their tokens in `session_tokens`), and
        restore the last form, on `prefer_profile` if given; with none saved, start a new
        form as the settings say."""
        self._settings.load()
        self.accounts.offer(extra_profiles, session_tokens)
        restored = self._saved.restored(prefer_profile)
        names = self.tokens.names()
        if restored.profile in names:
            self.choose_profile(restored.profile)
        elif names:
            self.choose_profile(names[0])
        if restored.account_id is not None:
            self._view.set_account_id(restored.account_id)
        new_form = self._settings.new_form()
        if restored.values is not None:
            self._view.restore_form(restored.values)
        elif new_form is not None:
            self._view.restore_form(new_form)
        self._revalidator.start()
        self.refresh()

    # -- the settings -----------------------------------------------------------------------

    def settings(self) -> Settings:
        return self._settings.current

    def apply_settings(self, settings: Settings) -> None:
        """Use `settings` from now on, and keep them (`WindowSettings.apply`)."""
        self._settings.apply(settings)
        self.refresh()

    # -- the account ------------------------------------------------------------------------

    def choose_profile(self, name: str) -> None:
        profile = self.tokens.switch_to(name)
        if profile is None:  # unknown, or shown already
            return
        self._view.show_profile(name, profile.account_id)
        # Session-only profiles are the sandbox's: say it is a demo, and offer a real account.
        self._view.show_sandbox_note(self.tokens.is_session_only())
        self._view.show_verify_status("")
        self._view.show_api_token(self.tokens.display())
        self.keys.refresh()
        self.refresh()

    def type_api_token(self, text: str) -> None:
        self._view.show_verify_status("")
        self.tokens.typed(text)

    def set_remember(self, wanted: bool) -> None:
        self.tokens.set_remember(wanted)

    def keep_token_for_session(self) -> None:
        """The user chose to keep API tokens in memory only, for this session."""
        self.tokens.keep_for_session()
        self._view.clear_banner()

    def _on_tokens_changed(self) -> None:
        self._view.show_api_token(self.tokens.display())
        self.refresh()

    async def _remember_token(self) -> None:
        try:
            await self.tokens.remember()
        except (SecretStoreError, ValueError) as exc:
            self._view.show_notice(f"The API token works but was not saved: {exc}")

    # -- whether Create can be pressed ------------------------------------------------------

    def _problems(
        self, request: TokenRequest, engine: SigningEngine, account_id: str
    ) -> list[Problem]:
        return gate.check(request, engine, account_id=account_id, now=int(self._clock()))

    def _blocking_reason(self, problems: Sequence[Problem], engine: SigningEngine) -> str:
        return gate.blocking_reason(
            problems,
            profile=self.tokens.profile(),
            engine=engine,
            key_id=self._view.key_id(),
            keys_reading=self.keys.is_reading(),
            credentials=self.tokens.credentials(),
            token_problem=self.tokens.unusable_reason(),
            token_reading=self.tokens.is_reading(),
            rate_limit=self._rate_limit.reason(),
        )

    def refresh(self) -> None:
        """Mark the form's problems and preview the request; unless an action runs, say
        whether Create can be pressed."""
        request = self._view.form_request()
        engine = self._view.engine()
        account_id = self._view.account_id()
        problems = self._problems(request, engine, account_id)
        self._view.mark_problems(problems, gate.account_problem(problems, account_id))
        self.video_check.consider(request.video_uid, account_id)
        self._view.show_preview(
            preview_text(
                engine,
                request,
                key_id=self._view.key_id(),
                account_id=account_id,
                now=int(self._clock()),
            )
        )
        if self._made is not None:
            self._view.show_result_stale(self._made != self._form_now(request, engine, account_id))
        if not self._rate_limit.active():
            self._ticker.stop()
        if self._run.busy:
            return  # the running action has the buttons
        reason = self._blocking_reason(problems, engine)
        can_verify = self.tokens.credentials() is not None
        self._view.show_state(reason, gate.warnings(problems), can_verify=can_verify)

    def _form_now(self, request: TokenRequest, engine: SigningEngine, account_id: str) -> MadeFrom:
        key_id, profile = self._view.key_id(), self.tokens.profile_name()
        return MadeFrom.of(request, engine, key_id=key_id, account_id=account_id, profile=profile)

    # -- actions ----------------------------------------------------------------------------

    @property
    def finished(self) -> int:
        """How many actions (create, verify, ...) have ended, whatever their outcome."""
        return self._run.finished

    def is_busy(self) -> bool:
        return self._run.busy

    def cancel(self) -> None:
        self._run.cancel()

    def _action_ended(self) -> None:
        if not self._closing:
            self.refresh()
        self.actionFinished.emit()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def create(self) -> None:
        if self._run.busy or self._closing:  # a second click before the first request started
            return
        # Read once per Create: what is checked is what is sent, whatever changes meanwhile.
        request, engine = self._view.form_request(), self._view.engine()
        account_id, credentials = self._view.account_id(), self.tokens.credentials()
        problems = self._problems(request, engine, account_id)
        profile = self.tokens.profile()
        if profile is None or self._blocking_reason(problems, engine):
            self.refresh()
            return
        job = TokenJob(
            request=request,
            engine=engine,
            profile=profile,
            account_id=account_id,
            credentials=credentials if engine.uses_network else None,
            # Local signing touches no network at all, not even for the links.
            links=LinkNeed.LOOKUP if engine.uses_network else LinkNeed.KNOWN,
            pasted_customer_code=self._view.pasted_customer_code(),
            remember_code=not self.tokens.is_session_only(),
            host_template=self._settings.current[URL_HOST_TEMPLATE],
        )
        made = self._form_now(request, engine, account_id)
        self._run.begin(BUSY_TEXTS[engine])
        try:
            result = await self._make(job)
        except asyncio.CancelledError:
            self._view.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            self._run.show_api_error(exc)
        except ValidationError as exc:  # the clock moved on, e.g. the expiry is now past
            self._view.show_error(str(exc), "Fix the form and create again.")
        except KEY_ERRORS as exc:
            self._view.show_error(str(exc), KEY_HINT)
        except ValueError as exc:  # a profile's bad API base URL
            self._view.show_error(str(exc), PROFILE_HINT)
        else:
            self._made = made
            self._view.show_token(result)
            done = "Token created" if engine.uses_network else "Token signed on this computer"
            self._view.show_status(done, 5000)
            self.save_form()
            if engine.uses_network:
                await self._remember_token()
        finally:
            self._run.end()

    async def _make(self, job: TokenJob) -> TokenResult:
        """The token, made by the core's token service; the key engines sign with the held
        key chosen, loaded here (off the UI thread)."""
        if job.engine.uses_key:
            job = replace(job, key=await self.keys.chosen_key(job.profile))
        return await self._service.make(job)

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def verify(self) -> None:
        if not self._closing:
            await self._calls.verify()

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def require_signed_urls(self) -> None:
        if not self._closing:
            await self._calls.require_signed_urls()

    # -- the saved form ---------------------------------------------------------------------

    def capture_form(self) -> FormState:
        return self._saved.capture(
            self._view.form_values(),
            profile=self.tokens.profile_name(),
            account_id=self._view.account_id(),
        )

    def save_form(self) -> None:
        """Save the form, never with an API token of this session in it."""
        problem = self._saved.save(self.capture_form(), secrets=self.tokens.known_secrets())
        if problem:
            self._view.show_status(f"The form could not be saved: {problem}", 8000)

    def secrets_in_use(self) -> list[str]:
        """Values the crash handler must cut out of anything it shows or logs."""
        return [s for s in (*self.tokens.known_secrets(), *self.keys.loaded_secrets()) if s]

    # -- closing ----------------------------------------------------------------------------

    def close(self) -> None:
        """The window is closing: save the form, then (in a task) cancel the running action,
        close the dialogs and the API clients, and emit `shutDown`. Raises RuntimeError when
        no event loop runs any more; then nothing async can be left running either."""
        if self._closing:
            return
        self._closing = True
        self._revalidator.stop()
        self._ticker.stop()
        self.video_check.stop()
        self.save_form()
        self.tasks.spawn(self._close(), "close the window")

    async def _close(self) -> None:
        await self.cancel_and_wait()
        await self._view.close_dialogs()
        await self.tasks.cancel_others()
        await self._service.aclose()
        self._shut_down = True
        self.shutDown.emit()

    async def cancel_and_wait(self) -> None:
        """Cancel the running action, if any, and return once it has finished."""
        await self._run.cancel_and_wait()

    def is_shut_down(self) -> bool:
        return self._shut_down
