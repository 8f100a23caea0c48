"""Where the video browser reads videos from: the window's profile, API token and account.

Named by the window controller without importing the browser's widgets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.storage.profiles import Profile


@dataclass(frozen=True)
class VideoSource:
    client: Callable[[], Awaitable[StreamClient]]  # the window's API client for the profile
    account_id: str
    profile: Profile  # its delivery base URL and customer code place the thumbnails
