"""A child process for the start-up benchmarks: `python bench/first_paint.py MODE [IDLE_S]`.

It prints `paint <epoch seconds>` at the main window's first paint and `ready <epoch seconds>`
once the window takes input (the app's controller is wired and its loop runs; at the paint for
the others); the parent, which noted the moment it started this process, turns those into
durations. Then it idles for IDLE_S seconds, prints `rss <kB>` (resident memory, from /proc) and
closes the window.

Modes:
- `bare`, the baseline: a PySide6 program showing an empty QMainWindow;
- `app`: `cfstream_gui.app.main()` as a user's start runs it, with the event filter installed on
  the application it will reuse;
- `widgets`, a floor: the app's main window, its widgets only, with nothing else loaded;
- `label`, a floor: a QMainWindow with one QLabel, the least a window with text costs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def resident_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class FirstPaint(QObject):
    def __init__(
        self, idle_seconds: float, end: Callable[[QMainWindow], None], *, wired: bool
    ) -> None:
        """`wired`: the window is ready only once it is attached to its controller."""
        super().__init__()
        self._wired = wired
        self._idle_ms = int(idle_seconds * 1000)
        self._end = end
        self._seen = False
        self._window: QMainWindow | None = None
        self._ready = QTimer(self)
        self._ready.setInterval(1)
        self._ready.timeout.connect(self._poll_ready)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self._seen
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QMainWindow)
        ):
            self._seen = True
            self._window = watched
            print(f"paint {time.time():.6f}", flush=True)
            # Timers only run once the event loop does: for the app, once the window is wired.
            self._ready.start()
            QTimer.singleShot(self._idle_ms, lambda: self._finish(watched))
        return False

    def _poll_ready(self) -> None:
        if not self._wired or getattr(self._window, "is_attached", lambda: True)():
            print(f"ready {time.time():.6f}", flush=True)
            self._ready.stop()

    def _finish(self, window: QMainWindow) -> None:
        print(f"rss {resident_kb()}", flush=True)
        self._end(window)


def main() -> int:
    mode = sys.argv[1]
    idle = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    app = QApplication([sys.argv[0]])

    def end(window: QMainWindow) -> None:
        if mode == "widgets":
            app.exit(0)  # a window with no controller never agrees to close
        else:
            window.close()

    watcher = FirstPaint(idle, end, wired=mode == "app")
    app.installEventFilter(watcher)
    if mode == "app":
        from cfstream_gui.app import main as app_main

        return app_main([])
    if mode == "widgets":
        from cfstream_gui.ui.window.main_window import MainWindow

        window: QMainWindow = MainWindow()
    else:
        window = QMainWindow()
        if mode == "label":
            window.setCentralWidget(QLabel("Cloudflare Stream tokens"))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
