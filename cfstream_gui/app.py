"""Start the desktop app: the QApplication, the qasync event loop, and the main window."""

from __future__ import annotations

import argparse
import asyncio
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

import qasync  # after PySide6, so qasync binds to it rather than probing other Qt bindings

from cfstream_gui import APP_ID, APP_NAME, __version__


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cfstream-gui", description="Cloudflare Stream signed-URL tokens")
    parser.add_argument("--sandbox", action="store_true", help="use the built-in local sandbox, no account needed")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code. Reuses a QApplication that already exists."""
    args_list = sys.argv[1:] if argv is None else argv
    parse_args(args_list)
    app = QApplication.instance() or QApplication([sys.argv[0], *args_list])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle("cfstream-gui")
    window.setCentralWidget(QLabel("The token form arrives with the main-window issue."))
    window.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    return 0
