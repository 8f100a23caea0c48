"""The main window's actions, create and verify: one runs at a time, Cancel cancels it, and
whatever goes wrong only ever fills the banner, never clears the form.

The window's async slots await these, so the running action is the slot's own task: that task
is what Cancel and closing the window cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from cfstream_gui.core.cloudflare import ApiError, AuthError, RateLimited
from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.core.validation import ValidationError
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.create_gate import CreateGate
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.keys.window_keys import KEY_ERRORS
from cfstream_gui.ui.result_panel import ResultPanel
from cfstream_gui.ui.token_engines import TokenEngines

BUSY_TEXTS = {
    SigningEngine.CLOUDFLARE: "Creating the token…",
    SigningEngine.API_KEY: "Creating the token with your signing key…",
    SigningEngine.LOCAL: "Signing the token on this computer…",
}
KEY_HINT = "Open Keys → Signing keys… to see which keys are held here."
CANCELLED_TEXT = "Cancelled: no request is running any more, and the form is as you left it."
PROFILE_HINT = "Fix the profile, or choose another one."


class WindowActions:
    def __init__(
        self,
        *,
        gate: CreateGate,
        engines: TokenEngines,
        account: AccountPanel,
        form: TokenForm,
        result: ResultPanel,
        banner: ErrorBanner,
        action_bar: ActionBar,
        refresh: Callable[[], None],
        save_form: Callable[[], None],
        status: Callable[[str, int], None],
    ) -> None:
        """`refresh()` brings the Create button up to date once an action has ended;
        `status(text, milliseconds)` shows a sentence in the window's status bar."""
        self._gate = gate
        self._engines = engines
        self._account = account
        self._form = form
        self._result = result
        self._banner = banner
        self._action_bar = action_bar
        self._refresh = refresh
        self._save_form = save_form
        self._status = status
        self._busy = False
        self._closing = False
        self._action: asyncio.Task[None] | None = None
        # How many actions have ended, whatever their outcome: what a test (or a script driving
        # the window) waits on, since a fast action can start and end between two polls.
        self.finished = 0

    def is_busy(self) -> bool:
        return self._busy

    def cancel(self) -> None:
        if self._action is not None and not self._action.done():
            self._action.cancel()

    def begin_closing(self) -> None:
        """The window is closing: an action that ends now leaves the buttons alone."""
        self._closing = True

    async def cancel_and_wait(self) -> None:
        """Cancel the running action, if any, and return once it has finished."""
        action = self._action
        if action is not None and not action.done():
            action.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await action

    async def create_token(self) -> None:
        if self._busy:  # a second click before the first request started
            return
        problems = self._gate.problems()
        profile = self._account.profile()
        if self._gate.blocking_reason(problems) or profile is None:
            self._refresh()
            return
        request = self._form.request()
        engine = self._form.engine()
        self._begin(BUSY_TEXTS[engine])
        try:
            made = await self._engines.make(engine, profile, request)
        except asyncio.CancelledError:
            self._banner.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            self._show_api_error(exc)
        except ValidationError as exc:  # the clock moved on, e.g. the expiry is now past
            self._banner.show_error(str(exc), "Fix the form and create again.")
        except KEY_ERRORS as exc:
            self._banner.show_error(str(exc), KEY_HINT)
        except ValueError as exc:  # a profile's bad API base URL
            self._banner.show_error(str(exc), PROFILE_HINT)
        else:
            self._result.show_token(made.token, made.urls)
            done = "Token signed on this computer" if not engine.uses_network else "Token created"
            self._status(done, 5000)
            self._save_form()
            if engine.uses_network:
                await self._remember_token()
        finally:
            self._end()

    async def verify_api_token(self) -> None:
        profile = self._account.profile()
        if self._busy or profile is None or not self._account.api_token():
            return
        self._begin("Asking Cloudflare about the API token…")
        self._account.set_verify_status("checking")
        try:
            client = await self._engines.client_for(profile)
            status = await client.verify_token(self._account.account_id() or None)
        except asyncio.CancelledError:
            self._account.set_verify_status("")
            self._banner.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            self._account.set_verify_status("error", exc.message)
            self._show_api_error(exc)
        except ValueError as exc:
            self._account.set_verify_status("error", str(exc))
            self._banner.show_error(str(exc), PROFILE_HINT)
        else:
            until = f" until {status.expires_on:%Y-%m-%d %H:%M} UTC" if status.expires_on else ""
            self._account.set_verify_status(status.status, f"Token {status.id}{until}")
            if status.is_active:
                self._status("The API token is active", 5000)
                await self._remember_token()
            else:
                self._banner.show_error(
                    f"Cloudflare says this API token is {status.status}.",
                    "Create a new token with Stream Edit permission in the dashboard.",
                )
        finally:
            self._end()

    def _begin(self, text: str) -> None:
        self._busy = True
        self._action = asyncio.current_task()
        self._action_bar.set_busy(text)
        self._account.verifyButton.setEnabled(False)
        self._banner.clear()

    def _end(self) -> None:
        self.finished += 1
        self._busy = False
        self._action = None
        self._action_bar.set_idle()
        if not self._closing:
            self._refresh()

    def _show_api_error(self, exc: ApiError) -> None:
        if isinstance(exc, RateLimited):
            self._action_bar.start_rate_limit(exc.retry_after)
        if isinstance(exc, AuthError):
            self._account.set_verify_status("invalid", exc.message)
        self._banner.show_error(exc.message, exc.hint)

    async def _remember_token(self) -> None:
        try:
            await self._account.remember_token()
        except (SecretStoreError, ValueError) as exc:
            self._banner.show_notice(f"The API token works but was not saved: {exc}")
