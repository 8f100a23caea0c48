"""The video table's model on its own: pages appended without disturbing what is shown, the
filter by name, ID or state in any case (a narrower filter looking only at the rows shown),
and a hostile "thumbnail" refused before it is decoded."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import zlib
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.thumbnails import ThumbnailFetcher
from cfstream_gui.core.videos import VideoSummary
from cfstream_gui.sandbox.delivery_media import thumbnail_png
from cfstream_gui.ui.common.confirm_box import confirmation_box
from cfstream_gui.ui.videos import model as columns
from cfstream_gui.ui.videos.model import VideoTableModel, duration_text
from cfstream_gui.ui.videos.thumbnails import Thumbnails, decode


def video(n: int, name: str, *, state: str = "ready", signed: bool = True) -> VideoSummary:
    return VideoSummary(
        uid=f"{n:032x}",
        name=name,
        created=datetime(2025, 3, 1, 12, n % 60, tzinfo=UTC),
        state=state,
        ready=state == "ready",
        require_signed_urls=signed,
        duration=65.4 if state == "ready" else None,
        customer_code=None,
    )


def shown(model: VideoTableModel) -> list[str]:
    return [model.video(row).name for row in range(model.rowCount())]


def test_pages_append_at_the_end_and_repeats_are_dropped(qapp: Any) -> None:
    model = VideoTableModel()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.append([video(1, "Webinar one"), video(2, "Keynote")])
    model.append([video(2, "Keynote"), video(3, "Webinar two")])
    assert shown(model) == ["Webinar one", "Keynote", "Webinar two"]
    assert inserted == [(0, 1), (2, 2)]
    assert model.loaded() == 3


def test_the_filter_finds_names_ids_and_states_in_any_case(qapp: Any) -> None:
    model = VideoTableModel()
    model.append(
        [video(1, "Webinar one"), video(2, "Keynote", state="error"), video(3, "WEBINAR two")]
    )
    model.set_filter("webinar")
    assert shown(model) == ["Webinar one", "WEBINAR two"]
    model.set_filter("webinar t")  # narrower: only the rows shown are looked at
    assert shown(model) == ["WEBINAR two"]
    model.set_filter("failed")
    assert shown(model) == ["Keynote"]
    model.set_filter(f"{3:032x}".upper())
    assert shown(model) == ["WEBINAR two"]
    model.set_filter("")
    assert model.rowCount() == 3 and not model.filtered()


def test_a_page_arriving_while_filtered_adds_only_matching_rows(qapp: Any) -> None:
    model = VideoTableModel()
    model.append([video(1, "Webinar one"), video(2, "Keynote")])
    model.set_filter("keynote")
    model.append([video(3, "Keynote two"), video(4, "Webinar three")])
    assert shown(model) == ["Keynote", "Keynote two"]
    model.set_filter("")
    assert shown(model) == ["Webinar one", "Keynote", "Keynote two", "Webinar three"]


def test_cells_say_what_a_person_reads(qapp: Any) -> None:
    model = VideoTableModel()
    model.append([video(5, "", signed=False), video(6, "Late", state="inprogress")])

    def cell(row: int, column: int) -> Any:
        return model.index(row, column).data()

    assert cell(0, columns.NAME) == "(no name)"
    assert cell(0, columns.DURATION) == "1:05"
    assert cell(0, columns.SIGNED) == "No (public)"
    assert cell(0, columns.CREATED) == "2025-03-01 12:05"
    assert cell(1, columns.STATE) == "Encoding" and cell(1, columns.DURATION) == ""
    tip = model.index(0, columns.SIGNED).data(Qt.ItemDataRole.ToolTipRole)
    assert "protects nothing" in tip
    assert duration_text(3723) == "1:02:03" and duration_text(None) == ""


def test_a_name_that_looks_like_html_is_shown_as_written(qapp: Any) -> None:
    model = VideoTableModel()
    hostile = '<img src="file:///etc/passwd"><b>Free</b>'
    model.append([video(8, hostile)])
    assert model.index(0, columns.NAME).data() == hostile
    tip = model.index(0, columns.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip


def test_replacing_a_video_shows_its_new_setting(qapp: Any) -> None:
    model = VideoTableModel()
    model.append([video(7, "Trailer", signed=False)])
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    model.replace(video(7, "Trailer", signed=True))
    assert model.index(0, columns.SIGNED).data() == "Required" and changed == [0]


def test_a_thumbnail_is_decoded_at_the_rows_size(qapp: Any) -> None:
    picture = decode(thumbnail_png())  # the sandbox's 160 x 90 PNG
    assert picture is not None and picture.width() == 64 and picture.height() == 36


def test_a_giant_or_broken_picture_is_refused_before_decoding(qapp: Any) -> None:
    giant = bytearray(thumbnail_png())
    # The IHDR chunk's width and height say 40,000 x 40,000 (decoding would need ~6 GB), with
    # its checksum put right so that only the size gives it away.
    giant[16:24] = (40_000).to_bytes(4, "big") * 2
    giant[29:33] = zlib.crc32(bytes(giant[12:29])).to_bytes(4, "big")
    assert decode(bytes(giant)) is None
    assert decode(b"not an image at all") is None
    assert decode(b"") is None


def test_a_question_quoting_a_name_shows_it_as_written(qapp: Any) -> None:
    box, _action = confirmation_box(None, "Require signed URLs", "For “<b>Free</b>”?", "", "Go")
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.deleteLater()


class HangingEdge(httpx.AsyncBaseTransport):
    """An edge that never answers, and remembers whether it was closed."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.asked.set()
        await asyncio.Event().wait()
        raise AssertionError("never answers")

    async def aclose(self) -> None:
        self.closed = True


@pytest.mark.asyncio
async def test_closing_the_thumbnails_finishes_even_when_the_closer_is_cancelled() -> None:
    edge = HangingEdge()
    api = "https://api.cloudflare.com/client/v4"
    pictures = Thumbnails(Profile("p", "0" * 32), api, fetcher=ThumbnailFetcher(transport=edge))
    public = dataclasses.replace(video(9, "Trailer", signed=False), customer_code="abc123")
    assert pictures.picture(public) is None  # asked for, on its way
    await edge.asked.wait()

    closer = asyncio.ensure_future(pictures.aclose())
    await asyncio.sleep(0)
    closer.cancel()  # the window closing cancels the dialog's last work mid-close
    with contextlib.suppress(asyncio.CancelledError):
        await closer
    await pictures.aclose()  # a second close waits for the first to end

    assert edge.closed
    assert pictures.picture(public) is None and not pictures.is_busy()  # nothing new fetched
