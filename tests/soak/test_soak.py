"""Soak: many creates in one window against the sandbox, a tenth of them meeting an injected
fault (a 5xx once or for good, an HTML page, a dropped connection, non-JSON, success:false, a
short 429 once or for good, a slow answer). The window never stays busy, every click ends in one
token or one sentence, and after a warm-up the process's open file descriptors (sockets among
them), its threads and its memory do not grow.

`make soak` runs 500 creates; CI runs `make soak-quick` (60). `CFSTREAM_SOAK=N` sets the count.
"""

from __future__ import annotations

import gc
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton

from cfstream_gui.core.models import AccessRule
from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support.clock import FakeClock
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name

CREATES = int(os.environ.get("CFSTREAM_SOAK", "0") or 0)
WARM_UP = 20
FAULT_RATE = 0.10
SEED = 8  # the same faults in the same order, run after run

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(CREATES <= 0, reason="a soak runs on demand: make soak (CFSTREAM_SOAK=N)"),
]

HTML = "<html><body><h1>502 Bad gateway</h1></body></html>"


def on_token(status: int | None, body: Any = None, **kwargs: Any) -> Fault:
    return Fault(status, body, path_contains="/token", method="POST", **kwargs)


# Each fault as it is injected; the client retries 5xx, dropped connections and short 429s.
FAULTS: list[Callable[[], Fault]] = [
    lambda: on_token(500, times=1),  # retried, then a token
    lambda: on_token(503, times=3),  # retried, then a sentence
    lambda: on_token(502, HTML, times=3),
    lambda: on_token(None, disconnect=True, times=3),
    lambda: on_token(200, "not json at all", times=1),
    lambda: on_token(200, {"success": False, "errors": [], "result": None}, times=1),
    lambda: on_token(429, headers={"Retry-After": "1"}, times=1),  # waited out
    lambda: on_token(429, headers={"Retry-After": "1"}, times=3),  # Create waits 1 s
    lambda: on_token(None, delay=0.05, times=1),  # slow but fine
]


@dataclass(frozen=True)
class Usage:
    fds: int
    threads: int
    os_threads: int
    rss_kib: int


def usage() -> Usage:
    gc.collect()
    status = Path("/proc/self/status").read_text(encoding="ascii")
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return Usage(
        fds=len(os.listdir("/proc/self/fd")),
        threads=threading.active_count(),
        os_threads=len(os.listdir("/proc/self/task")),
        rss_kib=rss,
    )


class Clicker:
    def __init__(self, qtbot: Any, window: MainWindow, sandbox: Sandbox, clock: FakeClock):
        self.qtbot, self.window, self.sandbox, self.clock = qtbot, window, sandbox, clock
        self.rng = random.Random(SEED)
        self.tokens = 0
        self.sentences = 0
        self.create = by_name(window, QPushButton, "createTokenButton")
        self.cancel = by_name(window, QPushButton, "cancelButton")
        self.output = by_name(window, QLineEdit, "tokenOutput")

    def click(self) -> None:
        """One create, a tenth of them meeting a fault; checks it ended in one outcome."""
        self.sandbox.clear()
        if self.rng.random() < FAULT_RATE:
            self.sandbox.inject_fault(self.rng.choice(FAULTS)())
        if not self.create.isEnabled():  # a 429's wait: let the clock pass it
            self.clock.now += 2
            self.window.controller.refresh()
        assert self.create.isEnabled(), self.window.createStatusLabel.text()
        finished = self.window.controller.finished
        status = self.window.statusBar()
        status.clearMessage()
        self.create.click()
        self.qtbot.waitUntil(lambda: self.window.controller.finished > finished, timeout=WAIT_MS)

        assert not self.window.is_busy() and not self.cancel.isEnabled()  # never stuck busy
        assert self.window.controller.finished == finished + 1
        if self.window.banner.tone() == "error":
            assert status.currentMessage() == ""
            self.sentences += 1
        else:
            assert status.currentMessage() == "Token created" and self.output.text()
            self.tokens += 1
        assert len(self.sandbox.requests) <= 3  # retries, never more


def test_many_creates_with_faults_leave_nothing_stuck_and_nothing_growing(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    clock = FakeClock(time.time())
    window = make_window(clock=clock)
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    window.form.expiry.set_value(int(clock()) + 6 * 3600)
    window.form.rulesEditor.set_rules(
        [AccessRule("allow", "ip.geoip.country", ("US", "DE")), AccessRule("block", "any")]
    )
    clicker = Clicker(qtbot, window, sandbox, clock)
    for _ in range(WARM_UP):
        clicker.click()
    before = usage()

    for _ in range(CREATES):
        clicker.click()
    after = usage()

    assert clicker.tokens + clicker.sentences == WARM_UP + CREATES
    assert clicker.tokens >= 0.8 * (WARM_UP + CREATES)
    assert after.fds <= before.fds + 4, (before, after)  # sockets included
    assert after.threads <= before.threads + 2, (before, after)
    assert after.os_threads <= before.os_threads + 2, (before, after)
    assert after.rss_kib <= before.rss_kib * 1.10, (before, after)
    print(f"\nsoak: {CREATES} creates, {clicker.sentences} sentences; {before} -> {after}")
