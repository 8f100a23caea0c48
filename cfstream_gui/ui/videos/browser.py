"""The account's videos: search on Cloudflare, filter what is loaded, page through, pick one.

Pages of up to 1,000 videos come from `core.videos.VideoPager` (newest first, paging on
`created`). The first page loads when the dialog opens; more load as the list is scrolled to its
end, or all of them with "Load all", with progress and Cancel (which stops after the page on
its way). Typing in Search asks Cloudflare again, after a pause (its search looks at names
only); typing in Filter narrows the loaded list at once, by name, ID or state.

Picking a video (double-click, Enter, or "Use this video") hands it to the form. A public video
can be made to require signed URLs from here too, after a question.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cfstream_gui.core.cloudflare import ApiError, StreamClient
from cfstream_gui.core.videos import VideoPage, VideoSummary
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.common.confirm_box import Confirm, confirm_with_message_box
from cfstream_gui.ui.common.error_banner import ErrorBanner
from cfstream_gui.ui.common.inline_message import enable_clear_button
from cfstream_gui.ui.common.widgets import push_button
from cfstream_gui.ui.videos import model as columns
from cfstream_gui.ui.videos.loader import VideoLoader
from cfstream_gui.ui.videos.model import VideoTableModel
from cfstream_gui.ui.videos.source import VideoSource
from cfstream_gui.ui.videos.thumbnails import SIZE as THUMBNAIL_SIZE
from cfstream_gui.ui.videos.thumbnails import Thumbnails

SEARCH_DELAY_MS = 400  # after the last keystroke in Search
ROW_HEIGHT = 40
NEAR_END_ROWS = 20  # this close to the end of the list, the next page is fetched


class VideoBrowser(QDialog):
    # The user picked a video for the form.
    picked = Signal(object)
    # A video's signed-URL setting changed here (the form's warning should know).
    videoChanged = Signal(object)

    def __init__(
        self,
        source: VideoSource,
        parent: QWidget | None = None,
        *,
        search_delay_ms: int = SEARCH_DELAY_MS,
        thumbnails: bool = True,
    ) -> None:
        """`thumbnails=False` shows none (no picture is fetched)."""
        super().__init__(parent)
        self.setObjectName("videoBrowser")
        self.setWindowTitle(f"Videos — {source.profile.name}")
        self.resize(1100, 640)
        self._source = source
        self._tasks = BackgroundTasks()
        self._want_thumbnails = thumbnails
        self._thumbnails: Thumbnails | None = None
        self.loader = VideoLoader(source, self._tasks, self)
        self.loader.clientReady.connect(self._client_ready)
        self.loader.pageArrived.connect(self._show_page)
        self.loader.failed.connect(self._show_error)
        self.loader.changed.connect(self._update_buttons)
        self._note: str | None = None
        self._working = 0  # a signed-URL change running
        # Overridable so tests can answer without a modal loop.
        self.confirm: Confirm = confirm_with_message_box
        self._build(search_delay_ms)
        self.search("")

    # -- layout -----------------------------------------------------------------------------

    def _build(self, search_delay_ms: int) -> None:
        self.banner = ErrorBanner()
        self.searchEdit = _edit("videoSearchEdit", "Search names on Cloudflare", "Search names…")
        self.searchEdit.setToolTip("Cloudflare searches the video names of the whole account")
        self.filterEdit = _edit("videoFilterEdit", "Filter the loaded videos", "Filter the list…")
        self.filterEdit.setToolTip("Narrows the videos loaded so far, by name, ID or state")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(search_delay_ms)
        self._search_timer.timeout.connect(lambda: self.search(self.searchEdit.text()))
        self.searchEdit.textEdited.connect(lambda _text: self._search_timer.start())
        self.searchEdit.returnPressed.connect(lambda: self.search(self.searchEdit.text()))
        self.filterEdit.textChanged.connect(self._on_filter)

        self.model = VideoTableModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("videoTable")
        self.table.setAccessibleName("Videos")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setIconSize(THUMBNAIL_SIZE)
        rows = self.table.verticalHeader()
        rows.hide()
        # Fixed heights and widths: nothing is measured over ten thousand rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in _WIDTHS.items():
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(columns.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.activated.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.model.modelReset.connect(self._update_buttons)

        self.countLabel = QLabel()
        self.countLabel.setObjectName("videoCountLabel")
        self.countLabel.setAccessibleName("Videos loaded")
        self.countLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setObjectName("videoProgress")
        self.progress.setAccessibleName("Loading videos")
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.loadAllButton = push_button("loadAllVideosButton", "Load all", self.load_all)
        self.loadAllButton.setToolTip("Keep loading pages of 1,000 until the whole list is here")
        self.cancelButton = push_button("cancelVideosButton", "Cancel", self.stop)
        self.cancelButton.setAccessibleName("Stop loading videos")
        self.requireSignedButton = push_button(
            "videoRequireSignedButton", "Require signed URLs…", self._on_require_signed
        )
        self.pickButton = push_button("pickVideoButton", "Use this video", self._pick)
        self.pickButton.setDefault(True)
        self.closeButton = push_button("closeButton", "Close", self.reject)

        search_row = QHBoxLayout()
        search_row.addWidget(self.searchEdit, 1)
        search_row.addWidget(self.filterEdit, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.countLabel, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.loadAllButton)
        status_row.addWidget(self.cancelButton)
        buttons = QHBoxLayout()
        buttons.addWidget(self.requireSignedButton)
        buttons.addStretch(1)
        buttons.addWidget(self.pickButton)
        buttons.addWidget(self.closeButton)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(status_row)
        layout.addLayout(buttons)

    # -- loading ----------------------------------------------------------------------------

    def search(self, text: str) -> None:
        """List the account's videos whose names match `text` (all for ""), from the first
        page: what an older search was loading is dropped."""
        self._search_timer.stop()
        self._note = None
        self.banner.clear()
        self.model.clear()
        self.loader.search(text)

    def load_more(self) -> None:
        self.loader.load_more()

    def load_all(self) -> None:
        self.loader.load_all()

    def stop(self) -> None:
        """Load no more pages (the one on its way still arrives and is shown)."""
        self.loader.stop()

    def is_loading(self) -> bool:
        return self.loader.is_loading()

    def is_done(self) -> bool:
        """Every video matching the search is loaded."""
        return self.loader.is_done()

    def total(self) -> int | None:
        return self.loader.total()

    def is_fetching(self) -> bool:
        """A page is on its way (after Cancel, the one already asked for still arrives)."""
        return self.loader.is_fetching()

    @property
    def thumbnails(self) -> Thumbnails | None:
        """The pictures, once the first page is being read (None with thumbnails=False)."""
        return self._thumbnails

    def _client_ready(self, client: StreamClient) -> None:
        if self._want_thumbnails and self._thumbnails is None:
            # Where the API is says whether the videos' pictures are on the internet.
            self._thumbnails = Thumbnails(self._source.profile, client.base_url, parent=self)
            self.model.set_thumbnails(self._thumbnails)

    def _show_page(self, page: VideoPage) -> None:
        selected = self.selected_video()
        self._note = page.note or self._note
        self.model.append(page.videos)
        if selected is None and self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self._update_buttons()

    def _on_scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if bar.maximum() - value <= NEAR_END_ROWS * ROW_HEIGHT and not self.is_loading():
            self.load_more()

    # -- the filter -------------------------------------------------------------------------

    def _on_filter(self, text: str) -> None:
        selected = self.selected_video()
        self.model.set_filter(text)
        if selected is not None:
            self.select(selected.uid)
        self._update_buttons()

    # -- picking ----------------------------------------------------------------------------

    def selected_video(self) -> VideoSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.video(rows[0].row()) if rows else None

    def select(self, uid: str) -> bool:
        row = self.model.row_of(uid)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self._pick()

    def _pick(self) -> None:
        video = self.selected_video()
        if video is not None:
            self.picked.emit(video)
            self.accept()

    # -- requiring signed URLs --------------------------------------------------------------

    def _on_require_signed(self) -> None:
        video = self.selected_video()
        if video is None or video.require_signed_urls:
            return
        question = f"Require signed URLs for “{video.name or video.uid}”?"
        consequences = (
            "From then on only signed links play it: links and embeds already shared without a "
            "token stop working. Tokens you make keep working."
        )
        if self.confirm(self, "Require signed URLs", question, consequences, "Require"):
            self._start(self._require_signed(video), "require signed URLs")

    async def _require_signed(self, video: VideoSummary) -> None:
        client = await self._source.client()
        changed = await client.set_require_signed_urls(self._source.account_id, video.uid, True)
        now = VideoSummary.from_api(changed)
        self.model.replace(now)
        self.videoChanged.emit(now)
        self.banner.show_notice(
            f"“{now.name or now.uid}” now requires signed URLs: only signed links play it."
        )

    def _start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self.banner.clear()
        self._working += 1
        self._update_buttons()
        self._tasks.spawn(self._guarded(work), name)

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except (ApiError, ValueError) as exc:
            if shiboken6.isValid(self):
                self._show_error(exc)
        finally:
            self._working -= 1
            if shiboken6.isValid(self):
                self._update_buttons()

    # -- closing ----------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self.is_loading() or self._working > 0

    async def wait_idle(self, grace: float | None = None) -> None:
        """Stop loading at once (a list is only worth having while the dialog is open), and
        wait for a signed-URL change to end, cancelling it after `grace` seconds."""
        self.loader.cancel()
        try:
            if grace is None:
                await self._tasks.wait()
            else:
                await asyncio.wait_for(self._tasks.wait(), grace)
        except TimeoutError:
            await self._tasks.cancel_others()
        if self._thumbnails is not None:
            await self._thumbnails.aclose()

    # -- state ------------------------------------------------------------------------------

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, ApiError):
            self.banner.show_error(exc.message, exc.hint)
        else:
            self.banner.show_error(str(exc))

    def _update_buttons(self) -> None:
        loading, video = self.is_loading(), self.selected_video()
        self.loadAllButton.setEnabled(not self.is_done() and not self.loader.wants_everything())
        self.cancelButton.setEnabled(loading)
        self.pickButton.setEnabled(video is not None)
        self.requireSignedButton.setEnabled(
            video is not None and not video.require_signed_urls and self._working == 0
        )
        loaded = self.model.loaded()
        total = self.total()
        self.progress.setVisible(loading or (total is not None and loaded < total))
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(loaded, total))
        elif loading:
            self.progress.setRange(0, 0)
        self.countLabel.setText(self._count_text(loading))

    def _count_text(self, loading: bool) -> str:
        loaded, shown, total = self.model.loaded(), self.model.rowCount(), self.total()
        of = f" of {total:,}" if total is not None and not self.is_done() else ""
        text = f"{loaded:,}{of} video{'s' if (total or loaded) != 1 else ''} loaded"
        if self.model.filtered():
            text = f"Showing {shown:,} of {loaded:,} loaded" + (
                f" ({total:,} in all)" if total is not None and total != loaded else ""
            )
        if loading:
            text += "; loading…"
        elif not self.is_done() and loaded:
            text += "; scroll down or Load all for more"
        if self._note:
            text += f". {self._note}"
        return text


_WIDTHS = {
    columns.THUMBNAIL: 76,
    columns.UID: 270,
    columns.DURATION: 80,
    columns.STATE: 120,
    columns.SIGNED: 110,
    columns.CREATED: 140,
}


def _edit(name: str, accessible: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    enable_clear_button(edit)
    return edit
