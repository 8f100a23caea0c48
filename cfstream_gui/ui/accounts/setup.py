"""What the Accounts dialog is given by the window, and what it hands back when it closes.

Kept apart from the dialog so the window controller can name these without importing any
widget (the dialog itself is imported only when it is opened).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore

ClientFor = Callable[[Profile, Credentials | None], Awaitable[StreamClient]]


@dataclass(frozen=True)
class AccountsSetup:
    profiles: ProfileStore
    secrets: SecretStore
    client: ClientFor  # the window's API clients (one per base URL and token)
    env: Mapping[str, str]
    current: str | None  # the profile the window shows, selected when the dialog opens
    add_first: bool = False  # open on a blank new account (the first run's button)


@dataclass(frozen=True)
class AccountsChanged:
    """What the dialog changed, for the window to read the profiles again."""

    # Profiles whose token or settings changed, or that were renamed or removed: what the
    # window knows of them is stale.
    stale: tuple[str, ...] = ()
    # The profile to switch to (one just added, or the one the user chose to use).
    use: str | None = None
    # API tokens the keyring refused, kept for this session only, by profile.
    session_tokens: Mapping[str, Credentials] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.stale or self.use or self.session_tokens)
