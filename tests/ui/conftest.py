"""Fixtures for the window tests: a qasync loop that qtbot pumps, the sandbox on loopback, and
windows built the way app.py builds them (but with fast retries and no real environment).

Tests here are plain (sync) functions: they click and poll with qtbot.waitUntil. Never call
qtbot.wait* inside an `async def` test: the nested Qt loop does not step asyncio tasks, and the
runner's teardown then hangs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import SANDBOX_PROFILE, open_main_window, sandbox_profile
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.settings import SettingsStore
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.storage.window_state import WindowStateStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.window.main_window import MainWindow

WAIT_MS = 10_000
# Loops and windows of finished tests are kept alive to the end of the session. They sit in
# reference cycles, so the cyclic GC frees them, and it runs in whichever thread happens to be
# allocating: a QObject deleted from a worker thread (an executor or the sandbox) leaves its
# Qt timers registered in the main thread, and the next timer event crashes the process.
_KEEP: list[Any] = []


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    # already_running=True: qtbot pumps Qt, and without it asyncio would see no running loop.
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    loop.stop()
    loop.close()
    asyncio.set_event_loop(None)
    # already_running=True registered the loop as asyncio's *running* loop (a private call in
    # qasync); undo that too, or the next ensure_future() would pick this closed loop.
    asyncio.events._set_running_loop(None)
    _reset_quit_flag(qapp)
    _KEEP.append(loop)


def _reset_quit_flag(app: QApplication) -> None:
    """qasync's stop() calls QApplication.exit(). With no exec() running, that leaves Qt's
    "quit now" flag set, and from then on every nested QEventLoop.exec() (which qtbot.wait and
    waitUntil use) returns at once without delivering a single timer: the next test's tasks
    never run. Qt clears the flag when an exec() returns, so run one that ends immediately."""
    QTimer.singleShot(0, app.quit)
    app.exec()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


async def no_sleep(_seconds: float) -> None:
    """Retries without the backoff wait, so a retried 500 takes milliseconds."""
    await asyncio.sleep(0)


def client_factory(base_url: str | None, credentials: Credentials | None) -> StreamClient:
    return StreamClient(credentials, base_url=base_url, env={}, sleep=no_sleep)


def by_name(window: QWidget, cls: type[Any], name: str) -> Any:
    """A widget by its automation objectName; fails loudly when the contract is broken."""
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: Any, qloop: qasync.QEventLoop, sandbox: Sandbox) -> Iterator[WindowFactory]:
    """Build a window. By default it is what `cfstream-gui --sandbox` shows; pass
    `use_sandbox_profile=False` to start from the saved profiles and the keyring instead, and
    `settings` for settings other than the defaults."""
    windows: list[MainWindow] = []

    def make(
        *,
        use_sandbox_profile: bool = True,
        form_store: FormStore | None = None,
        env: dict[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        settings: SettingsStore | None = None,
        window_state: WindowStateStore | None = None,
    ) -> MainWindow:
        env = {} if env is None else env
        window = open_main_window(
            profiles=ProfileStore(),  # the isolated config dir, via CFSTREAM_CONFIG_DIR
            secrets=SecretStore(),
            client_factory=client_factory,
            form_store=form_store or FormStore(),
            clock=clock,
            extra_profiles=[sandbox_profile(sandbox)] if use_sandbox_profile else [],
            session_tokens={SANDBOX_PROFILE: sandbox.DEMO_API_TOKEN} if use_sandbox_profile else {},
            prefer_profile=SANDBOX_PROFILE if use_sandbox_profile else None,
            env=env,
            settings=settings,
            window_state=window_state,
        )
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        close_window(qtbot, window)
    _KEEP.extend(windows)


def close_window(qtbot: Any, window: MainWindow) -> None:
    """Close the window and wait until it has finished closing (request cancelled, clients
    closed)."""
    if not window.is_shut_down():
        window.close()
        qtbot.waitUntil(window.is_shut_down, timeout=WAIT_MS)


def saved_sandbox_profile(sandbox: Sandbox, name: str = "work") -> Profile:
    """A real, saved profile that happens to point at the sandbox (its token goes to the
    keyring like any other)."""
    profile = Profile(
        name=name,
        account_id=sandbox.DEMO_ACCOUNT_ID,
        customer_code=sandbox.DEMO_CUSTOMER_CODE,
        api_base_url=sandbox.base_url,
    )
    ProfileStore().save(profile)
    return profile
