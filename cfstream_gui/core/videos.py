"""Listing an account's videos, however many there are, a page at a time.

Cloudflare's list answers at most 1,000 videos per call and has no cursor (reference §5): the
next page is asked for with `before` set to the oldest `created` seen so far. Two things make
that less simple than it sounds. Several videos can share one `created` instant (bulk uploads),
and whether `before` includes that instant is not documented; so each page asks for everything
up to and including the oldest instant seen, and videos already seen are dropped by UID. No
video is lost or shown twice, at the cost of one repeated video per page.

`VideoPager` is an async iterator of pages, for a window that fills its list as pages arrive,
shows "1,000 of 5,000", and stops when the user cancels (or when its task is cancelled).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from cfstream_gui.core.cloudflare import MAX_LIST_LIMIT, BadResponse, StreamClient, VideoListing
from cfstream_gui.core.cloudflare._models import parse_time
from cfstream_gui.core.urls import customer_code_from_video

# Cloudflare writes nanoseconds, Python keeps microseconds: one step past the oldest instant
# seen reaches every video created within it.
_ONE_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class VideoSummary:
    """What a list of videos shows about one: plain values, read defensively from the API."""

    uid: str
    name: str  # meta.name, or "" when the video has none
    created: datetime | None
    state: str  # status.state: "ready", "inprogress", "queued", "error", ...
    ready: bool  # readyToStream
    require_signed_urls: bool
    duration: float | None  # seconds; None while unknown
    customer_code: str | None  # from the video's own URLs, when it has them

    @classmethod
    def from_api(cls, video: dict[str, Any]) -> VideoSummary:
        meta = video.get("meta")
        status = video.get("status")
        name = meta.get("name") if isinstance(meta, dict) else None
        state = status.get("state") if isinstance(status, dict) else None
        duration = video.get("duration")
        if not _is_number(duration) or not math.isfinite(duration) or duration < 0:
            duration = None  # -1 is Cloudflare's "not known yet"
        return cls(
            uid=str(video["uid"]),
            name=name if isinstance(name, str) else "",
            created=parse_time(video.get("created")),
            state=state if isinstance(state, str) else "unknown",
            ready=video.get("readyToStream") is True,
            require_signed_urls=video.get("requireSignedURLs") is True,
            duration=None if duration is None else float(duration),
            customer_code=customer_code_from_video(video),
        )


@dataclass(frozen=True)
class VideoPage:
    videos: tuple[VideoSummary, ...]  # new videos only, newest first
    number: int  # 1 for the first page
    loaded: int  # videos so far, this page's included
    total: int | None  # matching videos in the account, when Cloudflare said
    last: bool  # nothing follows this page
    note: str | None = None  # something the user should know about the list, in a sentence


class VideoPager:
    """The account's videos (matching `search`, newest first), `page_size` per request, at
    most `limit` in all. Iterate with `async for page in pager`; `cancel()` stops it before
    its next request."""

    def __init__(
        self,
        client: StreamClient,
        account_id: str,
        *,
        search: str | None = None,
        limit: int | None = None,
        page_size: int = MAX_LIST_LIMIT,
    ) -> None:
        if not 1 <= page_size <= MAX_LIST_LIMIT:
            raise ValueError(f"The page size must be between 1 and {MAX_LIST_LIMIT}.")
        if limit is not None and limit < 1:
            raise ValueError("The number of videos to list must be at least 1.")
        self._client = client
        self._account_id = account_id
        self._search = search.strip() if search and search.strip() else None
        self._limit = limit
        self._page_size = page_size
        self._seen: set[str] = set()
        self._cancelled = False
        self.total: int | None = None

    @property
    def loaded(self) -> int:
        return len(self._seen)

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True

    def __aiter__(self) -> AsyncIterator[VideoPage]:
        return self._pages()

    async def _pages(self) -> AsyncIterator[VideoPage]:
        before: datetime | None = None
        number = 0
        stuck = False
        while not self._cancelled:
            size = self._next_size()
            listing = await self._client.list_videos_page(
                self._account_id,
                search=self._search,
                limit=size,
                before=before,
                include_counts=number == 0,
            )
            number += 1
            if number == 1:
                self.total = listing.total
            fresh = self._fresh(listing)
            oldest = _oldest(listing)
            full = len(listing.videos) >= size
            note = None
            if full and not fresh:
                # A whole page of videos already seen: more than a page share one instant.
                if stuck or oldest is None:
                    raise BadResponse(
                        f"Cloudflare sent the same videos again after {self.loaded:,}, so the "
                        "list stops there."
                    )
                stuck, before = True, oldest  # step past the instant, leaving some behind
                note = _ties_note(oldest, size)
            else:
                stuck = False
                before = None if oldest is None else oldest + _ONE_TICK
            last = self._is_last(full, oldest)
            yield VideoPage(fresh, number, self.loaded, self.total, last, note)
            if last:
                return

    def _next_size(self) -> int:
        if self._limit is None:
            return self._page_size
        # One more than is still wanted: the page's first video may be one already seen.
        wanted = self._limit - self.loaded + (1 if self._seen else 0)
        return max(1, min(self._page_size, wanted))

    def _fresh(self, listing: VideoListing) -> tuple[VideoSummary, ...]:
        fresh = []
        for video in listing.videos:
            uid = str(video["uid"])
            if uid in self._seen:
                continue
            if self._limit is not None and self.loaded >= self._limit:
                break
            self._seen.add(uid)
            fresh.append(VideoSummary.from_api(video))
        return tuple(fresh)

    def _is_last(self, full: bool, oldest: datetime | None) -> bool:
        if self._limit is not None and self.loaded >= self._limit:
            return True
        # A short page is the end; so is a page whose videos carry no readable time.
        return not full or oldest is None


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _oldest(listing: VideoListing) -> datetime | None:
    times = [parse_time(video.get("created")) for video in listing.videos]
    # A time without a zone cannot be compared or sent back as a cursor.
    known = [moment for moment in times if moment is not None and moment.tzinfo is not None]
    return min(known) if known else None


def _ties_note(instant: datetime, size: int) -> str:
    return (
        f"More than {size:,} videos were created at {instant:%Y-%m-%d %H:%M:%S.%f} UTC, so "
        "some of them may be missing from the list; search by name to find one."
    )
