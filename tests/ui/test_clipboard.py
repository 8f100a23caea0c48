"""Secrets copied to the real (offscreen) clipboard: marked sensitive, and cleared after the
set time only while the clipboard still holds that very copy. A fake scheduler stands in for
the timer, so no test waits for seconds to pass."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication

from cfstream_gui.ui.common.clipboard import (
    COPY_MARKER,
    SENSITIVE_FORMATS,
    clear_copied_secret,
    copy_secret,
)

REPO = Path(__file__).resolve().parents[2]

# Obviously not a real token: the shape of one, with a test label in it.
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0LW9ubHkifQ.test-signature"


class FakeTimers:
    """Collects what `copy_secret` schedules; `fire()` runs what is due, as time passing would."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, Callable[[], None]]] = []

    def __call__(self, milliseconds: int, callback: Callable[[], None]) -> None:
        self.pending.append((milliseconds, callback))

    def fire(self, index: int | None = None) -> None:
        due = self.pending if index is None else [self.pending[index]]
        for _, callback in list(due):
            callback()


@pytest.fixture
def board(qapp: QApplication) -> Iterator[QClipboard]:
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    yield clipboard
    clipboard.clear()


@pytest.fixture
def timers() -> FakeTimers:
    return FakeTimers()


def copy(board: QClipboard, text: str, timers: FakeTimers, seconds: int = 30) -> None:
    copy_secret(text, seconds, clipboard=board, schedule=timers)


def test_the_copy_is_exactly_the_text_and_marked_sensitive(
    board: QClipboard, timers: FakeTimers
) -> None:
    copy(board, TOKEN, timers)
    assert board.text() == TOKEN
    data = board.mimeData()
    assert data is not None
    assert bytes(data.data("x-kde-passwordManagerHint").data()) == b"secret"
    for mime_type, value in SENSITIVE_FORMATS.items():
        assert bytes(data.data(mime_type).data()) == value
    marker = bytes(data.data(COPY_MARKER).data())
    assert TOKEN.encode() not in marker and len(marker) == 32  # random, not the secret


def test_off_by_default_nothing_is_scheduled(board: QClipboard, timers: FakeTimers) -> None:
    copy_secret(TOKEN, clipboard=board, schedule=timers)
    copy_secret(TOKEN, 0, clipboard=board, schedule=timers)
    assert timers.pending == []
    assert board.text() == TOKEN


def test_cleared_after_the_set_time_when_still_ours(board: QClipboard, timers: FakeTimers) -> None:
    copy(board, TOKEN, timers, seconds=45)
    assert [ms for ms, _ in timers.pending] == [45_000]
    assert board.text() == TOKEN  # nothing happens before the time is up
    timers.fire()
    assert board.text() == ""


def test_what_the_user_copied_since_is_left_alone(board: QClipboard, timers: FakeTimers) -> None:
    copy(board, TOKEN, timers)
    board.setText("my shopping list")
    timers.fire()
    assert board.text() == "my shopping list"


def test_the_same_text_copied_by_another_app_is_left_alone(
    board: QClipboard, timers: FakeTimers
) -> None:
    copy(board, TOKEN, timers)
    plain = QMimeData()
    plain.setText(TOKEN)  # the same token, but the user's own copy (no marker of ours)
    board.setMimeData(plain)
    timers.fire()
    assert board.text() == TOKEN


def test_only_the_last_of_two_copies_clears(board: QClipboard, timers: FakeTimers) -> None:
    copy(board, TOKEN, timers)
    copy(board, TOKEN, timers)  # copied again: the user wants the full time from now
    timers.fire(0)
    assert board.text() == TOKEN
    timers.fire(1)
    assert board.text() == ""


def test_a_newer_secret_is_not_cleared_by_the_older_ones_timer(
    board: QClipboard, timers: FakeTimers
) -> None:
    copy(board, TOKEN, timers)
    link = f"https://customer-test.example.com/{TOKEN}/watch"
    copy(board, link, timers)
    timers.fire(0)
    assert board.text() == link
    timers.fire(1)
    assert board.text() == ""


def test_an_empty_clipboard_at_the_time_is_fine(board: QClipboard, timers: FakeTimers) -> None:
    copy(board, TOKEN, timers)
    board.clear()
    timers.fire()
    assert board.text() == ""


def test_the_real_qt_timer_clears_it(board: QClipboard, qtbot: Any) -> None:
    copy_secret(TOKEN, 1, clipboard=board)
    assert board.text() == TOKEN
    qtbot.waitUntil(lambda: board.text() == "", timeout=5000)


def test_closing_clears_our_secret_but_not_the_users_text(
    board: QClipboard, timers: FakeTimers
) -> None:
    copy(board, TOKEN, timers)
    assert clear_copied_secret(board)
    assert board.text() == ""
    board.setText("the user's own")
    assert not clear_copied_secret(board)
    assert board.text() == "the user's own"


def test_quitting_with_a_copied_secret_on_the_clipboard_does_not_crash(tmp_path: Path) -> None:
    """A copy left on the clipboard when the app quits: Qt still holds it while the process
    exits. (A QMimeData made in Python crashed the process there, exit code 139.)"""
    script = tmp_path / "copy_then_quit.py"
    script.write_text(
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from cfstream_gui.ui.common.clipboard import copy_secret\n"
        "copy_secret('cfut_not-a-real-token', clear_after=0)\n"
        "assert QApplication.clipboard().mimeData().hasFormat('x-kde-passwordManagerHint')\n"
        "print('copied')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "copied"), done.stderr[-2000:]
