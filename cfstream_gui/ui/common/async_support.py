"""The window's asyncio plumbing: background tasks it owns, and one API client per base URL.

Both exist so that closing the window can finish everything it started (no "Task was destroyed
but it is pending", no unclosed connection pool), and so that nothing slow runs on the UI
thread: building an httpx transport creates an SSL context (~100 ms), so clients are built in
a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from cfstream_gui.core.cloudflare import StreamClient

ClientFactory = Callable[[str | None], StreamClient]


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


class ClientPool:
    """One `StreamClient` per API base URL (profiles may point at different ones, e.g. the
    sandbox), each with its own connection pool, reused across requests."""

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory
        self._clients: dict[str | None, StreamClient] = {}
        self._building: dict[str | None, asyncio.Future[StreamClient]] = {}

    async def get(self, base_url: str | None) -> StreamClient:
        """The client for `base_url` (None: the default API), built off the UI thread once."""
        client = self._clients.get(base_url)
        if client is not None:
            return client
        pending = self._building.get(base_url)
        if pending is None:
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(None, self._build, base_url)
            self._building[base_url] = pending
        try:
            client = await asyncio.shield(pending)
        finally:
            if pending.done():
                self._building.pop(base_url, None)
        self._clients[base_url] = client
        return client

    def _build(self, base_url: str | None) -> StreamClient:
        client = self._factory(base_url)
        # Make the pooled httpx client now, in this worker thread: its SSL context is the slow part.
        client.prepare()
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for pending in self._building.values():
            # A client still being built is closed as soon as it exists.
            with contextlib.suppress(Exception):
                clients.append(await pending)
        self._building.clear()
        for client in clients:
            await client.aclose()
