"""The video calls of `StreamClient`: one video, one page of the list, and the signed-URLs switch.

The list has no cursor (reference §5): a caller pages by `created`, passing `before` (newest
first) or `after` (with `asc`). `core.videos.VideoPager` does that; this module only makes one
call at a time and checks what comes back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cfstream_gui.core.cloudflare._errors import BadResponse
from cfstream_gui.core.cloudflare._urls import path_segment as _segment

MAX_LIST_LIMIT = 1000


@dataclass(frozen=True)
class VideoListing:
    """One answer of `GET …/stream`: the videos, and the envelope's counts when it had them."""

    videos: list[dict[str, Any]]
    total: int | None  # videos matching the filters, all pages together
    remaining: int | None  # Cloudflare's `range`: matching videos from this cursor on


def rfc3339(moment: datetime) -> str:
    """A list cursor as Cloudflare writes times: UTC, microseconds, trailing Z."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A list cursor must be a timezone-aware datetime.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class VideoCalls:
    """Mixed into `StreamClient`, which provides `_request` (retries, envelope, errors)."""

    _request: Callable[..., Awaitable[Any]]

    async def get_video(self, account_id: str, video_uid: str) -> dict[str, Any]:
        result = await self._request(
            "GET", _video_path(account_id, video_uid), subject=_subject(account_id, video_uid)
        )
        if not isinstance(result, dict):
            raise BadResponse("Cloudflare reported success but sent no video details.")
        return result

    async def get_downloads(self, account_id: str, video_uid: str) -> dict[str, Any]:
        """The video's downloads by kind (`default` is the MP4), each with its `status`; an
        empty dict when none were made. Cloudflare keeps this out of the video's details."""
        result = await self._request(
            "GET",
            _video_path(account_id, video_uid) + "/downloads",
            subject=f"the downloads of video '{video_uid}' in account '{account_id}'",
        )
        if not isinstance(result, dict):
            raise BadResponse("Cloudflare reported success but did not list the downloads.")
        return result

    async def list_videos(
        self, account_id: str, *, search: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Up to `limit` videos (Cloudflare's default 1000), newest first."""
        listing = await self.list_videos_page(account_id, search=search, limit=limit)
        return listing.videos

    async def list_videos_page(
        self,
        account_id: str,
        *,
        search: str | None = None,
        limit: int | None = None,
        before: datetime | None = None,
        after: datetime | None = None,
        ascending: bool = False,
        include_counts: bool = False,
    ) -> VideoListing:
        """One call of the list: at most `limit` (1-1000) videos created strictly between
        `after` and `before`, newest first unless `ascending`."""
        params: dict[str, str | int] = {}
        if search:
            params["search"] = search
        if limit is not None:
            if not 1 <= limit <= MAX_LIST_LIMIT:
                raise ValueError(f"The list limit must be between 1 and {MAX_LIST_LIMIT}.")
            params["limit"] = limit
        if before is not None:
            params["before"] = rfc3339(before)
        if after is not None:
            params["after"] = rfc3339(after)
        if ascending:
            params["asc"] = "true"
        if include_counts:
            params["include_counts"] = "true"
        path = f"/accounts/{_segment(account_id, 'account ID')}/stream"
        body = await self._request(
            "GET", path, subject=f"account '{account_id}'", params=params, whole=True
        )
        result = body.get("result") if isinstance(body, Mapping) else None
        if not isinstance(result, list) or not all(_is_video(v) for v in result):
            raise BadResponse("Cloudflare reported success but sent no list of videos.")
        return VideoListing(result, _count(body.get("total")), _count(body.get("range")))

    async def set_require_signed_urls(
        self, account_id: str, video_uid: str, required: bool
    ) -> dict[str, Any]:
        """Turn signed URLs on or off for one video; returns the video as Cloudflare now has it.

        Setting a value is idempotent, so this is retried like a read."""
        body = {"uid": video_uid, "requireSignedURLs": required}
        result = await self._request(
            "POST",
            _video_path(account_id, video_uid),
            subject=_subject(account_id, video_uid),
            json_body=body,
        )
        if not isinstance(result, dict) or result.get("uid") != video_uid:
            raise BadResponse("Cloudflare reported success but sent no details of the video.")
        if result.get("requireSignedURLs") is not required:
            now = "still requires" if not required else "does not require"
            raise BadResponse(
                f"Cloudflare reported success, but the video {now} signed URLs.",
                hint="Fetch the video again to see its setting, and try once more.",
            )
        return result


def _video_path(account_id: str, video_uid: str) -> str:
    return (
        f"/accounts/{_segment(account_id, 'account ID')}/stream/{_segment(video_uid, 'video ID')}"
    )


def _subject(account_id: str, video_uid: str) -> str:
    return f"video '{video_uid}' in account '{account_id}'"


def _is_video(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("uid"), str)


def _count(value: Any) -> int | None:
    """A count from the envelope, if it is one: never trusted to be a sane number."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
