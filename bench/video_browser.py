"""A child process for the video-browser benchmark: `python bench/video_browser.py ROUNDS VIDEOS`.

Against a sandbox holding VIDEOS videos, in the real window on one qasync loop:
- first rows: from pressing Browse… to the first paint of the table with rows in it (the first
  page of 1,000 fetched, parsed, added and drawn), ROUNDS times after a first, cold open (which
  also builds the API client, reported on its own); and, as the baseline, a bare
  `httpx.AsyncClient` GET of the same page and its JSON parse;
- a filter keystroke with every video loaded: from the key press to the table repainted, for
  each of ROUNDS keystrokes that narrow the list and one that widens it again.
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

# isort: split
import httpx
import qasync

from cfstream_gui.app import build_window
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.videos.browser import VideoBrowser
from cfstream_gui.ui.window.main_window import MainWindow

TYPED = "webinar: billing (00"  # each key narrows the list


class FirstRows(QObject):
    """Notes when the table's viewport is first painted with rows in it."""

    def __init__(self, browser: VideoBrowser) -> None:
        super().__init__()
        self._browser = browser
        self.painted = asyncio.Event()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._browser.model.rowCount() > 0:
            self.painted.set()
        return False


async def first_rows(window: MainWindow) -> float:
    start = time.perf_counter()
    window.form.browseVideosButton.click()
    browser = window.accounts.video_browser
    assert browser is not None
    watch = FirstRows(browser)
    browser.table.viewport().installEventFilter(watch)
    await watch.painted.wait()
    elapsed = time.perf_counter() - start
    browser.table.viewport().removeEventFilter(watch)
    browser.reject()
    while window.accounts.video_browser is not None:
        await asyncio.sleep(0.01)
    return elapsed


async def bare_page(sandbox: Sandbox) -> float:
    url = f"{sandbox.base_url}/accounts/{sandbox.DEMO_ACCOUNT_ID}/stream"
    headers = {"Authorization": f"Bearer {sandbox.DEMO_API_TOKEN}"}
    params = {"limit": "1000", "include_counts": "true"}
    async with httpx.AsyncClient(trust_env=False) as client:
        await client.get(url, headers=headers, params={"limit": "1"})  # warm the connection
        start = time.perf_counter()
        response = await client.get(url, headers=headers, params=params)
        videos = response.json()["result"]
        assert len(videos) == 1000
        return time.perf_counter() - start


async def keystrokes(window: MainWindow) -> list[float]:
    window.form.browseVideosButton.click()
    browser = window.accounts.video_browser
    assert browser is not None
    browser.load_all()
    while not browser.is_done():
        await asyncio.sleep(0.05)
    times = []
    for key in [*TYPED, Qt.Key.Key_Backspace]:
        await asyncio.sleep(0.05)  # let the last repaint and any thumbnail settle
        start = time.perf_counter()
        if isinstance(key, str):
            QTest.keyClicks(browser.filterEdit, key)
        else:
            QTest.keyClick(browser.filterEdit, key)
        browser.table.viewport().repaint()
        times.append(time.perf_counter() - start)
    assert browser.model.rowCount() > 0
    browser.reject()
    return times


async def session(rounds: int, videos: int) -> dict[str, float]:
    with Sandbox(videos=videos) as sandbox:
        env = {"CFSTREAM_CONFIG_DIR": tempfile.mkdtemp(prefix="cfstream-bench-")}
        window = build_window(sandbox, env)
        window.resize(1366, 740)
        window.show()
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        await asyncio.sleep(0.3)  # the first client and the keyring read settle
        cold = await first_rows(window)  # the first open also builds the API client
        firsts = [await first_rows(window) for _ in range(rounds)]
        bares = [await bare_page(sandbox) for _ in range(rounds)]
        keys = await keystrokes(window)
        window.close()
        await closed.wait()
    return {
        "first_rows_ms": statistics.median(firsts) * 1000,
        "first_rows_cold_ms": cold * 1000,
        "bare_page_ms": statistics.median(bares) * 1000,
        "keystroke_ms": statistics.median(keys) * 1000,
        "keystroke_max_ms": max(keys) * 1000,
        "videos": videos,
        "rounds": rounds,
    }


def main() -> int:
    rounds, videos = int(sys.argv[1]), int(sys.argv[2])
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(session(rounds, videos))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
