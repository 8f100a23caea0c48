"""The form warns when the chosen video is public, in the real window against the sandbox:
typed or picked, the video is looked up once, and "Require signed URLs…" asks first, then
turns the setting on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory


def type_video(qtbot: Any, window: MainWindow, uid: str) -> None:
    window.form.videoIdEdit.clear()
    qtbot.keyClicks(window.form.videoIdEdit, uid)


def video_reads(sandbox: Sandbox, uid: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == "GET" and r.path.endswith(uid))


def test_a_typed_public_video_is_warned_about_and_can_be_made_to_require_signed_urls(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    warning = window.form.publicWarning
    public = sandbox.video_uids(signed=False)[0]
    type_video(qtbot, window, public)
    qtbot.waitUntil(warning.isVisible, timeout=WAIT_MS)
    assert "protects nothing: the video is public" in warning.label.text()
    assert video_reads(sandbox, public) == 1  # once, after typing paused

    asked: list[str] = []

    def refuse(*args: Any) -> bool:
        asked.append(args[1])  # the title
        return False

    window.accounts.confirm = refuse
    qtbot.mouseClick(warning.requireSignedButton, Qt.MouseButton.LeftButton)
    assert asked == ["Require signed URLs"]
    assert not [r for r in sandbox.requests if r.method == "POST"]  # "no" changes nothing
    assert warning.isVisible()

    window.accounts.confirm = lambda *args: True
    finished = window.controller.finished
    qtbot.mouseClick(warning.requireSignedButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    assert next(v for v in sandbox.videos if v["uid"] == public)["requireSignedURLs"] is True
    assert not warning.isVisible()
    assert "now requires signed URLs" in window.statusBar().currentMessage()
    assert window.form.videoIdEdit.text() == public


def test_a_video_that_requires_signed_urls_is_not_warned_about(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    signed = sandbox.video_uids(signed=True)[1]
    type_video(qtbot, window, signed)
    qtbot.waitUntil(lambda: video_reads(sandbox, signed) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.controller.video_check.is_waiting(), timeout=WAIT_MS)
    assert not window.form.publicWarning.isVisible()


def test_the_warning_goes_when_the_video_changes(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    public = sandbox.video_uids(signed=False)[0]
    type_video(qtbot, window, public)
    qtbot.waitUntil(window.form.publicWarning.isVisible, timeout=WAIT_MS)
    type_video(qtbot, window, "not-a-video")
    assert not window.form.publicWarning.isVisible()
    type_video(qtbot, window, public)  # known now: shown at once, not asked again
    assert window.form.publicWarning.isVisible()
    assert video_reads(sandbox, public) == 1
