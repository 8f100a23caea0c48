"""The window's two account-side requests: verify the API token, and turn signed URLs on for
the public video the form warns about. Each is one action of the `ActionRunner`: busy while it
runs, cancellable, and what goes wrong only fills the banner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from cfstream_gui.core.cloudflare import ApiError
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.ui.account.tokens import ApiTokens
from cfstream_gui.ui.videos.access_check import VideoAccessCheck
from cfstream_gui.ui.window.runner import CANCELLED_TEXT, PROFILE_HINT, ActionRunner
from cfstream_gui.ui.window.view import WindowView


class AccountCalls:
    def __init__(
        self,
        view: WindowView,
        *,
        runner: ActionRunner,
        tokens: ApiTokens,
        service: TokenService,
        video_check: VideoAccessCheck,
        remember_token: Callable[[], Awaitable[None]],
    ) -> None:
        """`remember_token()` saves the API token once Cloudflare has accepted it."""
        self._view = view
        self._runner = runner
        self._tokens = tokens
        self._service = service
        self._video_check = video_check
        self._remember_token = remember_token

    async def verify(self) -> None:
        profile, credentials = self._tokens.profile(), self._tokens.credentials()
        if self._runner.busy or profile is None or credentials is None:
            return
        view = self._view
        self._runner.begin("Asking Cloudflare about the API token…")
        view.show_verify_status("checking")
        try:
            client = await self._service.client(profile, credentials)
            status = await client.verify_token(view.account_id() or None)
        except asyncio.CancelledError:
            view.show_verify_status("")
            view.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            view.show_verify_status("error", exc.message)
            self._runner.show_api_error(exc)
        except ValueError as exc:
            view.show_verify_status("error", str(exc))
            view.show_error(str(exc), PROFILE_HINT)
        else:
            until = f" until {status.expires_on:%Y-%m-%d %H:%M} UTC" if status.expires_on else ""
            view.show_verify_status(status.status, f"Token {status.id}{until}")
            if status.is_active:
                view.show_status("The API token is active", 5000)
                await self._remember_token()
            else:
                view.show_error(
                    f"Cloudflare says this API token is {status.status}.",
                    "Create a new token with Stream Edit permission in the dashboard.",
                )
        finally:
            self._runner.end()

    async def require_signed_urls(self) -> None:
        """Turn requireSignedURLs on for the public video the form warns about (the view has
        asked the user first)."""
        if self._runner.busy or self._video_check.shown() is None:
            return
        self._runner.begin("Turning on signed URLs for the video…")
        try:
            access = await self._video_check.require_signed()
        except asyncio.CancelledError:
            self._view.show_notice(CANCELLED_TEXT)
        except ApiError as exc:
            self._runner.show_api_error(exc)
        except ValueError as exc:
            self._view.show_error(str(exc), PROFILE_HINT)
        else:
            text = f"Video “{access.name or access.uid}” now requires signed URLs."
            self._view.show_status(text, 8000)
        finally:
            self._runner.end()
