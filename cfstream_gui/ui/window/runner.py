"""One action at a time (Create, Verify, Require signed URLs): its busy state, the task that
Cancel and closing cancel, how many actions have ended, and an API error shown the way the
window shows them (a 429 starts the rate-limit countdown).

The running action is the slot's own task (`asyncio.current_task()` at `begin`), so cancelling
it cancels exactly the request in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from PySide6.QtCore import QTimer

from cfstream_gui.core.cloudflare import ApiError, AuthError, RateLimited
from cfstream_gui.ui.window import gate
from cfstream_gui.ui.window.view import WindowView

CANCELLED_TEXT = "Cancelled: no request is running any more, and the form is as you left it."
PROFILE_HINT = "Fix the profile, or choose another one."


class ActionRunner:
    def __init__(
        self,
        view: WindowView,
        *,
        rate_limit: gate.RateLimit,
        ticker: QTimer,
        ended: Callable[[], None],
    ) -> None:
        """`ended()` runs after every action, whatever its outcome."""
        self._view = view
        self._rate_limit = rate_limit
        self._ticker = ticker
        self._ended = ended
        self.busy = False
        self._action: asyncio.Task[None] | None = None
        # How many actions have ended, whatever their outcome: what a test (or a script
        # driving the window) waits on, since a fast action can start and end between polls.
        self.finished = 0

    def begin(self, text: str) -> None:
        self.busy = True
        self._action = asyncio.current_task()
        self._view.show_busy(text)
        self._view.clear_banner()

    def end(self) -> None:
        self.finished += 1
        self.busy = False
        self._action = None
        self._view.show_idle()
        self._ended()

    def cancel(self) -> None:
        if self._action is not None and not self._action.done():
            self._action.cancel()

    async def cancel_and_wait(self) -> None:
        """Cancel the running action, if any, and return once it has finished."""
        action = self._action
        if action is not None and not action.done():
            action.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await action

    def show_api_error(self, exc: ApiError) -> None:
        if isinstance(exc, RateLimited):
            self._rate_limit.start(exc.retry_after)
            self._ticker.start()
        if isinstance(exc, AuthError):
            self._view.show_verify_status("invalid", exc.message)
        self._view.show_error(exc.message, exc.hint)
