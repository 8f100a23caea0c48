"""Check playback in the window, against the sandbox's edge over loopback: a token that plays
shows its thumbnail, a country the rules block says which rule, an expired token says so, a
check can be cancelled (and closing the window cancels it), and nothing is sent for a viewer
typed wrong or a link to a host that is not Stream's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

# isort: split
import qasync  # after PySide6

from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.playback_check import AssetCheck, PlaybackReport
from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.sandbox.delivery_media import thumbnail_png
from cfstream_gui.ui.tools.playback_dialog import PlaybackDialog
from cfstream_gui.ui.tools.playback_panel import (
    CANCELLED,
    NOTHING_TO_CHECK,
    PlaybackPanel,
    asset_lines,
    headline,
    headline_tone,
)
from cfstream_gui.ui.tools.sources import ToolsSetup
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support.clock import FakeClock
from tests.ui.conftest import WAIT_MS, WindowFactory
from tests.ui.test_engine_signing import create, fill_video

NOW = 1_800_000_000
KEYNOTE = "ea95132c15732412d22c1476fa83f27a"


def delivery_requests(sandbox: Sandbox) -> list[str]:
    return [r.path for r in sandbox.requests if not r.path.startswith("/client/v4")]


def run_check(qtbot: Any, panel: PlaybackPanel, ip: str = "", country: str = "") -> str:
    """Type the viewer, press Check playback and wait for the answer; the verdict shown."""
    panel.viewer.set_viewer(ip, country)
    before = panel.finished
    qtbot.mouseClick(panel.checkButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.finished > before, timeout=WAIT_MS)
    return panel.verdictLabel.text()


def made_token(qtbot: Any, window: MainWindow, sandbox: Sandbox, rules: list[AccessRule]) -> str:
    fill_video(window, sandbox.video_uids(signed=True)[0])
    window.form.rulesEditor.set_rules(rules)
    return create(qtbot, window)


def open_from_result(qtbot: Any, window: MainWindow) -> PlaybackDialog:
    qtbot.mouseClick(window.result.checkPlaybackButton, Qt.MouseButton.LeftButton)
    dialog = window.tools().playback
    assert isinstance(dialog, PlaybackDialog) and dialog.isVisible()
    return dialog


# -- through the window -----------------------------------------------------------------------


def test_a_token_that_plays_shows_its_thumbnail(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    assert not window.result.checkPlaybackButton.isVisible()  # no token yet
    token = made_token(qtbot, window, sandbox, [])
    dialog = open_from_result(qtbot, window)
    # The token's HLS link: the check goes where the window's links point.
    assert dialog.sourceEdit.text() == f"{sandbox.delivery_base}/{token}/manifest/video.m3u8"

    assert run_check(qtbot, dialog.panel) == "Plays"
    assert dialog.panel.verdictLabel.property("tone") == "ok"
    assert dialog.panel.assetsLabel.text().splitlines() == [
        "Thumbnail: 200, plays",
        "HLS manifest: 200, plays",
    ]
    thumbnail = dialog.panel.thumbnailLabel
    assert thumbnail.isVisible() and thumbnail.pixmap().size().toTuple() == (160, 90)
    assert thumbnail.pixmap().toImage().pixelColor(2, 2).name() == "#f38020"  # the sandbox's
    assert sorted(delivery_requests(sandbox)) == sorted(
        [f"/{token}/thumbnails/thumbnail.jpg", f"/{token}/manifest/video.m3u8"]
    )


def test_a_blocked_country_names_the_rule_and_another_country_plays(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    made_token(
        qtbot,
        window,
        sandbox,
        [AccessRule("allow", "country", ("US",)), AccessRule("block", "any")],
    )
    panel = open_from_result(qtbot, window).panel
    assert run_check(qtbot, panel, "2001:db8::1", "DE") == "Blocked by rule 2"
    assert panel.verdictLabel.property("tone") == "error"
    assert not panel.thumbnailLabel.isVisible()
    asked = [r for r in sandbox.requests if r.path.endswith("/manifest/video.m3u8")][-1]
    assert (asked.headers["cf-connecting-ip"], asked.headers["cf-ipcountry"]) == (
        "2001:db8::1",
        "DE",
    )
    assert run_check(qtbot, panel, "2001:db8::1", "US") == "Plays"
    assert panel.thumbnailLabel.isVisible()


def test_a_check_can_be_cancelled_and_the_window_still_closes(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    made_token(qtbot, window, sandbox, [])
    panel = open_from_result(qtbot, window).panel
    sandbox.inject_fault(Fault(status=None, delay=60, path_contains="thumbnail", times=None))
    qtbot.mouseClick(panel.checkButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("thumbnail" in p for p in delivery_requests(sandbox)))
    assert panel.is_busy() and panel.busyBar.isVisible() and not panel.checkButton.isEnabled()
    qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT_MS)
    assert panel.verdictLabel.text() == CANCELLED
    assert panel.checkButton.isEnabled() and not panel.cancelButton.isEnabled()

    # Closing the window while a check waits on the edge: the check is cancelled, the window
    # closes (the fixture waits for it).
    qtbot.mouseClick(panel.checkButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.is_busy, timeout=WAIT_MS)
    window.close()
    qtbot.waitUntil(window.is_shut_down, timeout=WAIT_MS)
    assert not panel.is_busy()


def test_nothing_is_sent_for_a_wrong_viewer_a_strange_host_or_no_token(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    window.menu_actions.check_playback.trigger()  # before any token: an empty dialog
    dialog = window.tools().playback
    assert isinstance(dialog, PlaybackDialog) and dialog.sourceEdit.text() == ""
    panel = dialog.panel
    panel.check()
    assert panel.verdictLabel.text() == NOTHING_TO_CHECK

    token = made_token(qtbot, window, sandbox, [])
    dialog.sourceEdit.setText(f"https://stream.example.com/{token}/watch")
    panel.check()
    assert "neither Cloudflare Stream nor a sandbox" in panel.verdictLabel.text()
    dialog.sourceEdit.setText(token)  # bare: where the profile's links point (the sandbox)
    panel.viewer.set_viewer("999.1.1.1", "DE")
    panel.check()
    assert "is not an IPv4 or IPv6 address" in panel.viewer.ipMessage.text()
    assert not panel.is_busy()
    assert delivery_requests(sandbox) == []
    assert run_check(qtbot, panel, "", "DE") == "Plays"


# -- on its own, against a sandbox on a fake clock --------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def timed_sandbox(clock: FakeClock) -> Iterator[Sandbox]:
    with Sandbox(clock=clock) as running:
        yield running


def sandbox_token(sandbox: Sandbox, **body: Any) -> str:
    headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
    url = f"{sandbox.base_url}/accounts/{Sandbox.DEMO_ACCOUNT_ID}/stream/{KEYNOTE}/token"
    token: str = httpx.post(url, json=body, headers=headers).json()["result"]["token"]
    return token


PanelFactory = Callable[[str], PlaybackDialog]


@pytest.fixture
def open_playback(
    qtbot: Any, qloop: qasync.QEventLoop, clock: FakeClock, timed_sandbox: Sandbox
) -> Iterator[PanelFactory]:
    dialogs: list[PlaybackDialog] = []

    def make(text: str) -> PlaybackDialog:
        setup = ToolsSetup(clock=clock, delivery_base=timed_sandbox.delivery_base)
        dialog = PlaybackDialog(lambda: setup, text)
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:
        dialog.reject()
        qtbot.waitUntil(lambda d=dialog: not d.panel.is_busy(), timeout=WAIT_MS)


def test_an_expired_token_is_said_to_be_expired(
    qtbot: Any, open_playback: PanelFactory, clock: FakeClock, timed_sandbox: Sandbox
) -> None:
    token = sandbox_token(timed_sandbox, exp=NOW + 60, downloadable=True)
    dialog = open_playback(token)
    clock.now = NOW + 3600
    assert run_check(qtbot, dialog.panel) == "Expired"
    assert "expired" in dialog.panel.assetsLabel.text().splitlines()[0].lower()
    assert not dialog.panel.thumbnailLabel.isVisible()


def test_mp4_downloads_that_are_off_are_said_beside_plays(
    qtbot: Any, open_playback: PanelFactory, timed_sandbox: Sandbox
) -> None:
    webinar = "8f3b6a1e2c4d4e5f9a0b1c2d3e4f5a6b"  # MP4 downloads off
    headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
    url = f"{timed_sandbox.base_url}/accounts/{Sandbox.DEMO_ACCOUNT_ID}/stream/{webinar}/token"
    token = httpx.post(url, json={"downloadable": True}, headers=headers).json()["result"]["token"]
    dialog = open_playback(f"{timed_sandbox.delivery_base}/{token}/watch")
    assert run_check(qtbot, dialog.panel) == "Plays, but the MP4 download: MP4 not enabled"
    assert dialog.panel.verdictLabel.property("tone") == "warning"
    assert (
        dialog.panel.assetsLabel.text()
        .splitlines()[2]
        .startswith("MP4 download: 403, MP4 not enabled")
    )


# -- the words, without a window --------------------------------------------------------------


def test_the_words_for_a_report() -> None:
    plays = AssetCheck("thumbnail", 200, EdgeVerdict.PLAYS, image=thumbnail_png())
    blocked = AssetCheck("hls", 403, EdgeVerdict.BLOCKED, 2, "The viewer's country DE matches.")
    report = PlaybackReport((plays, blocked), True, None, None)
    assert headline(report) == "Blocked by rule 2"
    assert headline_tone(report).value == "error"
    assert asset_lines(report) == [
        "Thumbnail: 200, plays",
        "HLS manifest: 403, blocked by rule 2. The viewer's country DE matches.",
    ]
    silent = AssetCheck("thumbnail", None, EdgeVerdict.UNREACHABLE)
    unreachable = PlaybackReport(
        (silent, AssetCheck("hls", None, EdgeVerdict.UNREACHABLE)), False, None, None
    )
    assert headline(unreachable) == "No answer"
    assert headline_tone(unreachable).value == "warning"
    assert asset_lines(unreachable)[0] == "Thumbnail: no answer, no answer"
