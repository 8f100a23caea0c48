"""What the form says about the video it names: whether a token for it protects anything.

Its own small module: the form and the window name it on the start path, which must not load
the API client for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cfstream_gui.core.videos import VideoSummary


@dataclass(frozen=True)
class VideoAccess:
    uid: str
    name: str
    public: bool  # requireSignedURLs is off: a token protects nothing

    @classmethod
    def of(cls, summary: VideoSummary) -> VideoAccess:
        return cls(summary.uid, summary.name, not summary.require_signed_urls)
