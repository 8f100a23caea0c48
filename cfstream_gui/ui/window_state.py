"""The main window's memory between runs: the profiles it offers, and the last form, restored
when it opens and saved after each token and when it closes.

Losing the saved form is an inconvenience, never a reason to stop: a form that cannot be saved
is said in the status bar and the window carries on.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence

from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.ui.account_panel import AccountPanel
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.form.token_form import TokenForm
from cfstream_gui.ui.result_panel import ResultPanel

logger = logging.getLogger(__name__)


class SavedForm:
    def __init__(
        self,
        *,
        profiles: ProfileStore,
        form_store: FormStore,
        account: AccountPanel,
        form: TokenForm,
        result: ResultPanel,
        banner: ErrorBanner,
        clock: Callable[[], float],
        status: Callable[[str, int], None],
    ) -> None:
        """`status(text, milliseconds)` shows a sentence in the window's status bar."""
        self._profiles = profiles
        self._form_store = form_store
        self._account = account
        self._form = form
        self._result = result
        self._banner = banner
        self._clock = clock
        self._status = status

    def load_profiles(self, extra: Sequence[Profile], session_tokens: Mapping[str, str]) -> None:
        """Offer the session-only profiles first, then the saved ones they do not shadow."""
        saved: list[Profile] = []
        try:
            saved = self._profiles.list() or [self._profiles.resolve(None)]
        except ProfileError as exc:
            self._banner.show_error(str(exc), "Profiles are unavailable until the file is fixed.")
        names = {p.name for p in extra}
        self._account.set_profiles(
            [*extra, *(p for p in saved if p.name not in names)], session_tokens
        )

    def restore(self, prefer_profile: str | None) -> None:
        state = self._form_store.load()
        current = None
        with contextlib.suppress(ProfileError):
            current = self._profiles.current_name()
        name = prefer_profile or (state.profile if state else None) or current
        same_profile = state is not None and name == state.profile
        if name is not None:
            self._account.select_profile(name)
        if state is None:
            return
        # Another profile's account ID would be wrong for the one chosen now.
        if same_profile and state.account_id:
            self._account.accountIdEdit.setText(state.account_id)
        now = self._clock()
        self._form.restore(
            video=state.video,
            exp=state.exp_at(now),
            nbf=state.nbf_at(now),
            downloadable=state.downloadable,
            rules=state.rules,
            engine=state.engine,
            key_id=state.key_id,
        )
        if state.url_kind:
            self._result.set_url_kind(state.url_kind)

    def capture(self) -> FormState:
        return FormState.capture(
            now=self._clock(),
            profile=self._account.profile_name(),
            account_id=self._account.account_id(),
            video=self._form.video_uid(),
            exp=self._form.expiry.value(),
            nbf=self._form.nbf.value(),
            downloadable=self._form.downloadableCheck.isChecked(),
            rules=self._form.rules(),
            url_kind=self._result.url_kind(),
            engine=self._form.engine(),
            key_id=self._form.key_id(),
        )

    def save(self) -> None:
        try:
            self._form_store.save(self.capture(), secrets=[self._account.api_token()])
        except (OSError, ValueError) as exc:
            logger.warning("the form was not saved: %s", exc)
            self._status(f"The form could not be saved: {exc}", 8000)
