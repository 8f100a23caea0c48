"""The window controller's accounts part: the profiles it offers (read again after the Accounts
dialog changed them), what the Accounts dialog and the video browser are given, and where the
browser reads from.

The dialogs get what they need from here explicitly; they never reach into the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.ui.account.tokens import ApiTokens
from cfstream_gui.ui.accounts.setup import AccountsChanged, AccountsSetup
from cfstream_gui.ui.videos.source import VideoSource
from cfstream_gui.ui.window.gate import NO_PROFILE
from cfstream_gui.ui.window.saved_form import SavedForm
from cfstream_gui.ui.window.view import WindowView

NO_TOKEN_FOR_VIDEOS = "Enter the API token (or choose a profile with one) to list the videos."
NO_ACCOUNT_FOR_VIDEOS = "Enter the account ID to list its videos."


class AccountActions:
    def __init__(
        self,
        view: WindowView,
        *,
        tokens: ApiTokens,
        service: TokenService,
        saved: SavedForm,
        profiles: ProfileStore,
        secrets: SecretStore,
        env: Mapping[str, str],
        choose: Callable[[str], None],
    ) -> None:
        """`choose` is the controller's profile switch (it shows the profile and its keys)."""
        self._view = view
        self._tokens = tokens
        self._service = service
        self._saved = saved
        self._profiles = profiles
        self._secrets = secrets
        self._env = env
        self._choose = choose
        self._extra: tuple[Profile, ...] = ()
        self._session_tokens: dict[str, str] = {}

    def offer(
        self,
        extra_profiles: Sequence[Profile] = (),
        session_tokens: Mapping[str, str] | None = None,
    ) -> None:
        """Offer the saved profiles after `extra_profiles` (session-only ones, such as the
        sandbox's, whose tokens are `session_tokens`); none is chosen yet."""
        self._extra, self._session_tokens = tuple(extra_profiles), dict(session_tokens or {})
        self._reoffer()

    def _reoffer(self) -> None:
        offered, problem = self._saved.offered_profiles(self._extra)
        if problem:
            self._view.show_error(problem, "Profiles are unavailable until the file is fixed.")
        self._tokens.set_profiles(offered, self._session_tokens)
        self._view.show_profiles(self._tokens.names())

    # -- the Accounts dialog -----------------------------------------------------------------

    def setup(self, *, add_first: bool = False) -> AccountsSetup:
        """What the Accounts dialog works with: the stores and the window's API clients."""
        return AccountsSetup(
            self._profiles,
            self._secrets,
            self._service.client,
            self._env,
            self._tokens.profile_name(),
            add_first,
        )

    def changed(self, changes: AccountsChanged) -> None:
        """The Accounts dialog saved, renamed or removed profiles: offer them afresh and switch
        to the one it names. The current profile stays, its account ID as typed, unless it
        changed or went."""
        before, typed_account = self._tokens.profile_name(), self._view.account_id()
        self._tokens.forget(changes.stale)
        self._reoffer()
        names = self._tokens.names()
        wanted = changes.use or before
        target = wanted if wanted in names else (names[0] if names else None)
        if target is None:
            return
        self._choose(target)
        if target == before and before not in changes.stale:
            self._view.set_account_id(typed_account)
        credentials = changes.session_tokens.get(target)
        if credentials is not None:
            self._tokens.typed(credentials.api_token)

    # -- the video browser -------------------------------------------------------------------

    def video_source(self) -> VideoSource | str:
        """Where the video browser reads from, or why it cannot (a sentence)."""
        profile, credentials = self._tokens.profile(), self._tokens.credentials()
        account_id = self._view.account_id()
        if profile is None:
            return NO_PROFILE
        if credentials is None:
            return NO_TOKEN_FOR_VIDEOS
        if not account_id:
            return NO_ACCOUNT_FOR_VIDEOS
        client = partial(self._service.client, profile, credentials)
        return VideoSource(client, account_id, profile)
