"""Blocking calls that may never return: bounded in time, awaited without an executor."""

from __future__ import annotations

import asyncio
import threading

import pytest

from cfstream_gui.core.daemon_calls import CallTimedOut, call_bounded, in_daemon_thread


def test_a_bounded_call_returns_its_value_or_raises_its_error() -> None:
    assert call_bounded(lambda: 42, 5) == 42

    def broken() -> int:
        raise KeyError("inner")

    with pytest.raises(KeyError, match="inner"):
        call_bounded(broken, 5)


def test_a_call_that_never_returns_is_given_up_and_left_behind() -> None:
    stuck = threading.Event()
    with pytest.raises(CallTimedOut, match=r"keyring read did not finish within 0\.2 s"):
        call_bounded(stuck.wait, 0.2, "keyring read")
    (left,) = [t for t in threading.enumerate() if t.name == "keyring read"]
    assert left.daemon  # it can never keep the process alive
    stuck.set()
    left.join(5)


@pytest.mark.asyncio
async def test_in_daemon_thread_gives_the_result_and_the_error() -> None:
    assert await in_daemon_thread(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(ZeroDivisionError):
        await in_daemon_thread(lambda: 1 / 0)


@pytest.mark.asyncio
async def test_cancelling_the_await_returns_at_once_while_the_call_hangs() -> None:
    stuck = threading.Event()
    task = asyncio.ensure_future(in_daemon_thread(stuck.wait, name="hung keyring"))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (left,) = [t for t in threading.enumerate() if t.name == "hung keyring"]
    assert left.daemon and left.is_alive()
    stuck.set()  # the late answer finds the await cancelled and is dropped quietly
    left.join(5)
    await asyncio.sleep(0.05)
