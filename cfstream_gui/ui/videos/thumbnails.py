"""Thumbnails for the rows the video table shows, fetched lazily and kept in a bounded cache.

The table asks for a row's picture only when it paints that row, so only visible rows are
fetched. Requests wait in a short queue, the newest first (rows scrolled past are dropped from
its far end), and a few are fetched at once. Pictures are decoded at the size a row shows, after
checking their dimensions: a hostile "thumbnail" of 30,000 x 30,000 pixels is refused before any
memory is spent on it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from functools import cache

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImageReader, QPainter, QPen, QPixmap

from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.thumbnails import ThumbnailFetcher, thumbnail_url
from cfstream_gui.core.videos import VideoSummary
from cfstream_gui.ui.common.async_support import BackgroundTasks

SIZE = QSize(64, 36)  # 16:9, what a row shows
KEPT = 400  # pictures in memory
QUEUED = 48  # requests waiting; more than a screenful
AT_ONCE = 4  # fetches in flight
MAX_SIDE = 4096  # a thumbnail larger than this is not one


class Thumbnails(QObject):
    # The picture of video `uid` is ready (or known to be missing): repaint its row.
    ready = Signal(str)

    def __init__(
        self,
        profile: Profile,
        api_base_url: str,
        *,
        fetcher: ThumbnailFetcher | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._profile = profile
        self._api_base_url = api_base_url
        self._fetcher = fetcher or ThumbnailFetcher()
        self._tasks = BackgroundTasks()
        self._pictures: OrderedDict[str, QPixmap] = OrderedDict()
        self._missing: OrderedDict[str, None] = OrderedDict()
        self._queue: deque[tuple[str, str]] = deque()
        self._queued: set[str] = set()
        self._running = 0
        self._closing: asyncio.Future[None] | None = None
        self.fetched = 0  # pictures fetched so far (tests, the benchmark)

    def picture(self, video: VideoSummary) -> QPixmap | None:
        """The picture if it is here; otherwise None, and it is fetched if it can be. A video
        that requires signed URLs shows a padlock: its picture needs a token."""
        if video.require_signed_urls:
            return padlock()
        uid = video.uid
        found = self._pictures.get(uid)
        if self._closing is not None:
            return found
        if found is not None:
            self._pictures.move_to_end(uid)
            return found
        if uid in self._missing or uid in self._queued:
            return None
        url = thumbnail_url(video, self._profile, self._api_base_url)
        if url is None:
            self._note_missing(uid)
            return None
        self._queue.appendleft((uid, url))
        self._queued.add(uid)
        while len(self._queue) > QUEUED:
            dropped, _url = self._queue.pop()
            self._queued.discard(dropped)
        self._pump()
        return None

    def has_picture(self, uid: str) -> bool:
        return uid in self._pictures

    def is_busy(self) -> bool:
        return bool(self._queue) or self._running > 0

    async def aclose(self) -> None:
        """Stop fetching and close the connections. Safe to call more than once, and from a
        task that is itself cancelled (the window closing cancels the dialog's last work): the
        closing runs to its end all the same, or a connection would be left open."""
        if self._closing is None:
            self._queue.clear()
            self._queued.clear()
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        await self._tasks.cancel_others()
        await self._fetcher.aclose()

    # -- internals --------------------------------------------------------------------------

    def _pump(self) -> None:
        while self._running < AT_ONCE and self._queue:
            uid, url = self._queue.popleft()
            self._running += 1
            self._tasks.spawn(self._fetch(uid, url), "fetch a thumbnail")

    async def _fetch(self, uid: str, url: str) -> None:
        try:
            data = await self._fetcher.fetch(url)
        finally:
            self._running -= 1
            self._queued.discard(uid)
        picture = decode(data) if data is not None else None
        if picture is None:
            self._note_missing(uid)
        else:
            self.fetched += 1
            self._pictures[uid] = picture
            while len(self._pictures) > KEPT:
                self._pictures.popitem(last=False)
        self.ready.emit(uid)
        self._pump()

    def _note_missing(self, uid: str) -> None:
        self._missing[uid] = None
        while len(self._missing) > 10 * KEPT:
            self._missing.popitem(last=False)


def decode(data: bytes) -> QPixmap | None:
    """The picture scaled to a row's size, or None when `data` is not a sane image."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or size.width() > MAX_SIDE or size.height() > MAX_SIDE:
        return None
    reader.setScaledSize(size.scaled(SIZE, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(image)


@cache
def padlock() -> QPixmap:
    """A grey 16:9 tile with a padlock, drawn once (themes rarely ship one; offscreen has none)."""
    pixmap = QPixmap(SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(128, 128, 128, 60))
    painter.drawRoundedRect(QRectF(0.5, 0.5, SIZE.width() - 1, SIZE.height() - 1), 4, 4)
    grey = QColor(110, 110, 110)
    centre = SIZE.width() / 2
    painter.setPen(QPen(grey, 2.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(centre - 5, 7, 10, 12), 0, 180 * 16)
    painter.drawLine(int(centre - 5), 13, int(centre - 5), 17)
    painter.drawLine(int(centre + 5), 13, int(centre + 5), 17)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(grey)
    painter.drawRoundedRect(QRectF(centre - 8, 16, 16, 12), 2, 2)
    painter.end()
    return pixmap
