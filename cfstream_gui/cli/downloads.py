"""Whether an MP4 link will work: `create --downloadable -o mp4` asks once.

A downloadable token opens the MP4 only if the video's download was made (Cloudflare's
`POST .../stream/{uid}/downloads`, or the dashboard), and that is kept out of the video's
details: only `GET .../downloads` tells. So the one extra call is made for the mp4 output and
for nothing else. A check that cannot be made is a note, never a warning or a failure: the
token is fine either way, only the link's fate is unknown.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from cfstream_gui.core.cloudflare import ApiError
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.token_service import TokenJob, TokenService

from .context import Context, resolve_target
from .errors import UsageError


@dataclass(frozen=True)
class DownloadsCheck:
    """Who asks about which video's downloads."""

    profile: Profile
    credentials: Credentials
    account: str
    video_uid: str


def downloads_check(args: argparse.Namespace, job: TokenJob, ctx: Context) -> DownloadsCheck | None:
    """The check to make for the mp4 output, or None (with a note) when there is no API token
    to ask with, as when signing locally with nothing stored but the key."""
    from cfstream_gui.core.storage.secrets import SecretStoreError  # not loaded for other outputs

    uid = job.request.video_uid.strip()
    profile, credentials, account = job.profile, job.credentials, job.account
    if credentials is None:
        try:
            target = resolve_target(ctx, args.profile, args.account)
        except (UsageError, SecretStoreError) as exc:
            ctx.note(f"note: {_unchecked(uid)}: {exc}")
            return None
        profile, credentials, account = target.profile, target.credentials, target.account_id
    return DownloadsCheck(profile, credentials, account, uid)


async def downloads_problem(service: TokenService, check: DownloadsCheck) -> str | None:
    """A "warning:" or "note:" line about the video's MP4 download, or None when it is ready."""
    try:
        client = await service.client(check.profile, check.credentials)
        downloads = await client.get_downloads(check.account, check.video_uid)
    except ApiError as exc:
        return f"note: {_unchecked(check.video_uid)}: {exc.message}"
    except ValueError as exc:  # the profile's base URL, refused before any request
        return f"note: {_unchecked(check.video_uid)}: {exc}"
    return _problem(downloads.get("default"), check.video_uid)


def _problem(mp4: Any, uid: str) -> str | None:
    if not isinstance(mp4, dict):
        return (
            f"warning: downloads are not enabled for video {uid}, so this MP4 link will not "
            f"work until they are (in the Stream dashboard, or POST .../stream/{uid}/downloads)."
        )
    status = mp4.get("status")
    if status == "ready":
        return None
    if status == "inprogress":
        done = _percent(mp4.get("percentComplete"))
        return (
            f"warning: the MP4 download of video {uid} is still being made{done}; this link "
            "works once it is ready."
        )
    if status == "error":
        return (
            f"warning: Cloudflare could not make the MP4 download of video {uid}, so this link "
            "will not work; create the download again."
        )
    return (
        f"note: Cloudflare gave the MP4 download of video {uid} the status {status!r}; this "
        "link works only once it is ready."
    )


def _percent(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
        return f" ({value:.0f}% done)"
    return ""


def _unchecked(uid: str) -> str:
    return f"whether video {uid} has its MP4 download enabled was not checked"
