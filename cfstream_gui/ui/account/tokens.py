"""The API token each profile uses this session, as a `Credentials` value, and where it is kept.

Which token a request is sent with is decided here and only here, by `core.credentials`: the
environment's `CLOUDFLARE_API_TOKEN` when set (it wins for the run), else what the user typed,
what the keyring holds, or the sandbox's demo token. The account panel only shows the outcome
(`display()`); its text is never read back to find the token.

The keyring is read once per profile, in a worker thread (a D-Bus round trip, and the first one
also picks the backend). `remember()` saves the token once Cloudflare has accepted it;
`set_remember(False)` deletes it from the keyring at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from cfstream_gui.core.credentials import (
    API_TOKEN_ENV,
    Credentials,
    InvalidApiToken,
    Origin,
    from_environment,
)
from cfstream_gui.core.daemon_calls import in_daemon_thread
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
from cfstream_gui.ui.common.async_support import BackgroundTasks

ENV_STORE_TEXT = f"environment ({API_TOKEN_ENV})"
SESSION_STORE_TEXT = "this session only"
NO_KEYRING = "no keyring available"  # SecretStore.store_name() without any keyring backend
UNAVAILABLE_STORES = {NO_KEYRING, "keyring turned off (null backend)"}
# No keyring is a fact of some systems, not an error: one calm sentence, the fix, and a choice.
NO_KEYRING_TEXT = "No system keyring: the API token is kept for this session only."
NO_KEYRING_FIX = "Install GNOME Keyring or KWallet, or set CLOUDFLARE_API_TOKEN."


@dataclass(frozen=True)
class TokenDisplay:
    """What the account panel shows about the current profile's API token."""

    text: str = field(default="", repr=False)
    read_only: bool = False
    tooltip: str = ""
    reading: bool = False
    remember_enabled: bool = False
    remember_checked: bool = False
    store_text: str = ""


@dataclass(frozen=True)
class _KeyringRead:
    token: str | None = field(repr=False)
    store: str
    error: SecretStoreError | None


class ApiTokens(QObject):
    """`session_tokens` of `set_profiles` are profiles whose token lives in memory only (the
    sandbox's demo token); they never touch the keyring."""

    # The current token, its display or where it is kept changed.
    changed = Signal()
    # Trouble with the keyring: message and what to do.
    keyringProblem = Signal(str, str)
    # There is no keyring at all (said once a session; not trouble, a fact of this system).
    noKeyring = Signal()

    def __init__(
        self,
        secrets: SecretStore,
        tasks: BackgroundTasks,
        env: Mapping[str, str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._secrets = secrets
        self._tasks = tasks
        self._env: Credentials | None = None
        self._env_problem = ""
        try:
            self._env = from_environment(env)
        except InvalidApiToken as exc:  # set, but nothing we could send: say so, never fall back
            self._env_problem = f"{API_TOKEN_ENV} is set but cannot be used: {exc}"
        self._profiles: dict[str, Profile] = {}
        self._session_only: set[str] = set()
        self._shown: dict[str, str] = {}  # what each profile's token field shows
        self._credentials: dict[str, Credentials] = {}  # absent: none, or not sendable
        self._stored: dict[str, str | None] = {}  # what the keyring holds, as far as we know
        self._reading: set[str] = set()
        self._store_name: str | None = None  # None until the keyring backend has been asked
        self._current: str | None = None
        self._remember_wanted = True
        self._memory_only = False  # the user chose to keep tokens out of the keyring
        self._told_no_keyring = False

    # -- profiles ---------------------------------------------------------------------------

    def set_profiles(
        self, profiles: Sequence[Profile], session_tokens: Mapping[str, str] | None = None
    ) -> None:
        session_tokens = session_tokens or {}
        self._profiles = {p.name: p for p in profiles}
        self._session_only = set(session_tokens)
        for name, token in session_tokens.items():
            self._shown[name] = token
            self._credentials[name] = Credentials.of(token, Origin.SANDBOX)
        self._current = None

    def names(self) -> list[str]:
        return list(self._profiles)

    def forget(self, names: Sequence[str]) -> None:
        """What this session knows of `names`' tokens is stale (the Accounts dialog saved,
        renamed or removed them): read the keyring again when one is next chosen."""
        for name in names:
            if name in self._session_only:
                continue
            self._shown.pop(name, None)
            self._credentials.pop(name, None)
            self._stored.pop(name, None)

    def switch_to(self, name: str) -> Profile | None:
        """Make `name` the current profile, reading its token from the keyring if it is not
        known yet. None when there is no such profile, or it is current already."""
        profile = self._profiles.get(name)
        if profile is None or name == self._current:
            return None
        self._current = name
        env_wins = self._env_wins()
        if not env_wins and name not in self._session_only and name not in self._shown:
            self._start_read(name)
        elif self._store_name is None:
            # Still learn the store's name, for the label once the user looks elsewhere.
            self._start_read(name, token_too=False)
        return profile

    def profile(self) -> Profile | None:
        return self._profiles.get(self._current) if self._current else None

    def profile_name(self) -> str | None:
        return self._current

    def is_session_only(self) -> bool:
        return self._current in self._session_only

    # -- the token --------------------------------------------------------------------------

    def credentials(self) -> Credentials | None:
        """What the current profile's requests are sent with, or None."""
        if self._env_wins():
            return self._env
        return self._credentials.get(self._current) if self._current else None

    def api_token(self) -> str:
        """The current token, or ""."""
        credentials = self.credentials()
        return "" if credentials is None else credentials.api_token

    def known_secrets(self) -> list[str]:
        """Every profile's token this session, for the guards that keep them out of files and
        logs (not only the current one: the user may have switched profiles since)."""
        tokens = [c.api_token for c in self._credentials.values()]
        if self._env is not None:
            tokens.append(self._env.api_token)
        return list(dict.fromkeys(tokens))

    def unusable_reason(self) -> str:
        """Why the token given cannot be sent (spaces, line breaks…), or "" when it can or
        none was given. Names the field, never repeats the text."""
        if self._env_wins():
            return self._env_problem
        text = self._shown.get(self._current, "") if self._current else ""
        if not text.strip() or self.credentials() is not None:
            return ""
        try:
            Credentials.of(text, Origin.TYPED)
        except InvalidApiToken as exc:
            return str(exc)
        return ""

    def is_reading(self) -> bool:
        """Whether the current profile's token is still being read from the keyring."""
        return self._current in self._reading

    def typed(self, text: str) -> None:
        """The user typed (or pasted) `text` into the current profile's token field."""
        name = self._current
        if name is None or self._env_wins():
            return
        self._shown[name] = text
        self._credentials.pop(name, None)
        with contextlib.suppress(InvalidApiToken):  # said by unusable_reason()
            self._credentials[name] = Credentials.of(text, Origin.TYPED)
        self.changed.emit()

    def display(self) -> TokenDisplay:
        name = self._current
        possible = self._may_remember_here()
        if self._env_wins():
            return TokenDisplay(
                text=self._env.api_token if self._env is not None else "",
                read_only=True,
                tooltip=self._env_problem or f"Set by {API_TOKEN_ENV}, which wins for this run",
                store_text=self.store_text(),
            )
        return TokenDisplay(
            text=self._shown.get(name, "") if name else "",
            reading=name in self._reading,
            remember_enabled=possible,
            remember_checked=possible and self._remember_wanted,
            store_text=self.store_text(),
        )

    def _env_wins(self) -> bool:
        # Not for the sandbox: its demo token is the only one it knows, as in the CLI's
        # --sandbox, and a real token has no business going to it.
        env_set = self._env is not None or bool(self._env_problem)
        return env_set and self._current not in self._session_only

    # -- the keyring ------------------------------------------------------------------------

    def _start_read(self, name: str, *, token_too: bool = True) -> None:
        if token_too:
            self._reading.add(name)
        self._tasks.spawn(self._read(name, token_too), f"read keyring for {name}")

    async def _read(self, name: str, token_too: bool) -> None:
        try:
            result = await in_daemon_thread(self._read_blocking, name, token_too)
        finally:
            self._reading.discard(name)
        self._store_name = result.store
        if result.error is not None and result.store == NO_KEYRING:
            if not self._told_no_keyring and not self._memory_only:
                self._told_no_keyring = True
                self.noKeyring.emit()
        elif result.error is not None:
            self.keyringProblem.emit(result.error.message, "Type the API token to use it now.")
        if token_too:
            self._stored[name] = result.token
            # Whatever the user typed meanwhile wins over what the keyring had.
            if result.token and not self._shown.get(name):
                self._shown[name] = result.token
                with contextlib.suppress(InvalidApiToken):  # a damaged entry: type it again
                    self._credentials[name] = Credentials.of(result.token, Origin.KEYRING)
        self.changed.emit()

    def _read_blocking(self, name: str, token_too: bool) -> _KeyringRead:
        """Runs in a worker thread."""
        token: str | None = None
        error: SecretStoreError | None = None
        if token_too:
            try:
                token = self._secrets.get_api_token(name)
            except SecretStoreError as exc:
                error = exc
        return _KeyringRead(token, self._secrets.store_name(), error)

    async def remember(self) -> None:
        """Save the token in use to the keyring if the user wants that and it is not there
        yet. Raises SecretStoreError (or InvalidApiToken) with a sentence when it cannot."""
        name, credentials = self._current, self.credentials()
        if name is None or credentials is None or not self._may_store():
            return
        if self._stored.get(name) == credentials.api_token:
            return
        await in_daemon_thread(self._secrets.set_api_token, name, credentials.api_token)
        self._stored[name] = credentials.api_token
        self.changed.emit()

    def set_remember(self, wanted: bool) -> None:
        """The user's choice for "Remember in keyring"; unchecking forgets the saved token."""
        self._remember_wanted = wanted
        name = self._current
        if not wanted and name is not None and name not in self._session_only:
            self._tasks.spawn(self._forget(name), f"forget token for {name}")
        self.changed.emit()

    async def _forget(self, name: str) -> None:
        try:
            await in_daemon_thread(self._secrets.delete_api_token, name)
        except SecretStoreError as exc:
            self.keyringProblem.emit(exc.message, "")
            return
        self._stored[name] = None

    def keep_for_session(self) -> None:
        """The user's choice: API tokens stay in memory for this session, and the keyring is
        neither written nor asked again (nothing is deleted from it either)."""
        self._memory_only = True
        self.changed.emit()

    def _may_remember_here(self) -> bool:
        """Whether remembering is possible for the current profile at all."""
        return (
            self._current is not None
            and self._current not in self._session_only
            and not self._memory_only
            and not self._env_wins()
            and self._store_name not in UNAVAILABLE_STORES
        )

    def _may_store(self) -> bool:
        return self._remember_wanted and self._may_remember_here()

    def store_text(self) -> str:
        """Where the token in use is (or will be) kept."""
        if self._env_wins():
            return ENV_STORE_TEXT
        if self._current in self._session_only:
            return f"{SESSION_STORE_TEXT} (sandbox demo token)"
        if self._store_name in UNAVAILABLE_STORES:
            return f"{SESSION_STORE_TEXT} ({self._store_name})"
        if self._memory_only or not self._remember_wanted:
            return SESSION_STORE_TEXT
        return self._store_name or "the system keyring"
