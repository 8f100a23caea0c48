"""What the form says about the video it names: whether a token for it protects anything.

Its own small module: the form and the window name it on the start path, which must not load
the API client for it."""

from __future__ import annotations

import html
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


def plain_tooltip(text: str) -> str:
    """`text` for a tooltip, shown as written: Qt reads a tooltip that looks like HTML as
    HTML, and a video's name is whatever its uploader (or a hostile API) wrote."""
    return f"<p>{html.escape(text)}</p>"
