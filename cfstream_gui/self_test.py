"""`cfstream-gui --self-test`: does this installation work, end to end?

It starts the built-in sandbox, opens the real window (offscreen when there is no display),
presses Create as a user would and checks the token the window shows with the sandbox's own
playback check. Exit 0 with one line when all of that worked; 1 with a sentence naming the
step that failed otherwise, within a bounded time. CI runs it on the frozen bundle, where the
hidden imports, Qt plugins, keyring metadata and bundled icon are exactly what can go missing.

Nothing reaches the user's settings (a temporary config dir) or keyring (the sandbox profile
keeps its secrets in memory).
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from types import TracebackType
from typing import Any, TypeVar

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

# isort: split
import qasync  # after PySide6, so qasync binds to it rather than probing other Qt bindings

from cfstream_gui import __version__, app
from cfstream_gui.display import OFFSCREEN, missing_display
from cfstream_gui.sandbox import Sandbox

DEFAULT_TIMEOUT = 60.0
# Past the self-test's own deadline, a hang inside Qt itself ends the process anyway.
WATCHDOG_GRACE = 30.0
POLL_SECONDS = 0.05
# The backend each platform's keyring needs; a bundle without it cannot keep an API token.
KEYRING_BACKEND = {
    "linux": "keyring.backends.SecretService",
    "darwin": "keyring.backends.macOS",
    "win32": "keyring.backends.Windows",
}

W = TypeVar("W", bound=QWidget)


class SelfTestFailed(Exception):
    """A step failed; the message is the sentence the user sees."""


def run_self_test(
    argv: Sequence[str], *, sandbox: Sandbox | None = None, timeout: float = DEFAULT_TIMEOUT
) -> int:
    """Run the self-test; 0 when a token was made and checked, 1 otherwise. A `sandbox` that is
    passed in (already started) is used instead of a fresh one and left running."""
    if missing_display(os.environ) is not None and QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
    qapp = app._application(list(argv))
    own_sandbox = sandbox is None
    try:
        running = sandbox if sandbox is not None else Sandbox().start()
    except OSError as exc:
        print(f"self-test failed: the built-in sandbox could not start ({exc}).", file=sys.stderr)
        return 1
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    quit_on_close = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    crashes = _Crashes()
    loop.set_exception_handler(crashes.from_loop)
    _start_watchdog(timeout + WATCHDOG_GRACE)
    try:
        with crashes, tempfile.TemporaryDirectory(prefix="cfstream-self-test-") as config, loop:
            env = {**os.environ, "CFSTREAM_CONFIG_DIR": config}
            deadline = _Deadline(loop, timeout)
            summary = loop.run_until_complete(_exercise(running, env, crashes, deadline))
    except SelfTestFailed as exc:
        print(f"self-test failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        traceback.print_exc()
        print(f"self-test failed: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        faulthandler.cancel_dump_traceback_later()
        qapp.setQuitOnLastWindowClosed(quit_on_close)
        asyncio.set_event_loop(None)
        if own_sandbox:
            running.stop()
        # As in app.main: free the loop and the window on the thread that owns their QObjects.
        del loop
        gc.collect()
    print(f"self-test passed: {summary}")
    return 0


async def _exercise(
    sandbox: Sandbox, env: Mapping[str, str], crashes: _Crashes, deadline: _Deadline
) -> str:
    check_keyring_backends()
    check_icon()
    window = app.build_window(sandbox, env)
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(on_closed)
    window.show()
    try:
        video, token = await _create_token(window, deadline)
        crashes.raise_if_any()
        check_token(window, sandbox, video, token)
    finally:
        window.close()
        await deadline.wait_for(closed, "the window did not finish closing")
    crashes.raise_if_any()
    platform = QGuiApplication.platformName()
    return (
        f"cfstream-gui {__version__} opened its window ({platform}), made a token for video "
        f"{video} through the sandbox at {sandbox.base_url}, and the sandbox would play it."
    )


def check_keyring_backends(
    entry_points: Callable[..., Any] = metadata.entry_points, platform: str = sys.platform
) -> None:
    """keyring finds its backends through its package metadata: a bundle that left the
    metadata or the platform's backend module out cannot keep an API token anywhere."""
    if not list(entry_points(group="keyring.backends")):
        raise SelfTestFailed(
            "keyring lists no backends (its package metadata is missing), so API tokens "
            "could not be kept in the system keyring."
        )
    module = KEYRING_BACKEND.get(platform)
    if module is None:
        return
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise SelfTestFailed(
            f"the keyring backend {module} cannot be imported ({exc}), so API tokens could "
            "not be kept in the system keyring."
        ) from None


def check_icon() -> None:
    """The window icon is drawn from the bundled SVG: this needs the resources package and
    Qt's SVG plugins, both easy to leave out of a bundle."""
    icon = QApplication.windowIcon()
    if icon.isNull() or icon.pixmap(QSize(64, 64)).isNull():
        raise SelfTestFailed(
            "the app icon could not be drawn (the bundled SVG or Qt's SVG support is missing)."
        )


async def _create_token(window: QWidget, deadline: _Deadline) -> tuple[str, str]:
    """Press Create once the window allows it, as a user would; the video and the token."""
    create = _child(window, QPushButton, "createTokenButton")
    status = _child(window, QLabel, "createStatusLabel")
    await deadline.until(
        create.isEnabled, lambda: f"Create never became available: {status.text()}"
    )
    video = _child(window, QLineEdit, "videoIdEdit").text().strip()
    create.click()
    output = _child(window, QLineEdit, "tokenOutput")
    banner = _child(window, QWidget, "errorBanner")
    message = _child(window, QLabel, "errorBannerMessage")
    await deadline.until(
        lambda: bool(output.text()) or (banner.isVisible() and bool(message.text())),
        lambda: f"no token and no error after pressing Create: {status.text()}",
    )
    if not output.text():
        raise SelfTestFailed(f"Create showed an error instead of a token: {message.text()}")
    return video, output.text()


def check_token(window: QWidget, sandbox: Sandbox, video: str, token: str) -> None:
    """The token came from the sandbox's API, plays there, and is in the link shown."""
    asked = [
        r for r in sandbox.requests if r.method == "POST" and r.path.endswith(f"/{video}/token")
    ]
    if not asked:
        raise SelfTestFailed(f"the window showed a token but never asked the sandbox for {video}.")
    verdict = sandbox.verify_playback_token(token, video)
    if not verdict:
        raise SelfTestFailed(f"the sandbox would not play the token: {verdict.reason}")
    link = _child(window, QLineEdit, "urlOutput").text()
    if not link.startswith(sandbox.delivery_base) or token not in link:
        raise SelfTestFailed(f"the playback link shown does not carry the token: {link}")


class _Deadline:
    """One time limit for the whole self-test, checked while polling: every wait ends with a
    sentence saying what had not happened yet, never a bare timeout."""

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self._loop = loop
        self._seconds = seconds
        self._at = loop.time() + seconds

    def _expired(self, what: str) -> SelfTestFailed:
        return SelfTestFailed(f"{what} (gave up after {self._seconds:g} seconds).")

    async def until(self, ready: Callable[[], bool], why_not: Callable[[], str]) -> None:
        """Poll on the event loop: a nested Qt loop (qtbot-style waiting) would stall the
        asyncio tasks that do the work."""
        while not ready():
            if self._loop.time() >= self._at:
                raise self._expired(why_not())
            await asyncio.sleep(POLL_SECONDS)

    async def wait_for(self, future: asyncio.Future[None], what: str) -> None:
        # At least a moment to close, even when the steps before used up the time.
        left = max(self._at - self._loop.time(), 5.0)
        try:
            await asyncio.wait_for(future, left)
        except TimeoutError:
            raise self._expired(what) from None


def _child(window: QWidget, kind: type[W], name: str) -> W:
    """A widget by its automation objectName (docs/automation.md)."""
    widget = window.findChild(kind, name)
    if widget is None:
        raise SelfTestFailed(f"the window has no {kind.__name__} named {name}.")
    return widget


def _start_watchdog(seconds: float) -> None:
    stream = sys.__stderr__
    if stream is not None:  # a windowed Windows app has no stderr
        faulthandler.dump_traceback_later(seconds, exit=True, file=stream)


class _Crashes:
    """Exceptions nobody caught while the self-test ran (a slot, a task, a loop callback).
    Each is still passed on to whoever handled them before."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._previous = sys.excepthook

    def __enter__(self) -> _Crashes:
        self._previous = sys.excepthook
        sys.excepthook = self.from_hook
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.excepthook = self._previous

    def from_hook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self.seen.append(f"{kind.__name__}: {exc}")
        self._previous(kind, exc, tb)

    def from_loop(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        self.seen.append(f"{type(exc).__name__}: {exc}" if exc else str(context.get("message")))
        loop.default_exception_handler(context)

    def raise_if_any(self) -> None:
        if self.seen:
            raise SelfTestFailed(f"the app raised an error nobody handled: {self.seen[0]}")
