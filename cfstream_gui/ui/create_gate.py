"""Whether the main window's Create button can be pressed now, and if not, the one sentence
that says why; on the way it marks the form's problems and refreshes the request preview.

The account ID and the API token only matter to the engines that call the API: a token signed
on this computer needs neither.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.validation import Problem, Severity, check_request
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.action_bar import ActionBar
from cfstream_gui.ui.form.engine_picker import no_key_reason
from cfstream_gui.ui.form.request_preview import preview_text
from cfstream_gui.ui.form.token_form import TokenForm


class CreateGate:
    def __init__(
        self,
        *,
        account: AccountPanel,
        form: TokenForm,
        action_bar: ActionBar,
        clock: Callable[[], float],
    ) -> None:
        self._account = account
        self._form = form
        self._action_bar = action_bar
        self._clock = clock

    def problems(self, request: TokenRequest | None = None) -> list[Problem]:
        """What validation says about the form; the account ID only matters for the API."""
        uses_network = self._form.engine().uses_network
        return check_request(
            self._form.request() if request is None else request,
            now=int(self._clock()),
            account_id=self._account.account_id() if uses_network else None,
        )

    def blocking_reason(self, problems: Sequence[Problem]) -> str:
        """Why Create cannot be pressed now, or "" when it can."""
        first_error = next((p for p in problems if p.severity is Severity.ERROR), None)
        if first_error is not None:
            return first_error.message
        profile = self._account.profile()
        if profile is None:
            return "Choose a profile first."
        engine = self._form.engine()
        if engine.uses_key and self._form.key_id() is None:
            if self._form.signing.is_reading():
                return "Reading the signing keys from the keyring…"
            return no_key_reason(profile.name)
        if not engine.uses_network:
            return ""  # signed here: no API token, no account ID, no rate limit
        if not self._account.api_token():
            if self._account.is_reading():
                return "Reading the API token from the keyring…"
            return "Enter the API token; it needs Stream Edit permission for this account."
        return self._action_bar.rate_limit_reason()

    def refresh(self, *, busy: bool) -> None:
        """Show the form's problems and preview; while an action runs, leave its buttons be."""
        request = self._form.request()
        problems = self.problems(request)
        self._form.show_problems(problems)
        self._form.preview.set_text(
            preview_text(
                self._form.engine(),
                request,
                key_id=self._form.key_id(),
                account_id=self._account.account_id(),
                now=int(self._clock()),
            )
        )
        account_problem = next((p for p in problems if p.field == "account ID"), None)
        if account_problem is not None and not self._account.account_id():
            account_problem = None  # empty: said by the Create reason, not painted red
        self._account.accountIdMessage.show_problem(self._account.accountIdEdit, account_problem)
        if busy:
            return
        reason = self.blocking_reason(problems)
        warnings = [p for p in problems if p.severity is Severity.WARNING]
        self._action_bar.show_state(reason, warnings)
        self._account.verifyButton.setEnabled(bool(self._account.api_token()))
