"""A library of any size for the sandbox: deterministic, and shaped like a real account's.

Large accounts are where listing goes wrong (paging, search, a slow first page), so tests and
first-time users can ask for thousands of videos. The same `seed` and index always give the same
video. Every seeded video is older than the demo ones, so the demo library stays at the top of
the newest-first list. Uploads come every few hours, and now and then several share one
`created` instant (a bulk upload), which is what a pager that pages on `created` must survive.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cfstream_gui.sandbox.video_shapes import base_video, ready_fields, rfc3339_moment

# Just before the oldest demo video (2025-03-02).
NEWEST_SEEDED = datetime(2025, 3, 1, 23, 0, 0, tzinfo=UTC)

_TOPICS = (
    "Product demo",
    "Webinar",
    "Customer story",
    "Training",
    "Keynote",
    "Support how-to",
    "Release notes",
    "Team update",
    "Conference talk",
    "Tutorial",
)
_SUBJECTS = (
    "billing",
    "signed URLs",
    "onboarding",
    "security",
    "analytics",
    "live streaming",
    "mobile app",
    "API",
    "pricing",
    "roadmap",
)
# (state, share of the library) for videos that are not ready to stream yet.
_NOT_READY = (("pendingupload", 0.02), ("queued", 0.02), ("inprogress", 0.05), ("error", 0.02))
_PUBLIC_SHARE = 0.3  # videos that do not require signed URLs
_DOWNLOADS_SHARE = 0.2  # ready videos with MP4 downloads enabled
_SAME_INSTANT_SHARE = 0.12  # uploaded in the same instant as the one before (bulk uploads)


@dataclass(frozen=True)
class SeededVideo:
    video: dict[str, Any]
    downloads: bool  # MP4 downloads enabled (Cloudflare keeps this outside the video object)


def seeded_videos(count: int, *, start: int = 0, seed: int = 0) -> list[SeededVideo]:
    """Videos number `start` to `start + count - 1` of the seeded library, newest first."""
    if count < 0 or start < 0:
        raise ValueError("The number of videos to seed cannot be negative.")
    rng = random.Random(f"cfstream-sandbox-seed:{seed}")
    moment = NEWEST_SEEDED
    made = []
    # The walk back in time always starts at video 0, so video n has the same `created`
    # however the library was seeded (all at once, or in several calls).
    for index in range(start + count):
        if index and rng.random() >= _SAME_INSTANT_SHARE:
            gap = timedelta(minutes=rng.randint(10, 12 * 60), microseconds=rng.randint(0, 10**6))
            moment -= gap
        draws = (rng.random(), rng.random(), rng.random(), rng.random())
        if index >= start:
            made.append(_video(index, seed, moment, draws))
    return made


def _video(
    index: int, seed: int, created: datetime, draws: tuple[float, float, float, float]
) -> SeededVideo:
    state_draw, public_draw, download_draw, length_draw = draws
    uid = hashlib.sha256(f"sandbox-video:{seed}:{index}".encode()).hexdigest()[:32]
    topic = _TOPICS[index % len(_TOPICS)]
    subject = _SUBJECTS[(index // len(_TOPICS)) % len(_SUBJECTS)]
    video = base_video(uid, f"{topic}: {subject} ({index + 1:04d})", rfc3339_moment(created))
    video["requireSignedURLs"] = public_draw >= _PUBLIC_SHARE
    state = _state(state_draw)
    if state == "ready":
        duration = round(30 + length_draw * 3600, 1)
        video.update(ready_fields(uid, created + timedelta(minutes=4), duration))
        return SeededVideo(video, download_draw < _DOWNLOADS_SHARE)
    video.update(_unready_fields(state, length_draw))
    return SeededVideo(video, False)


def _state(draw: float) -> str:
    for state, share in _NOT_READY:
        if draw < share:
            return state
        draw -= share
    return "ready"


def _unready_fields(state: str, draw: float) -> dict[str, Any]:
    status: dict[str, Any] = {
        "state": state,
        "pctComplete": f"{draw * 100 if state == 'inprogress' else 0:.6f}",
        "errorReasonCode": "ERR_NON_VIDEO" if state == "error" else "",
        "errorReasonText": "The file was not recognized as a valid video file."
        if state == "error"
        else "",
    }
    if state == "inprogress":
        status["step"] = "encoding"
    # Cloudflare leaves out `preview` and `thumbnail` until a video is ready.
    return {
        "readyToStream": False,
        "readyToStreamAt": None,
        "status": status,
        "duration": -1,
        "size": 0,
        "input": {"width": -1, "height": -1},
    }
