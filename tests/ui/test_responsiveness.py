"""The window keeps painting while a request is out: a 10 ms heartbeat timer keeps beating while
Create talks to a slow API.

The issue's requirement is that the event loop never stalls more than 50 ms during a create.
Wall-clock gaps alone would make that a timed assertion on a shared, noisy machine, so the test
separates what our code controls from what the machine does:
- main-thread CPU time between two beats (`time.thread_time`, which other processes cannot
  inflate) must stay under 50 ms: no handler computes for that long;
- wall-clock gaps, which also catch a blocking call that burns no CPU (a synchronous request, a
  keyring prompt), must stay under 50 ms or, on a loaded machine, under three times the worst gap
  of an idle baseline measured just before, in the same test.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer

from cfstream_gui.sandbox import Sandbox
from tests.ui.conftest import WAIT_MS, WindowFactory
from tests.ui.test_main_window import fill_video, line

HEARTBEAT_MS = 10
MAX_STALL_SECONDS = 0.050
LATENCY_SECONDS = 0.5


class Heartbeat:
    """A 10 ms QTimer that records, for each beat, wall time and the main thread's CPU time."""

    def __init__(self) -> None:
        self.beats: list[tuple[float, float]] = []
        self._timer = QTimer()
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        self.beats.append((time.perf_counter(), time.thread_time()))

    def run_while(self, qtbot: Any, action: Callable[[], None]) -> list[tuple[float, float]]:
        """(wall gap, CPU spent on this thread) for each pair of beats while `action` runs."""
        # Beats at the start and the end too: a stall right after the click, before the timer's
        # first tick, is a stall all the same.
        self.beats = []
        self._beat()
        self._timer.start()
        try:
            action()
        finally:
            self._timer.stop()
            self._beat()
        return [
            (later[0] - earlier[0], later[1] - earlier[1])
            for earlier, later in itertools.pairwise(self.beats)
        ]


def test_heartbeat_keeps_beating_during_a_slow_create(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    sandbox.set_latency(LATENCY_SECONDS)
    heartbeat = Heartbeat()

    idle = heartbeat.run_while(qtbot, lambda: qtbot.wait(int(LATENCY_SECONDS * 1000)))

    def create() -> None:
        window.createTokenButton.click()
        qtbot.waitUntil(window.is_busy, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not window.is_busy(), timeout=WAIT_MS)

    during = heartbeat.run_while(qtbot, create)

    assert line(window, "tokenOutput").text(), window.banner.message()
    assert len(during) > 20  # the create really spanned the latency
    worst_cpu = max(cpu for _, cpu in during)
    assert worst_cpu < MAX_STALL_SECONDS, f"a handler computed for {worst_cpu * 1000:.0f} ms"
    worst_wall = max(wall for wall, _ in during)
    allowed = max(MAX_STALL_SECONDS, 3 * max(wall for wall, _ in idle))
    assert worst_wall < allowed, (
        f"the loop stalled {worst_wall * 1000:.0f} ms "
        f"(idle baseline allows {allowed * 1000:.0f} ms)"
    )
