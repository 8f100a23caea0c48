"""Where the window starts: on the saved profiles, on the account the environment names, or,
when there is neither (a first run), on the built-in sandbox with an offer to add an account.

The CLI works from the environment alone (`CLOUDFLARE_ACCOUNT_ID`, with `CLOUDFLARE_API_TOKEN`
and `CLOUDFLARE_BASE_URL` when set); the window does the same rather than show a demo to
someone who has said which account they use.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from cfstream_gui.core.storage.profiles import ACCOUNT_ID_ENV, ProfileError, ProfileStore


class Start(StrEnum):
    SAVED = "saved"  # the saved profiles (or a profiles file the window must complain about)
    ENVIRONMENT = "environment"  # none saved: a profile for CLOUDFLARE_ACCOUNT_ID
    SANDBOX = "sandbox"  # asked for with --sandbox
    FIRST_RUN = "first run"  # nothing saved or named: the sandbox, and "Add your account"

    @property
    def uses_sandbox(self) -> bool:
        return self in (Start.SANDBOX, Start.FIRST_RUN)


def start_choice(
    profiles: ProfileStore, env: Mapping[str, str], *, sandbox_asked: bool = False
) -> Start:
    """How the window starts. Reads `profiles.json` once (no keyring, no network)."""
    if sandbox_asked:
        return Start.SANDBOX
    try:
        saved = profiles.list()
    except ProfileError:
        # A damaged file is not a first run: the window says what is wrong with it, and a
        # demo in its place would hide that the user's profiles are unreadable.
        return Start.SAVED
    if saved:
        return Start.SAVED
    if env.get(ACCOUNT_ID_ENV, "").strip():
        return Start.ENVIRONMENT
    return Start.FIRST_RUN
