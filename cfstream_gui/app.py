"""Start the desktop app: the QApplication, the qasync event loop, and the main window.

Everything the window needs is built here and wired into its controller (profiles, secrets,
API clients behind the one token service, the saved form, the clock); nothing below looks
anything up globally.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

# isort: split
import qasync  # after PySide6, so qasync binds to it rather than probing other Qt bindings

from cfstream_gui import APP_ID, APP_NAME, __version__
from cfstream_gui.core.clients import ClientFactory, ClientPool, default_factory
from cfstream_gui.core.settings import SettingsStore
from cfstream_gui.core.storage.form_state import FormStore, SessionFormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore, keyring_timeout
from cfstream_gui.core.storage.window_state import WindowStateStore
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.ui.common.theme import follow_color_scheme
from cfstream_gui.ui.crash_dialog import CrashHandler
from cfstream_gui.ui.window.controller import WindowController
from cfstream_gui.ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from cfstream_gui.sandbox import Sandbox  # loaded only when one runs (start_sandbox)

SANDBOX_PROFILE = "sandbox"
# Built from the top-level resources/ folder (docs/architecture.md).
RESOURCES_PACKAGE = "cfstream_gui.resources"

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
) -> MainWindow:
    """The main window (the view) with its controller (which owns what it does), wired and
    showing the profiles and the restored form. `session_secrets` holds the signing keys of
    session-only profiles (the sandbox's), so they never reach `secrets`' keyring. `settings`
    is where the settings are kept (None: the defaults, in memory). The window opens where
    `window_state` remembers it, if that still fits a screen."""
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


def build_window(sandbox: Sandbox | None, env: Mapping[str, str]) -> MainWindow:
    extra: list[Profile] = []
    tokens: dict[str, str] = {}
    session_secrets: SecretStore | None = None
    if sandbox is not None:
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
    sandbox = start_sandbox(args.sandbox, os.environ)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # We end the loop when the window has finished closing (its API clients closed), not when
    # Qt sees the last window go.
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    crash = None
    try:
        window = build_window(sandbox, os.environ)
        crash = CrashHandler(secrets=window.controller.secrets_in_use, parent=lambda: window)
        crash.install()
        closed = loop.create_future()
        window.closed.connect(lambda: closed.done() or closed.set_result(None))
        window.show()
        with loop:
            loop.run_until_complete(closed)
    finally:
        if crash is not None:
            crash.uninstall()
        app.setQuitOnLastWindowClosed(quit_on_close)
        asyncio.set_event_loop(None)
        if sandbox is not None:
            sandbox.stop()
        # The loop and the window sit in reference cycles. Free them here, on the thread that
        # owns their QObjects: the cyclic GC may otherwise run on a worker thread later, and a
        # QObject deleted there leaves dangling Qt timers behind.
        del loop
        gc.collect()
    return 0
