"""The demo account: its credentials, its videos and the signing keys created during a run."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cfstream_gui.sandbox.keys import KeyMaterial, KeySource
from cfstream_gui.sandbox.seeding import seeded_videos
from cfstream_gui.sandbox.video_shapes import DEMO_CUSTOMER_CODE as DEMO_CUSTOMER_CODE
from cfstream_gui.sandbox.video_shapes import base_video, created_at, ready_fields, rfc3339

DEMO_ACCOUNT_ID = "5adb0c5adb0c5adb0c5adb0c5adb0c5a"
# Hyphenated and spelled out so nobody mistakes them for real Cloudflare tokens.
DEMO_API_TOKEN = "sandbox-demo-token-0000000000000000000000"
DEMO_EXPIRED_API_TOKEN = "sandbox-expired-token-00000000000000000000"

# The id `/tokens/verify` reports for each demo API token.
API_TOKEN_IDS = {
    DEMO_API_TOKEN: "0000000000000000000000000000a11e",
    DEMO_EXPIRED_API_TOKEN: "0000000000000000000000000000dead",
}
EXPIRED_TOKEN_EXPIRES_ON = "2025-01-01T00:00:00Z"

# uid, name, requireSignedURLs, duration (s), created; all ready to stream.
_READY_VIDEOS: tuple[tuple[str, str, bool, float, str], ...] = (
    ("ea95132c15732412d22c1476fa83f27a", "Product launch keynote", True, 1834.5, "2025-03-02"),
    ("5d5bc37ffcf54c9b82e996823bffbb81", "Onboarding: first steps", False, 312.0, "2025-04-11"),
    (
        "8f3b6a1e2c4d4e5f9a0b1c2d3e4f5a6b",
        "Customer webinar (members only)",
        True,
        3605.2,
        "2025-05-20",
    ),
    ("1c0ffee0d15c0bad5eedf00dcafe4b1d", "Conference teaser", False, 47.8, "2025-06-30"),
    ("a7e4c2b9d1f04e3a8b6c5d4e3f2a1b0c", "Training: advanced signing", True, 1299.0, "2025-08-14"),
)
_ENCODING_VIDEO = ("0e1d2c3b4a5948372615f4e3d2c1b0a9", "Quarterly review (uploading)", "2025-07-15")
# Videos whose MP4 download is enabled. Cloudflare keeps this behind its own `/downloads`
# endpoint, not in the video object, so it is not part of the JSON the API returns.
DOWNLOADS_ENABLED = frozenset(
    {"ea95132c15732412d22c1476fa83f27a", "1c0ffee0d15c0bad5eedf00dcafe4b1d"}
)


def _demo_stamp(day: str) -> str:
    return f"{day}T10:00:00.000000Z"


def demo_videos() -> list[dict[str, Any]]:
    """Fresh copies of the demo library, newest first as the list endpoint returns it."""
    videos = []
    for uid, name, signed, duration, created in _READY_VIDEOS:
        video = base_video(uid, name, _demo_stamp(created))
        ready_at = datetime.fromisoformat(f"{created}T10:04:12+00:00")
        video.update(ready_fields(uid, ready_at, duration))
        video["requireSignedURLs"] = signed
        videos.append(video)
    uid, name, created = _ENCODING_VIDEO
    # Still encoding: Cloudflare leaves out `preview` and `thumbnail` until it is done.
    encoding = base_video(uid, name, _demo_stamp(created))
    encoding.update(
        {
            "requireSignedURLs": True,
            "readyToStream": False,
            "readyToStreamAt": None,
            "status": {
                "state": "inprogress",
                "pctComplete": "42.000000",
                "step": "encoding",
                "errorReasonCode": "",
                "errorReasonText": "",
            },
            "duration": -1,
            "size": 0,
            "input": {"width": -1, "height": -1},
        }
    )
    videos.append(encoding)
    videos.sort(key=created_at, reverse=True)
    return videos


@dataclass
class SigningKey:
    material: KeyMaterial
    created: str
    revoked: bool = False


class Account:
    """The demo account's mutable state, shared between request threads.

    A stored video is never changed in place: an edit stores a changed copy. So a reader may
    hold the list it got from `video_refs` while others edit, and copy only what it sends."""

    def __init__(self, clock: Callable[[], float], keys: KeySource | None = None) -> None:
        self._clock = clock
        self.keys = keys if keys is not None else KeySource()
        self._lock = threading.Lock()
        self._videos = demo_videos()
        self._downloads = set(DOWNLOADS_ENABLED)
        self._seeded = 0
        self._keys: dict[str, SigningKey] = {}

    def downloads_enabled(self, uid: str) -> bool:
        with self._lock:
            return uid in self._downloads

    def seed_videos(self, count: int, *, seed: int = 0) -> None:
        """Add `count` more videos from the seeded library (`sandbox/seeding.py`)."""
        with self._lock:
            made = seeded_videos(count, start=self._seeded, seed=seed)
            self._seeded += count
            self._videos.extend(item.video for item in made)
            self._downloads.update(str(i.video["uid"]) for i in made if i.downloads)
            # Stable: videos created in the same instant keep the order they were added in.
            self._videos.sort(key=created_at, reverse=True)

    def videos(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._videos)

    def video_refs(self) -> list[dict[str, Any]]:
        """The library newest first, uncopied: read it, never change it."""
        with self._lock:
            return list(self._videos)

    def video(self, uid: str) -> dict[str, Any] | None:
        with self._lock:
            for video in self._videos:
                if video["uid"] == uid:
                    return copy.deepcopy(video)
        return None

    def update_video(self, uid: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        with self._lock:
            for index, video in enumerate(self._videos):
                if video["uid"] == uid:
                    changed = copy.deepcopy(video)
                    changed.update(copy.deepcopy(changes))
                    changed["modified"] = rfc3339(self._clock())
                    self._videos[index] = changed
                    return copy.deepcopy(changed)
        return None

    def create_key(self) -> SigningKey:
        # Generated outside the lock: it takes tens of milliseconds.
        material = self.keys.new_key()
        key = SigningKey(material, rfc3339(self._clock()))
        with self._lock:
            self._keys[material.kid] = key
        return key

    def active_keys(self) -> list[SigningKey]:
        with self._lock:
            return [key for key in self._keys.values() if not key.revoked]

    def key(self, kid: str) -> SigningKey | None:
        """Any key this account ever created, revoked ones included."""
        with self._lock:
            return self._keys.get(kid)

    def revoke_key(self, kid: str) -> bool:
        with self._lock:
            key = self._keys.get(kid)
            if key is None or key.revoked:
                return False
            key.revoked = True
            return True
