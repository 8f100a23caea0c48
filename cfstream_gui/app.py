"""Start the desktop app: the QApplication, the main window, and the qasync event loop.

Everything the window needs is built here and wired into its controller (profiles, secrets,
API clients behind the one token service, the saved form, the clock); nothing below looks
anything up globally.

Start-up shows the window first. This module imports only Qt and the window's widgets; the
window is built and painted (`show_first`), and only then are the event loop, the controller,
the core services and the sandbox loaded and wired (`_run`). httpx, the keyring, PyJWT,
cryptography, pycountry and the dialogs load later still, when first used.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from cfstream_gui import APP_ID, APP_NAME, __version__
from cfstream_gui.core.storage.window_state import WindowStateStore
from cfstream_gui.ui.common.theme import follow_color_scheme
from cfstream_gui.ui.crash_handler import CrashHandler
from cfstream_gui.ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from cfstream_gui.core.clients import ClientFactory
    from cfstream_gui.core.settings import SettingsStore
    from cfstream_gui.core.storage.form_state import FormStore
    from cfstream_gui.core.storage.profiles import Profile, ProfileStore
    from cfstream_gui.core.storage.secrets import SecretStore
    from cfstream_gui.sandbox import Sandbox

SANDBOX_PROFILE = "sandbox"
# Built from the top-level resources/ folder (docs/architecture.md).
RESOURCES_PACKAGE = "cfstream_gui.resources"
# The longest wait for the first paint before loading the rest anyway: a window started
# minimised, or on a display that never exposes it, must not hold up the start.
FIRST_PAINT_LIMIT_MS = 1000

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cfstream-gui", description="Cloudflare Stream signed-URL tokens"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use the built-in local sandbox, no account needed",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="make a token against the built-in sandbox in the real window, then exit 0 "
        "(offscreen when there is no display; non-zero with a sentence on failure)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


def sandbox_profile(sandbox: Sandbox) -> Profile:
    """The throwaway profile for --sandbox: never saved, its demo token kept in memory."""
    from cfstream_gui.core.storage.profiles import Profile

    return Profile(
        name=SANDBOX_PROFILE,
        account_id=sandbox.DEMO_ACCOUNT_ID,
        customer_code=sandbox.DEMO_CUSTOMER_CODE,
        api_base_url=sandbox.base_url,
        # The sandbox serves the playback links itself, so Preview opens a page that says
        # whether the token would play, and why not.
        delivery_base_url=sandbox.delivery_base,
    )


def open_main_window(
    *,
    profiles: ProfileStore,
    secrets: SecretStore,
    client_factory: ClientFactory,
    form_store: FormStore,
    clock: Callable[[], float] = time.time,
    extra_profiles: Sequence[Profile] = (),
    session_tokens: Mapping[str, str] | None = None,
    prefer_profile: str | None = None,
    env: Mapping[str, str] | None = None,
    session_secrets: SecretStore | None = None,
    settings: SettingsStore | None = None,
    window_state: WindowStateStore | None = None,
    window: MainWindow | None = None,
) -> MainWindow:
    """The main window (the view) with its controller (which owns what it does), wired and
    showing the profiles and the restored form. `session_secrets` holds the signing keys of
    session-only profiles (the sandbox's), so they never reach `secrets`' keyring. `settings`
    is where the settings are kept (None: the defaults, in memory). The window opens where
    `window_state` remembers it, if that still fits a screen. `window`: one already on screen
    (see `main`), else a new one."""
    from cfstream_gui.core.clients import ClientPool
    from cfstream_gui.core.token_service import TokenService
    from cfstream_gui.ui.window.controller import WindowController

    if window is None:
        window = MainWindow(clock=clock, window_state=window_state)
    controller = WindowController(
        window,
        service=TokenService(ClientPool(client_factory), profiles=profiles, clock=clock),
        profiles=profiles,
        form_store=form_store,
        secrets=secrets,
        session_secrets=session_secrets,
        env=env,
        clock=clock,
        settings=settings,
        parent=window,
    )
    window.attach(controller)
    controller.start(extra_profiles, session_tokens, prefer_profile)
    return window


def build_window(
    sandbox: Sandbox | None, env: Mapping[str, str], window: MainWindow | None = None
) -> MainWindow:
    """The window as a user's start makes it (`window`: one already shown, to wire)."""
    from cfstream_gui.core.clients import default_factory
    from cfstream_gui.core.settings import SettingsStore
    from cfstream_gui.core.storage.form_state import FormStore, SessionFormStore
    from cfstream_gui.core.storage.profiles import ProfileStore
    from cfstream_gui.core.storage.secrets import SecretStore, keyring_timeout

    extra: list[Profile] = []
    tokens: dict[str, str] = {}
    session_secrets: SecretStore | None = None
    if sandbox is not None:
        from cfstream_gui.core.storage.memory_keyring import MemoryKeyring

        extra.append(sandbox_profile(sandbox))
        tokens[SANDBOX_PROFILE] = sandbox.DEMO_API_TOKEN
        # Keys made or imported for the sandbox profile live in memory for this session only:
        # the sandbox never touches the real keyring.
        session_secrets = SecretStore(backend=MemoryKeyring())
    window = open_main_window(
        profiles=ProfileStore(env=env),
        secrets=SecretStore(timeout=keyring_timeout(env)),
        client_factory=default_factory(env),
        # A sandbox session keeps its form in memory: the user's real last form stays as it was.
        form_store=FormStore(env=env) if sandbox is None else SessionFormStore(),
        clock=time.time,
        extra_profiles=extra,
        session_tokens=tokens,
        prefer_profile=SANDBOX_PROFILE if sandbox is not None else None,
        env=env,
        session_secrets=session_secrets,
        # Preferences, not account data: the sandbox session reads and keeps them too.
        settings=SettingsStore(env=env),
        window_state=WindowStateStore(env=env),
        window=window,
    )
    if sandbox is not None:
        offer_a_demo_video(window, sandbox)
    return window


def offer_a_demo_video(window: MainWindow, sandbox: Sandbox) -> None:
    """A first-time user in the sandbox does not know any video ID: start from a demo video
    that needs a signed URL (the sandbox knows no other videos, so a restored one from a real
    account would only get "not found")."""
    video = window.form.videoIdEdit
    known = {str(v["uid"]) for v in sandbox.videos}
    if video.text().strip() not in known:
        video.setText(sandbox.video_uids(signed=True)[0])
    names = ", ".join(sorted(known)[:2])
    video.setPlaceholderText(f"A sandbox demo video ID, e.g. {names}")


def start_sandbox(asked: bool, env: Mapping[str, str]) -> Sandbox | None:
    """The built-in sandbox, running, when asked for (--sandbox) or on a first run: nothing
    saved and no account in the environment (`core.accounts.first_run`). None otherwise, and
    then the sandbox is not even imported."""
    from cfstream_gui.core.accounts.first_run import start_choice
    from cfstream_gui.core.storage.profiles import ProfileStore

    if not start_choice(ProfileStore(env=env), env, sandbox_asked=asked).uses_sandbox:
        return None
    from cfstream_gui.sandbox import Sandbox

    return Sandbox().start()


def _application(args_list: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = (
        existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *args_list])
    )
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    follow_color_scheme(app)  # light or dark, as the system is, and as it changes
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def app_icon() -> QIcon:
    """The window icon, drawn from the SVG in cfstream_gui.resources at whatever size Qt needs."""
    try:
        svg = resources.files(RESOURCES_PACKAGE) / f"{APP_ID}.svg"
    except ModuleNotFoundError:
        svg = None
    # Qt opens the file by name when it first draws the icon, so it must be a plain file, as it
    # is in a wheel, an editable install and a PyInstaller bundle.
    if not (isinstance(svg, Path) and svg.is_file()):
        # A cosmetic loss only: the app works without it.
        log.warning("no app icon: %s.svg not found in %s", APP_ID, RESOURCES_PACKAGE)
        return QIcon()
    return QIcon(str(svg))


class _PaintWatch(QObject):
    """Ends `loop` at the first paint of the widget it watches."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self._loop = loop
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            self._loop.quit()
        return False


def show_first(window: MainWindow, limit_ms: int | None = None) -> bool:
    """Show `window` and return once it has painted (or after `limit_ms`, by default
    `FIRST_PAINT_LIMIT_MS`): whether it did.

    User input is held back meanwhile (queued by Qt, not dropped), so nothing typed or clicked
    reaches a window whose controller is not there yet."""
    loop = QEventLoop()
    watch = _PaintWatch(loop)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    window.installEventFilter(watch)
    try:
        window.show()
        if not watch.painted:
            limit.start(FIRST_PAINT_LIMIT_MS if limit_ms is None else limit_ms)
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        limit.stop()
        window.removeEventFilter(watch)
    return watch.painted


def main(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code. Reuses a QApplication that already exists."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(args_list)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.self_test:
        from cfstream_gui.self_test import run_self_test  # only this option needs it

        return run_self_test(args_list)
    from cfstream_gui.display import missing_display

    if (no_display := missing_display(os.environ)) is not None:
        print(no_display, file=sys.stderr)  # rather than Qt's abort about xcb-cursor0
        return 1
    app = _application(args_list)
    # We end the loop when the window has finished closing (its API clients closed), not when
    # Qt sees the last window go.
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    window = MainWindow(clock=time.time, window_state=WindowStateStore(env=os.environ))
    crash = CrashHandler(secrets=lambda: _secrets_in_use(window), parent=lambda: window)
    crash.install()
    try:
        show_first(window)
        return _run(app, window, os.environ, with_sandbox=args.sandbox)
    finally:
        crash.uninstall()
        app.setQuitOnLastWindowClosed(quit_on_close)


def _secrets_in_use(window: MainWindow) -> list[str]:
    return window.controller.secrets_in_use() if window.is_attached() else []


def _run(
    app: QApplication, window: MainWindow, env: Mapping[str, str], *, with_sandbox: bool
) -> int:
    """Wire the window on screen to its controller and run the event loop until it closes."""
    import asyncio
    import gc

    # PySide6 is imported already, so qasync binds to it rather than probing other bindings.
    import qasync

    sandbox = start_sandbox(with_sandbox, env)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        build_window(sandbox, env, window)
        closed = loop.create_future()
        window.closed.connect(lambda: closed.done() or closed.set_result(None))
        with loop:
            loop.run_until_complete(closed)
    finally:
        asyncio.set_event_loop(None)
        if sandbox is not None:
            sandbox.stop()
        # The loop and the window sit in reference cycles. Free them here, on the thread that
        # owns their QObjects: the cyclic GC may otherwise run on a worker thread later, and a
        # QObject deleted there leaves dangling Qt timers behind.
        del loop
        gc.collect()
    return 0
