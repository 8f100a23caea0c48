"""Which customer code builds an account's playback links, shared by the CLI and the window.

No API field returns the code (`customer-<CODE>.cloudflarestream.com`) by itself: it is read from
a video's own URLs. A code belongs to an account, not to a profile, so a profile's remembered
code is used, and a newly learnt one saved into the profile, only while the account in use is the
profile's own. Otherwise `--account` (or an edited account field) pointing somewhere else would
build links on the wrong host, or teach the profile another account's code for good.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.urls import customer_code_from_video

if TYPE_CHECKING:
    from cfstream_gui.core.cloudflare import StreamClient


def is_profiles_account(profile: Profile, account_id: str) -> bool:
    """Whether `account_id` is the profile's own. Either side being empty counts as yes: a
    profile with no account defers to the form, and an empty form (local signing needs no
    account) means the profile's."""
    own, used = profile.account_id.strip().lower(), account_id.strip().lower()
    return not own or not used or own == used


def remembered_code(profile: Profile, account_id: str) -> str | None:
    """The profile's saved code, when it applies to `account_id`."""
    if profile.customer_code and is_profiles_account(profile, account_id):
        return profile.customer_code
    return None


async def detect_code(client: StreamClient, account_id: str, video_uid: str) -> str | None:
    """The code in the video's preview/thumbnail/playback URLs: one API call. None while the
    video is still encoding (Cloudflare omits those URLs until then)."""
    return customer_code_from_video(await client.get_video(account_id, video_uid))
