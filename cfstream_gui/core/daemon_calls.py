"""Blocking calls that may never return, kept from holding anything else up.

A keyring call can wait forever on an unlock prompt nobody answers (or a D-Bus service that
hangs). Run in the event loop's executor, such a call also stalls that executor's shutdown, so
the process outlives its closed window. These helpers run the call in a daemon thread of its
own, which never keeps the process alive:

- `call_bounded(fn, timeout)` waits at most `timeout` seconds, then raises `CallTimedOut`
  (the call is left to finish, or hang, on its own);
- `in_daemon_thread(fn, ...)` awaits `fn` from asyncio without any executor: cancelling the
  await (closing the window) returns at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


class CallTimedOut(TimeoutError):
    """The call did not finish within its time; it may still finish later."""


def call_bounded(fn: Callable[[], _T], timeout: float, name: str = "blocking call") -> _T:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, fn()))
        except BaseException as exc:  # handed to the caller's thread, raised there
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise CallTimedOut(f"{name} did not finish within {timeout:g} s")
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


async def in_daemon_thread(fn: Callable[..., _T], *args: Any, name: str = "worker") -> _T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if future.done():  # cancelled meanwhile: nobody waits for it any more
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def run() -> None:
        result: tuple[bool, Any]
        try:
            result = (True, fn(*args))
        except BaseException as exc:
            result = (False, exc)
        # The loop may have closed meanwhile: then the answer has nowhere to go.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, *result)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
