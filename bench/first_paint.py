"""A child process for the start-up benchmarks: `python bench/first_paint.py app|bare [IDLE_S]`.

It prints `paint <epoch seconds>` at the main window's first paint (the parent, which noted the
moment it started this process, turns that into start-to-first-paint), then idles for IDLE_S
seconds, prints `rss <kB>` (resident memory, from /proc) and closes the window.

`bare` is the baseline: a PySide6 program showing an empty QMainWindow. `app` runs
`cfstream_gui.app.main()` as a user's start does, with the event filter installed on the
application it will reuse.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def resident_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class FirstPaint(QObject):
    def __init__(self, idle_seconds: float) -> None:
        super().__init__()
        self._idle_ms = int(idle_seconds * 1000)
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self._seen
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QMainWindow)
        ):
            self._seen = True
            print(f"paint {time.time():.6f}", flush=True)
            QTimer.singleShot(self._idle_ms, lambda: self._finish(watched))
        return False

    def _finish(self, window: QMainWindow) -> None:
        print(f"rss {resident_kb()}", flush=True)
        window.close()


def main() -> int:
    mode = sys.argv[1]
    idle = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    app = QApplication([sys.argv[0]])
    watcher = FirstPaint(idle)
    app.installEventFilter(watcher)
    if mode == "bare":
        window = QMainWindow()
        window.show()
        return app.exec()
    from cfstream_gui.app import main as app_main

    return app_main([])


if __name__ == "__main__":
    sys.exit(main())
