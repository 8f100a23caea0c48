"""The video browser against a sandbox holding 5,000 videos, over real loopback HTTP, in the
real window: pages of 1,000 as the list is scrolled or all at once, Cancel, a search on
Cloudflare, the local filter, picking a video for the form, and turning on signed URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.ui.videos import model as columns
from cfstream_gui.ui.videos.browser import VideoBrowser
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory

LIBRARY = 5000


@pytest.fixture
def library(sandbox: Sandbox) -> Iterator[Sandbox]:
    sandbox.seed_videos(LIBRARY)
    yield sandbox


def listed(sandbox: Sandbox) -> list[Any]:
    return [r for r in sandbox.requests if r.method == "GET" and r.path.endswith("/stream")]


def open_browser(qtbot: Any, window: MainWindow) -> VideoBrowser:
    qtbot.mouseClick(window.form.browseVideosButton, Qt.MouseButton.LeftButton)
    browser = window.accounts.video_browser
    assert browser is not None and browser.isVisible()
    qtbot.waitUntil(
        lambda: browser.model.rowCount() > 0 and not browser.is_loading(), timeout=WAIT_MS
    )
    return browser


def uids(browser: VideoBrowser) -> list[str]:
    return [browser.model.video(row).uid for row in range(browser.model.rowCount())]


def all_uids_newest_first(sandbox: Sandbox) -> list[str]:
    videos = sorted(sandbox.videos, key=lambda v: str(v["created"]), reverse=True)
    return [str(v["uid"]) for v in videos]


def test_the_first_page_shows_at_once_and_the_rest_on_demand(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    total = len(library.videos)

    assert browser.model.rowCount() == 1000 and browser.total() == total
    assert f"1,000 of {total:,} videos loaded" in browser.countLabel.text()
    assert browser.progress.isVisible() and browser.progress.maximum() == total
    assert uids(browser) == all_uids_newest_first(library)[:1000]
    assert len(listed(library)) == 1  # lazy: one call, at most 1,000 videos
    assert listed(library)[0].query.get("limit") == "1000"

    # Scrolling to the end fetches the next page.
    bar = browser.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: len(listed(library)) == 2 and not browser.is_loading(), timeout=WAIT_MS)
    # A page repeats the oldest instant of the one before (ties), so a little under 2,000.
    assert 1900 < browser.model.rowCount() <= 2000
    assert uids(browser) == all_uids_newest_first(library)[: browser.model.rowCount()]

    browser.loadAllButton.click()
    qtbot.waitUntil(browser.is_done, timeout=WAIT_MS)
    assert uids(browser) == all_uids_newest_first(library)  # none lost, none twice
    assert f"{total:,} videos loaded" in browser.countLabel.text()
    assert not browser.cancelButton.isEnabled() and not browser.loadAllButton.isEnabled()
    # Each later page asks from the oldest video seen on.
    assert all("before" in r.query for r in listed(library)[1:])


def test_cancel_stops_loading_and_load_all_carries_on_where_it_stopped(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    library.set_latency(0.2)
    browser.loadAllButton.click()
    qtbot.waitUntil(lambda: browser.model.rowCount() >= 2000, timeout=WAIT_MS)
    assert browser.cancelButton.isEnabled()
    browser.cancelButton.click()
    assert not browser.is_loading()
    qtbot.waitUntil(lambda: not browser.is_fetching(), timeout=WAIT_MS)  # the page on its way
    stopped = browser.model.rowCount()
    assert stopped < len(library.videos)
    assert "scroll down or Load all" in browser.countLabel.text()

    library.set_latency(0)
    browser.loadAllButton.click()
    qtbot.waitUntil(browser.is_done, timeout=WAIT_MS)
    assert uids(browser) == all_uids_newest_first(library)


def test_search_asks_cloudflare_after_a_pause_and_the_filter_narrows_at_once(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    before = len(listed(library))

    qtbot.keyClicks(browser.searchEdit, "Keynote: API")
    assert len(listed(library)) == before  # nothing asked per keystroke
    qtbot.waitUntil(lambda: len(listed(library)) == before + 1, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: not browser.is_loading() and browser.model.rowCount() > 0, timeout=WAIT_MS
    )
    assert listed(library)[-1].query["search"] == "Keynote: API"
    expected = [
        str(v["uid"]) for v in library.videos if "keynote: api" in str(v["meta"]["name"]).lower()
    ]
    assert sorted(uids(browser)) == sorted(expected) and browser.is_done()

    qtbot.keyClicks(browser.filterEdit, "(04")
    shown = uids(browser)
    assert shown and all("(04" in browser.model.video(r).name for r in range(len(shown)))
    assert "Showing" in browser.countLabel.text()
    browser.filterEdit.clear()
    assert sorted(uids(browser)) == sorted(expected)
    assert len(listed(library)) == before + 1  # the filter never asks Cloudflare


def test_the_filter_matches_ids_and_keeps_the_selection(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    target = browser.model.video(500)
    browser.select(target.uid)
    qtbot.keyClicks(browser.filterEdit, target.uid[:10].upper())
    assert target.uid in uids(browser)
    assert browser.selected_video() == target
    qtbot.keyClicks(browser.filterEdit, "zzz")
    assert browser.model.rowCount() == 0 and browser.selected_video() is None
    assert not browser.pickButton.isEnabled()


def test_picking_a_video_fills_the_form(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    browser.select(browser.model.video(42).uid)
    chosen = browser.selected_video()
    assert chosen is not None
    qtbot.mouseClick(browser.pickButton, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.accounts.video_browser is None, timeout=WAIT_MS)
    assert window.form.videoIdEdit.text() == chosen.uid
    assert window.form.pasted_customer_code() == Sandbox.DEMO_CUSTOMER_CODE


def test_double_click_picks_too(qtbot: Any, make_window: WindowFactory, library: Sandbox) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    index = browser.model.index(3, columns.NAME)
    browser.table.doubleClicked.emit(index)
    assert window.form.videoIdEdit.text() == browser.model.video(3).uid
    assert not browser.isVisible()


def public_row(browser: VideoBrowser) -> int:
    return next(
        row
        for row in range(browser.model.rowCount())
        if not browser.model.video(row).require_signed_urls and browser.model.video(row).ready
    )


def test_turning_on_signed_urls_asks_first_then_changes_the_video(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    video = browser.model.video(public_row(browser))
    browser.select(video.uid)
    asked: list[str] = []

    def refuse(*args: Any) -> bool:
        asked.append(args[2])
        return False

    browser.confirm = refuse
    assert browser.requireSignedButton.isEnabled()
    browser.requireSignedButton.click()
    assert asked and video.name in asked[0]
    assert not [r for r in library.requests if r.method == "POST"]  # "no" sends nothing

    browser.confirm = lambda *args: True
    browser.requireSignedButton.click()
    qtbot.waitUntil(lambda: browser.selected_video().require_signed_urls, timeout=WAIT_MS)  # type: ignore[union-attr]
    stored = next(v for v in library.videos if v["uid"] == video.uid)
    assert stored["requireSignedURLs"] is True
    row = browser.model.row_of(video.uid)
    assert row is not None
    assert browser.model.index(row, columns.SIGNED).data() == "Required"
    assert not browser.requireSignedButton.isEnabled()
    assert "now requires signed URLs" in browser.banner.message()


def test_a_failing_page_keeps_what_was_loaded_and_says_why(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    library.inject_fault(Fault(status=500, times=None, path_contains="/stream", method="GET"))
    browser.loadAllButton.click()
    qtbot.waitUntil(lambda: browser.banner.isVisible(), timeout=WAIT_MS)
    assert browser.model.rowCount() == 1000
    assert not browser.is_loading()
    assert "Cloudflare" in browser.banner.message() or "server" in browser.banner.message()


def test_thumbnails_are_fetched_for_visible_public_videos_only(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    pictures = browser.thumbnails
    assert pictures is not None
    public = browser.model.video(public_row(browser))
    browser.select(public.uid)
    browser.table.viewport().repaint()
    qtbot.waitUntil(lambda: pictures.has_picture(public.uid), timeout=WAIT_MS)
    fetched = [r.path for r in library.requests if "thumbnails" in r.path]
    assert fetched
    fetched_uids = {path.split("/")[1] for path in fetched}
    signed = {v.uid for v in map(browser.model.video, range(1000)) if v.require_signed_urls}
    assert not fetched_uids & signed  # a signed video's picture needs a token: not asked
    # Only rows that were painted: a handful, not the page.
    assert len(fetched_uids) < 60
    assert all(
        "authorization" not in {k.lower() for k in r.headers}
        for r in library.requests
        if "thumbnails" in r.path
    )


def test_without_an_api_token_the_browser_does_not_open_and_says_why(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window(use_sandbox_profile=False)
    qtbot.mouseClick(window.form.browseVideosButton, Qt.MouseButton.LeftButton)
    assert window.accounts.video_browser is None
    assert "API token" in window.statusBar().currentMessage()


def test_a_new_search_drops_the_answers_of_the_one_before(
    qtbot: Any, make_window: WindowFactory, library: Sandbox
) -> None:
    window = make_window()
    browser = open_browser(qtbot, window)
    library.set_latency(0.3)
    browser.search("Keynote")
    browser.search("Webinar")  # before the first answer arrives
    qtbot.waitUntil(
        lambda: browser.model.rowCount() > 0 and not browser.is_fetching(), timeout=WAIT_MS
    )
    names = [browser.model.video(row).name for row in range(browser.model.rowCount())]
    assert all("webinar" in name.lower() for name in names)
    library.set_latency(0)
