"""The window's asyncio plumbing: the background tasks it owns.

They exist so that closing the window can finish everything it started (no "Task was destroyed
but it is pending"). The API clients are `core.clients.ClientPool`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Coroutine
from typing import Any

# qasync's DEBUG records repr every callback handed to its thread executor, arguments and all:
# with debug logging on, a private key or an API token on its way to a worker thread (the
# keyring, an import) would be written to the log. Nothing it says at DEBUG is worth that.
logging.getLogger("qasync").setLevel(logging.INFO)


class BackgroundTasks:
    """Tasks started from signal handlers. Keeps them referenced (asyncio only holds weak
    references), reports unexpected exceptions like a qasync slot does, and cancels them all
    on close."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        try:
            task = asyncio.ensure_future(coro)
        except RuntimeError:  # no usable event loop: do not leave a never-awaited coroutine
            coro.close()
            raise
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            sys.excepthook(type(error), error, error.__traceback__)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def wait(self) -> None:
        """Until every task started so far has finished (tests, and an orderly close)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel_others(self) -> None:
        """Cancel every task but the one calling this (which may be one of ours)."""
        current = asyncio.current_task()
        tasks = [task for task in self._tasks if task is not current]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
