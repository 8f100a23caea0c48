"""The video table: every video loaded so far, and the ones the local filter lets through.

Built for libraries of tens of thousands of videos:
- pages are appended as they arrive (`beginInsertRows` for the new matching rows only), never
  by resetting what is already shown;
- each video's filter text is worked out once, when it arrives, so a keystroke in the filter
  is one pass of `in` over plain strings (a narrower filter only looks at the rows shown);
- `data()` answers the few roles the view asks for with no work beyond a lookup, and asks for
  a thumbnail only for the rows being painted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cfstream_gui.core.videos import VideoSummary
from cfstream_gui.ui.videos.access import plain_tooltip
from cfstream_gui.ui.videos.thumbnails import Thumbnails

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()

THUMBNAIL, NAME, UID, DURATION, STATE, SIGNED, CREATED = range(7)
HEADERS = ("", "Name", "Video ID", "Duration", "State", "Signed URLs", "Created (UTC)")
STATES = {
    "ready": "Ready",
    "inprogress": "Encoding",
    "queued": "Queued",
    "downloading": "Downloading",
    "pendingupload": "Awaiting upload",
    "error": "Failed",
    "live-inprogress": "Live",
}
_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class VideoTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._videos: list[VideoSummary] = []
        self._cells: list[tuple[str, ...]] = []  # each row's texts, made once
        self._haystacks: list[str] = []  # what the filter searches, case-folded
        self._rows: dict[str, int] = {}  # uid -> index in _videos
        self._shown: list[int] = []  # indexes into _videos, in order
        self._needle = ""
        self._thumbnails: Thumbnails | None = None

    def set_thumbnails(self, thumbnails: Thumbnails) -> None:
        """Show `thumbnails`' pictures in the first column, asked for as rows are painted."""
        self._thumbnails = thumbnails
        thumbnails.ready.connect(self._picture_ready)
        if self._shown:
            self.dataChanged.emit(
                self.index(0, THUMBNAIL), self.index(len(self._shown) - 1, THUMBNAIL), [_DECORATION]
            )

    # -- what the browser does --------------------------------------------------------------

    def append(self, videos: Sequence[VideoSummary]) -> None:
        """Add a page of videos (ones already listed are skipped); the rows that pass the
        filter appear at the end."""
        start = len(self._videos)
        for video in videos:
            if video.uid in self._rows:
                continue
            self._rows[video.uid] = len(self._videos)
            self._videos.append(video)
            cells = _cells(video)
            self._cells.append(cells)
            self._haystacks.append(f"{cells[NAME]}\n{video.uid}\n{cells[STATE]}".casefold())
        needle = self._needle
        fresh = [i for i in range(start, len(self._videos)) if needle in self._haystacks[i]]
        if fresh:
            first = len(self._shown)
            self.beginInsertRows(ROOT, first, first + len(fresh) - 1)
            self._shown.extend(fresh)
            self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._videos, self._cells, self._haystacks = [], [], []
        self._rows, self._shown = {}, []
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        """Show only the loaded videos whose name, ID or state contains `text` (any case)."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        haystacks = self._haystacks
        # Typing one more letter narrows the rows shown: only they need looking at.
        pool = self._shown if self._needle and self._needle in needle else range(len(haystacks))
        shown = [i for i in pool if needle in haystacks[i]]
        self.beginResetModel()
        self._needle, self._shown = needle, shown
        self.endResetModel()

    def replace(self, video: VideoSummary) -> None:
        """A video changed (its signed-URL setting): show it as it is now."""
        index = self._rows.get(video.uid)
        if index is None:
            return
        self._videos[index] = video
        cells = _cells(video)
        self._cells[index] = cells
        self._haystacks[index] = f"{cells[NAME]}\n{video.uid}\n{cells[STATE]}".casefold()
        row = self.row_of(video.uid)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def video(self, row: int) -> VideoSummary:
        return self._videos[self._shown[row]]

    def row_of(self, uid: str) -> int | None:
        index = self._rows.get(uid)
        if index is None:
            return None
        try:
            return self._shown.index(index)
        except ValueError:
            return None

    def loaded(self) -> int:
        return len(self._videos)

    def filtered(self) -> bool:
        return bool(self._needle)

    # -- the Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        column = index.column()
        if role == _DISPLAY:
            return self._cells[self._shown[index.row()]][column] if column else None
        if role == _DECORATION and column == THUMBNAIL and self._thumbnails is not None:
            return self._thumbnails.picture(self._videos[self._shown[index.row()]])
        if role == _TOOLTIP:
            return self._tooltip(self._videos[self._shown[index.row()]], column)
        if role == _ALIGN and column == DURATION:
            return _RIGHT
        return None

    def _tooltip(self, video: VideoSummary, column: int) -> str | None:
        if column == THUMBNAIL and video.require_signed_urls:
            return "Requires signed URLs: its thumbnail needs a token, so none is shown here."
        if column == SIGNED and not video.require_signed_urls:
            return "Public: anyone with its plain link can watch it; a token protects nothing."
        if column == NAME and video.name:
            return plain_tooltip(video.name)
        return None

    def _picture_ready(self, uid: str) -> None:
        row = self.row_of(uid)
        if row is not None:
            cell = self.index(row, THUMBNAIL)
            self.dataChanged.emit(cell, cell, [_DECORATION])


def _cells(video: VideoSummary) -> tuple[str, ...]:
    created = video.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if video.created else ""
    return (
        "",
        video.name or "(no name)",
        video.uid,
        duration_text(video.duration),
        STATES.get(video.state, video.state),
        "Required" if video.require_signed_urls else "No (public)",
        created,
    )


def duration_text(seconds: float | None) -> str:
    """1:02:03, 4:05 or 0:07; empty while unknown."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
