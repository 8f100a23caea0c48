"""A child process for the window benchmarks: `python bench/gui_session.py ROUNDS DELAY_MS`.

Against the sandbox with a fixed server delay, on one qasync loop:
- the window's Create round trip (click -> token shown) vs a bare `httpx.AsyncClient` POST of the
  same request to the same server;
- the longest gap of a 5 ms heartbeat timer while the window makes ROUNDS tokens back to back:
  how long the UI ever stalls.
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

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

# isort: split
import httpx
import qasync

from cfstream_gui.app import build_window
from cfstream_gui.sandbox import Sandbox

HEARTBEAT_MS = 5


class Heartbeat:
    """A 5 ms timer on the UI thread; records the longest wait between two of its ticks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


async def window_rounds(window: object, rounds: int) -> list[float]:
    button = window.findChild(QPushButton, "createTokenButton")  # type: ignore[attr-defined]
    output = window.findChild(QLineEdit, "tokenOutput")  # type: ignore[attr-defined]
    shown = asyncio.Event()

    def on_text(text: str) -> None:
        if text:
            shown.set()

    output.textChanged.connect(on_text)
    times: list[float] = []
    for _ in range(rounds):
        while not button.isEnabled():
            await asyncio.sleep(0.001)
        output.clear()  # two tokens from one second can be equal: make every one a change
        shown.clear()
        start = time.perf_counter()
        button.click()
        await shown.wait()
        times.append(time.perf_counter() - start)
    return times


async def bare_rounds(sandbox: Sandbox, uid: str, rounds: int) -> list[float]:
    url = f"{sandbox.base_url}/accounts/{sandbox.DEMO_ACCOUNT_ID}/stream/{uid}/token"
    headers = {"Authorization": f"Bearer {sandbox.DEMO_API_TOKEN}"}
    times: list[float] = []
    async with httpx.AsyncClient(trust_env=False) as client:
        await client.post(url, json={}, headers=headers)  # warm the connection, as the app's is
        for _ in range(rounds):
            start = time.perf_counter()
            response = await client.post(url, json={}, headers=headers)
            response.raise_for_status()
            assert response.json()["result"]["token"]
            times.append(time.perf_counter() - start)
    return times


async def session(rounds: int, delay: float) -> dict[str, float]:
    with Sandbox() as sandbox:
        env = {"CFSTREAM_CONFIG_DIR": tempfile.mkdtemp(prefix="cfstream-bench-")}
        window = build_window(sandbox, env)
        window.show()
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        await asyncio.sleep(0.3)  # the keyring read and the first client settle
        await window_rounds(window, 3)  # warm-up: the API client and its connection
        sandbox.set_latency(delay)
        uid = sandbox.video_uids(signed=True)[0]
        bare = await bare_rounds(sandbox, uid, rounds)
        heartbeat = Heartbeat()
        heartbeat.start()
        gui = await window_rounds(window, rounds)
        heartbeat.stop()
        window.close()
        await closed.wait()
    return {
        "gui_ms": statistics.median(gui) * 1000,
        "bare_ms": statistics.median(bare) * 1000,
        "max_gap_ms": heartbeat.longest * 1000,
        "rounds": rounds,
    }


def main() -> int:
    rounds, delay_ms = int(sys.argv[1]), float(sys.argv[2])
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(session(rounds, delay_ms / 1000))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
