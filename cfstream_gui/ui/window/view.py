"""What the window controller needs from its view: the fields the user fills, and places to
show what happened.

`MainWindow` is the real view; the controller's tests use a plain Python fake. Nothing here
reads or holds the API token: the controller has it as a `Credentials` value, and the view only
ever displays it (`show_api_token`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.settings import Settings
from cfstream_gui.core.token_service import TokenResult
from cfstream_gui.core.validation import Problem
from cfstream_gui.ui.account.tokens import TokenDisplay
from cfstream_gui.ui.videos.access import VideoAccess
from cfstream_gui.ui.window.saved_form import FormValues


class WindowView(Protocol):
    # -- what the user filled in ------------------------------------------------------------

    def form_request(self) -> TokenRequest:
        """The request the form describes (normalised, without key or PEM)."""
        ...

    def form_values(self) -> FormValues: ...

    def engine(self) -> SigningEngine: ...

    def key_id(self) -> str | None:
        """The held key chosen to sign, for the key engines; None otherwise, or while the
        list of held keys is being read."""
        ...

    def pasted_customer_code(self) -> str | None:
        """The customer code of the last Stream link pasted into the video field."""
        ...

    def account_id(self) -> str: ...

    # -- the account ------------------------------------------------------------------------

    def show_profiles(self, names: Sequence[str]) -> None: ...

    def show_profile(self, name: str, account_id: str) -> None: ...

    def set_account_id(self, account_id: str) -> None: ...

    def show_api_token(self, display: TokenDisplay) -> None: ...

    def show_sandbox_note(self, shown: bool) -> None:
        """Whether to say the profile is the offline sandbox, with "Add your Cloudflare
        account"."""
        ...

    def show_verify_status(self, status: str, detail: str = "") -> None:
        """`status`: "", "checking", "active", "expired", "disabled", "invalid" or "error"."""
        ...

    # -- the form ---------------------------------------------------------------------------

    def restore_form(self, values: FormValues) -> None: ...

    def show_keys_reading(self) -> None: ...

    def show_keys(self, key_ids: Sequence[str], default_key_id: str | None) -> None: ...

    def want_key(self, key_id: str | None) -> None:
        """Select `key_id` now if it is listed, else as soon as a list holding it arrives."""
        ...

    def mark_problems(self, problems: Sequence[Problem], account_problem: Problem | None) -> None:
        """Each field's first problem next to it; `account_problem` at the account ID."""
        ...

    def show_preview(self, text: str) -> None: ...

    def show_video_access(self, access: VideoAccess | None) -> None:
        """Warn, with an offer to require signed URLs, when `access` is a public video; say
        nothing otherwise."""
        ...

    # -- Create and what came of it ---------------------------------------------------------

    def show_state(self, reason: str, warnings: Sequence[Problem], *, can_verify: bool) -> None:
        """Create is enabled exactly when there is no `reason`; Verify when `can_verify`."""
        ...

    def show_busy(self, text: str) -> None:
        """An action runs: Create and Verify disabled, Cancel enabled, `text` said."""
        ...

    def show_idle(self) -> None: ...

    def show_token(self, result: TokenResult) -> None: ...

    def show_result_stale(self, stale: bool) -> None:
        """Whether the form has changed since the token on show was made (or, once changed
        back, no longer has)."""
        ...

    def show_error(self, message: str, hint: str = "") -> None: ...

    def show_notice(self, message: str) -> None: ...

    def offer_session_only(self, message: str, hint: str) -> None:
        """Say `message` calmly, with `hint`, and offer to keep the API token for this session
        only (the choice calls the controller's `keep_token_for_session`)."""
        ...

    def clear_banner(self) -> None: ...

    def show_status(self, text: str, milliseconds: int) -> None:
        """A passing sentence (the status bar), gone after `milliseconds`."""
        ...

    def use_settings(self, settings: Settings) -> None:
        """Follow the settings from now on (how long a copied token stays on the clipboard)."""
        ...

    async def close_dialogs(self) -> None:
        """Close the dialogs the view opened and wait until their work has ended."""
        ...
