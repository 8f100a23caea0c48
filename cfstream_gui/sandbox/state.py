"""The demo account: its credentials, its videos and the signing keys created during a run."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cfstream_gui.sandbox.keys import KeyMaterial, KeySource

DEMO_ACCOUNT_ID = "5adb0c5adb0c5adb0c5adb0c5adb0c5a"
# Hyphenated and spelled out so nobody mistakes them for real Cloudflare tokens.
DEMO_API_TOKEN = "sandbox-demo-token-0000000000000000000000"
DEMO_EXPIRED_API_TOKEN = "sandbox-expired-token-00000000000000000000"
DEMO_CUSTOMER_CODE = "sandboxdemo00000"

# The id `/tokens/verify` reports for each demo API token.
API_TOKEN_IDS = {
    DEMO_API_TOKEN: "0000000000000000000000000000a11e",
    DEMO_EXPIRED_API_TOKEN: "0000000000000000000000000000dead",
}
EXPIRED_TOKEN_EXPIRES_ON = "2025-01-01T00:00:00Z"

_DELIVERY_HOST = f"https://customer-{DEMO_CUSTOMER_CODE}.cloudflarestream.com"

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


def rfc3339(moment: float) -> str:
    """Cloudflare's timestamp style: UTC, nanosecond fraction, trailing Z."""
    stamp = datetime.fromtimestamp(moment, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond:06d}000Z"


def _base_video(uid: str, name: str, created: str) -> dict[str, Any]:
    stamp = f"{created}T10:00:00.000000Z"
    return {
        "uid": uid,
        "creator": None,
        "thumbnailTimestampPct": 0,
        "meta": {"name": name, "filename": f"{uid[:8]}.mp4", "filetype": "video/mp4"},
        "created": stamp,
        "modified": stamp,
        "uploaded": stamp,
        "uploadExpiry": None,
        "scheduledDeletion": None,
        "maxSizeBytes": None,
        "maxDurationSeconds": None,
        "allowedOrigins": [],
        "requireSignedURLs": False,
        "playback": {
            "hls": f"{_DELIVERY_HOST}/{uid}/manifest/video.m3u8",
            "dash": f"{_DELIVERY_HOST}/{uid}/manifest/video.mpd",
        },
        "watermark": None,
        "clippedFrom": None,
    }


def demo_videos() -> list[dict[str, Any]]:
    """Fresh copies of the demo library, newest first as the list endpoint returns it."""
    videos = []
    for uid, name, signed, duration, created in _READY_VIDEOS:
        video = _base_video(uid, name, created)
        video.update(
            {
                "requireSignedURLs": signed,
                "readyToStream": True,
                "readyToStreamAt": f"{created}T10:04:12.000000Z",
                "status": {
                    "state": "ready",
                    "pctComplete": "100.000000",
                    "errorReasonCode": "",
                    "errorReasonText": "",
                },
                "duration": duration,
                "size": int(duration * 250_000),
                "input": {"width": 1920, "height": 1080},
                "preview": f"{_DELIVERY_HOST}/{uid}/watch",
                "thumbnail": f"{_DELIVERY_HOST}/{uid}/thumbnails/thumbnail.jpg",
            }
        )
        videos.append(video)
    uid, name, created = _ENCODING_VIDEO
    # Still encoding: Cloudflare leaves out `preview` and `thumbnail` until it is done.
    encoding = _base_video(uid, name, created)
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
    videos.sort(key=lambda video: str(video["created"]), reverse=True)
    return videos


@dataclass
class SigningKey:
    material: KeyMaterial
    created: str
    revoked: bool = False


class Account:
    """The demo account's mutable state, shared between request threads."""

    def __init__(self, clock: Callable[[], float], keys: KeySource | None = None) -> None:
        self._clock = clock
        self.keys = keys if keys is not None else KeySource()
        self._lock = threading.Lock()
        self._videos = demo_videos()
        self._keys: dict[str, SigningKey] = {}

    def downloads_enabled(self, uid: str) -> bool:
        return uid in DOWNLOADS_ENABLED

    def videos(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._videos)

    def video(self, uid: str) -> dict[str, Any] | None:
        with self._lock:
            for video in self._videos:
                if video["uid"] == uid:
                    return copy.deepcopy(video)
        return None

    def update_video(self, uid: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        with self._lock:
            for video in self._videos:
                if video["uid"] == uid:
                    video.update(copy.deepcopy(changes))
                    video["modified"] = rfc3339(self._clock())
                    return copy.deepcopy(video)
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
