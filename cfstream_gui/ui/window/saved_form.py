"""The main window's memory between runs: the profiles it offers, and the last form, restored
when it opens and saved after each token and when it closes.

No Qt here: the window controller reads the form from the view as `FormValues` and hands the
restored values back. Losing the saved form is an inconvenience, never a reason to stop: a form
that cannot be saved is said in a sentence and the window carries on.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormValues:
    """What the user typed or picked in the token form and the result's link kind: all of it
    saved, none of it secret. Times are epoch seconds."""

    video: str = ""
    exp: int | None = None
    nbf: int | None = None
    downloadable: bool = False
    rules: tuple[AccessRule, ...] = ()
    engine: SigningEngine = SigningEngine.CLOUDFLARE
    key_id: str | None = None
    url_kind: str | None = None


@dataclass(frozen=True)
class Restored:
    """What to show when the window opens: the profile to choose (None: the first offered), the
    account ID to put back (None: the profile's own), and the form (None: nothing saved)."""

    profile: str | None
    account_id: str | None
    values: FormValues | None


class SavedForm:
    def __init__(
        self,
        profiles: ProfileStore,
        form_store: FormStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._profiles = profiles
        self._form_store = form_store
        self._clock = clock

    def offered_profiles(self, extra: Sequence[Profile]) -> tuple[list[Profile], str]:
        """The session-only profiles first, then the saved ones they do not shadow; and why
        the saved ones are missing ("" when they are not)."""
        saved: list[Profile] = []
        problem = ""
        try:
            saved = self._profiles.list() or [self._profiles.resolve(None)]
        except ProfileError as exc:
            problem = str(exc)
        names = {p.name for p in extra}
        return [*extra, *(p for p in saved if p.name not in names)], problem

    def restored(self, prefer_profile: str | None) -> Restored:
        state = self._form_store.load()
        current = None
        with contextlib.suppress(ProfileError):
            current = self._profiles.current_name()
        name = prefer_profile or (state.profile if state else None) or current
        if state is None:
            return Restored(name, None, None)
        # Another profile's account ID would be wrong for the one chosen now.
        same_profile = name == state.profile
        account_id = state.account_id if same_profile and state.account_id else None
        now = self._clock()
        values = FormValues(
            video=state.video,
            exp=state.exp_at(now),
            nbf=state.nbf_at(now),
            downloadable=state.downloadable,
            rules=state.rules,
            engine=state.engine,
            key_id=state.key_id,
            url_kind=state.url_kind,
        )
        return Restored(name, account_id, values)

    def capture(self, values: FormValues, *, profile: str | None, account_id: str) -> FormState:
        return FormState.capture(
            now=self._clock(),
            profile=profile,
            account_id=account_id,
            video=values.video,
            exp=values.exp,
            nbf=values.nbf,
            downloadable=values.downloadable,
            rules=values.rules,
            url_kind=values.url_kind,
            engine=values.engine,
            key_id=values.key_id,
        )

    def save(self, state: FormState, *, secrets: Sequence[str]) -> str:
        """Save `state` unless it holds one of `secrets`; "" or why it was not saved."""
        try:
            self._form_store.save(state, secrets=secrets)
        except (OSError, ValueError) as exc:
            logger.warning("the form was not saved: %s", exc)
            return str(exc)
        return ""
