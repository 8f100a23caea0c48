"""Copying a secret (a token, a link that carries one, a batch of them) to the clipboard: marked
sensitive for the clipboard managers that listen, and taken back off after a while if it is
still there.

A signed token is a credential for the video until it expires, so a clipboard history that
keeps it for months is a leak. Two defences, as password managers use them:

- Hints: `x-kde-passwordManagerHint: secret` (Klipper and most Linux clipboard managers skip
  such a copy), Windows' `ExcludeClipboardContentFromMonitorProcessing` and
  `CanIncludeInClipboardHistory`/`CanUploadToCloudClipboard` = 0 (no Win+V history, no cloud
  clipboard), and `application/x-nspasteboard-concealed-type`. Each is only a format in the
  copy, harmless where nobody reads it. Qt passes the first two to the system as named; on
  macOS it files any unknown type under its own name, so the concealed type reaches only
  managers that look for this spelling, not NSPasteboard's `org.nspasteboard.ConcealedType`.
- Auto-clear (`clear_after` seconds, 0 = never): the clipboard is emptied then, but only if it
  still holds exactly this copy. Each copy carries a fresh marker, so what the user copied since
  (even the same text, from elsewhere) is never touched, and of two copies of the same token
  only the last one's timer clears it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

_DWORD_0 = bytes(4)
_DWORD_1 = (1).to_bytes(4, "little")
SENSITIVE_FORMATS: dict[str, bytes] = {
    "x-kde-passwordManagerHint": b"secret",
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': (
        _DWORD_1
    ),
    'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"': _DWORD_0,
    'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"': _DWORD_0,
    "application/x-nspasteboard-concealed-type": b"secret",
}
# Which copy this is: a random marker, never the secret or anything derived from it.
COPY_MARKER = "application/x-cfstream-gui-copy"

# (milliseconds, callback): run the callback once, later. Tests pass a fake one.
Schedule = Callable[[int, Callable[[], None]], None]


def copy_secret(
    text: str,
    clear_after: int = 0,
    *,
    clipboard: QClipboard | None = None,
    schedule: Schedule | None = None,
) -> None:
    """Put `text` on the clipboard marked sensitive; with `clear_after` > 0, empty the clipboard
    that many seconds later if it still holds this very copy."""
    board = clipboard if clipboard is not None else QGuiApplication.clipboard()
    marker = secrets.token_hex(16).encode("ascii")
    # The clipboard makes the QMimeData itself (setText) and the hints are added to that one.
    # A QMimeData made in Python is a PySide subclass whose virtual methods call into Python;
    # left on the clipboard, Qt calls them while the process exits, after Python is gone, and
    # the app crashes on quit. The hints are in place before the event loop runs again, which
    # is when another program (a clipboard manager) can first ask for them.
    board.setText(text)
    data = board.mimeData()
    if data is None:  # no clipboard on this platform
        return
    for mime_type, value in SENSITIVE_FORMATS.items():
        data.setData(mime_type, value)
    data.setData(COPY_MARKER, marker)
    if clear_after <= 0:
        return

    def clear_if_unchanged() -> None:
        if holds_copy(board, text, marker):
            board.clear()

    run_later = schedule if schedule is not None else _qt_schedule(board)
    run_later(clear_after * 1000, clear_if_unchanged)


def holds_copy(board: QClipboard, text: str, marker: bytes) -> bool:
    """Whether the clipboard still holds the copy made with `marker` (and its `text`)."""
    current = board.mimeData()
    if current is None or not current.hasFormat(COPY_MARKER):
        return False
    return bytes(current.data(COPY_MARKER).data()) == marker and current.text() == text


def clear_copied_secret(clipboard: QClipboard | None = None) -> bool:
    """Empty the clipboard if it holds a secret copied by `copy_secret`, whatever its timer:
    for closing the app, whose pending timers will never fire. True if it did."""
    board = clipboard if clipboard is not None else QGuiApplication.clipboard()
    current = board.mimeData()
    if current is None or not current.hasFormat(COPY_MARKER):
        return False
    board.clear()
    return True


def _qt_schedule(board: QClipboard) -> Schedule:
    def run_later(milliseconds: int, callback: Callable[[], None]) -> None:
        # The clipboard as context: the timer dies with it instead of firing into nothing.
        QTimer.singleShot(milliseconds, board, callback)

    return run_later
