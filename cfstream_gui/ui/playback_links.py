"""Where the window's playback links come from: the account's customer code.

The policy is core.customer_codes': the profile's code for its own account, else a pasted
customer-<code> link, else the video's own URLs (one extra API call, once per account and
session). A code learnt that way is kept in the saved profile (off the UI thread) only when the
account is the profile's own.
"""

from __future__ import annotations

import asyncio
import logging

from cfstream_gui.core.cloudflare import ApiError, StreamClient
from cfstream_gui.core.customer_codes import detect_code, is_profiles_account, remembered_code
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.core.urls import PlaybackUrls, playback_urls
from cfstream_gui.ui.common.async_support import BackgroundTasks

logger = logging.getLogger(__name__)


class CustomerCodes:
    def __init__(self, store: ProfileStore, tasks: BackgroundTasks) -> None:
        self._store = store
        self._tasks = tasks
        self._learnt: dict[str, str] = {}  # account id -> code, for this session

    def known(self, profile: Profile, account_id: str, *, pasted: str | None) -> str | None:
        """A code without asking Cloudflare (local signing never makes a request)."""
        return (
            remembered_code(profile, account_id)
            or pasted
            or self._learnt.get(account_id.strip().lower())
        )

    async def find(
        self,
        client: StreamClient,
        profile: Profile,
        account_id: str,
        video_uid: str,
        *,
        pasted: str | None,
        persist: bool,
    ) -> str | None:
        code = self.known(profile, account_id, pasted=pasted)
        if code is not None:
            return code
        try:
            code = await detect_code(client, account_id, video_uid)
        except ApiError as exc:
            # The token itself was made; only the links are missing, and the panel says why.
            logger.info("no customer code from the video: %s", type(exc).__name__)
            return None
        if code is not None:
            self._learnt[account_id.strip().lower()] = code
            if persist and is_profiles_account(profile, account_id):
                self._tasks.spawn(self._persist(profile.name, code), "keep customer code")
        return code

    async def _persist(self, name: str, code: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._store.remember_customer_code, name, code)
        except ProfileError as exc:
            logger.info("customer code not saved: %s", exc)


def links_for(
    code: str | None, token: str, request: TokenRequest, profile: Profile
) -> PlaybackUrls | None:
    """Every playback link for `token`, or None when they cannot be built."""
    if code is None:
        return None
    try:
        return playback_urls(
            code,
            token,
            downloadable=bool(request.downloadable),
            delivery_base=profile.delivery_base_url,
        )
    except ValueError as exc:
        logger.warning("no playback links: %s", exc)
        return None
