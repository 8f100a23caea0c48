"""The video browser's paging: pages of the account's videos, as many as are wanted.

One `VideoPager` per search (newest first, paging on `created`). The first page is wanted when
a search starts; more when the list is scrolled to its end (`load_more`) or all of them
(`load_all`). `stop` wants no more: the page already asked for still arrives and is shown, and
the pager stays where it was, so loading carries on from there. A new search drops the old one
at once, answers on their way included.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import shiboken6
from PySide6.QtCore import QObject, Signal

from cfstream_gui.core.cloudflare import ApiError
from cfstream_gui.core.videos import VideoPage, VideoPager
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.videos.source import VideoSource

ALL = 1 << 30  # pages wanted: as many as there are


class VideoLoader(QObject):
    # A page arrived for the current search (a VideoPage).
    pageArrived = Signal(object)
    # The API client is at hand (a StreamClient), before the first page is asked for.
    clientReady = Signal(object)
    # Listing failed (an ApiError, or ValueError for a profile's bad API base URL).
    failed = Signal(object)
    # Whether it is loading, or done, may have changed.
    changed = Signal()

    def __init__(
        self, source: VideoSource, tasks: BackgroundTasks, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._tasks = tasks
        self._task: asyncio.Task[None] | None = None
        self._pages: AsyncIterator[VideoPage] | None = None
        self._generation = 0  # a new search makes the pages of an older one stale
        self._search = ""
        self._wanted = 0  # pages still to load
        self._done = False
        self._total: int | None = None

    def search(self, text: str) -> None:
        """Start over with the videos whose names match `text` (all for "")."""
        self.cancel()
        self._search = text.strip()
        self._pages, self._done, self._total = None, False, None
        self._want(1)

    def load_more(self) -> None:
        self._want(1)

    def load_all(self) -> None:
        self._want(ALL)

    def stop(self) -> None:
        """Load no more pages (the one on its way still arrives)."""
        self._wanted = 0
        self.changed.emit()

    def cancel(self) -> None:
        """Drop what is loading at once, answers on their way included (a new search, or the
        browser closing)."""
        self._generation += 1
        self._wanted = 0
        if self._task is not None:
            self._task.cancel()
        self._task = None

    def is_loading(self) -> bool:
        return self._wanted > 0 and not self._done

    def wants_everything(self) -> bool:
        return self._wanted >= ALL

    def is_done(self) -> bool:
        """Every video matching the search is loaded."""
        return self._done

    def is_fetching(self) -> bool:
        """A page is on its way (after `stop`, the one already asked for still arrives)."""
        return self._task is not None and not self._task.done()

    def total(self) -> int | None:
        """How many videos match the search, when Cloudflare said."""
        return self._total

    def _want(self, pages: int) -> None:
        if self._done:
            return
        self._wanted = min(ALL, self._wanted + pages)
        if not self.is_fetching():
            self._task = self._tasks.spawn(self._load(self._generation), "list videos")
        self.changed.emit()

    async def _load(self, generation: int) -> None:
        try:
            if self._pages is None:
                client = await self._source.client()
                self.clientReady.emit(client)
                pager = VideoPager(client, self._source.account_id, search=self._search or None)
                self._pages = aiter(pager)
            while self._wanted > 0 and generation == self._generation:
                page = await anext(self._pages, None)
                if generation != self._generation:
                    return
                self._wanted -= 1
                if page is not None and page.total is not None:
                    self._total = page.total
                if page is None or page.last:
                    self._done = True
                if page is not None:
                    self.pageArrived.emit(page)
                if self._done:
                    break
        except (ApiError, ValueError) as exc:
            if generation == self._generation:
                self._wanted = 0
                self.failed.emit(exc)
        finally:
            if generation == self._generation and shiboken6.isValid(self):
                self.changed.emit()
