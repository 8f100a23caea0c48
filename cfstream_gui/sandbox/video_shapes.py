"""The shape of a video object as the API returns it, and Cloudflare's way of writing times.

Shared by the demo library (`state.py`) and the seeded one (`seeding.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

DEMO_CUSTOMER_CODE = "sandboxdemo00000"
_DELIVERY_HOST = f"https://customer-{DEMO_CUSTOMER_CODE}.cloudflarestream.com"


def rfc3339(moment: float) -> str:
    """Cloudflare's timestamp style: UTC, nanosecond fraction, trailing Z."""
    return rfc3339_moment(datetime.fromtimestamp(moment, tz=UTC))


def rfc3339_moment(moment: datetime) -> str:
    stamp = moment.astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond:06d}000Z"


def created_at(video: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(video["created"]))


def base_video(uid: str, name: str, stamp: str) -> dict[str, Any]:
    """The fields every video has, whatever its state; `stamp` is its `created` time."""
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


def ready_fields(uid: str, ready_at: datetime, duration: float) -> dict[str, Any]:
    """What a video that finished encoding has on top of `base_video`."""
    return {
        "readyToStream": True,
        "readyToStreamAt": rfc3339_moment(ready_at),
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
