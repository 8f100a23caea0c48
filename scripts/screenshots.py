"""Render the main window and the Settings dialog offscreen against the sandbox, the same bytes
every run (scripts/screenshot_kit.py pins the clock, the keys, the screen and the palette).

    python scripts/screenshots.py [OUTPUT_DIR] [--theme light|dark]   (default: docs/screenshots)

Writes main-empty, main-rules, main-token, main-error, main-local-signing,
main-request-preview and settings, as NAME.png (light) or NAME-dark.png. The main window fills
a 1366x768 screen. Nothing touches the user's config dir or keyring: the config dir is a
temporary one, the keyring is the null backend, the sandbox profile's signing key lives in the
window's in-memory session keyring, and the only API token is the sandbox's obviously fake demo
token (masked on screen).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from pathlib import Path

import screenshot_kit as kit
from PySide6.QtWidgets import QApplication, QLineEdit, QSpinBox

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import SANDBOX_PROFILE, offer_a_demo_video, open_main_window, sandbox_profile
from cfstream_gui.core.clients import default_factory
from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.settings import MemorySettingsStore
from cfstream_gui.core.storage.form_state import SessionFormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.ui.settings_dialog import SettingsDialog
from cfstream_gui.ui.window.main_window import MainWindow

SETTLE_SECONDS = 0.3  # long enough for layouts, the keyring probe and repaints


async def settle() -> None:
    await asyncio.sleep(SETTLE_SECONDS)
    QApplication.processEvents()


def build_window(sandbox: Sandbox) -> MainWindow:
    """What `cfstream-gui --sandbox` shows, on the fixed clock, with its links on Cloudflare's
    customer host rather than the sandbox's loopback port (which differs every run)."""
    profile = dataclasses.replace(sandbox_profile(sandbox), delivery_base_url=None)
    window = open_main_window(
        profiles=ProfileStore(),
        secrets=SecretStore(timeout=5),
        client_factory=default_factory({}),
        form_store=SessionFormStore(),
        clock=kit.fixed_clock,
        extra_profiles=[profile],
        session_tokens={SANDBOX_PROFILE: sandbox.DEMO_API_TOKEN},
        prefer_profile=SANDBOX_PROFILE,
        env={},
        session_secrets=SecretStore(backend=MemoryKeyring()),
        settings=MemorySettingsStore(),
    )
    offer_a_demo_video(window, sandbox)
    kit.fit_screen(window)
    return window


def fill_rules(window: MainWindow, video: str) -> None:
    """Three rules where the last leaves a gap the linter warns about (no final block)."""
    window.form.videoIdEdit.setText(video)
    window.form.expiry.set_value(int(kit.NOW) + 6 * 3600)
    window.form.rulesEditor.set_rules(
        [
            AccessRule("allow", "ip.geoip.country", ("US", "CA")),
            AccessRule("allow", "ip.src", ("198.51.100.0/24",)),
            AccessRule("allow", "ip.geoip.country", ("DE",)),
        ]
    )


async def shoot(window: MainWindow, sandbox: Sandbox, shots: kit.Shots) -> None:
    video = sandbox.video_uids(signed=True)[0]
    await settle()
    shots.save(window, "main-empty")

    fill_rules(window, video)
    await settle()
    shots.save(window, "main-rules")

    await window.controller.create()
    await settle()
    if not window.result.token():
        raise SystemExit(f"the create failed: {window.banner.message()}")
    shots.save(window, "main-token")

    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))
    await window.controller.create()
    await settle()
    if "rate limit" not in window.banner.message():
        raise SystemExit(f"expected the rate-limit banner, got: {window.banner.message()!r}")
    shots.save(window, "main-error")

    await sign_locally(window)
    shots.save(window, "main-local-signing")

    window.form.preview.showRequestToggle.setChecked(True)
    await settle()
    shots.save(window, "main-request-preview")

    await settings_shot(window, shots)


async def sign_locally(window: MainWindow) -> None:
    """A signing key made on the sandbox account (kept in the session keyring), the local
    engine chosen, the request preview open, and a token signed here."""
    sandbox_keys = await window.controller.keys.key_service()
    key = await sandbox_keys.create()
    window.controller.keys.refresh()
    window.form.signing.want_key(key.key_id)
    for _ in range(100):
        if key.key_id in window.form.signing.key_ids():
            break
        await asyncio.sleep(0.02)
    else:
        raise SystemExit("the new signing key never reached the key selector")
    window.banner.clear()
    engines = window.form.signing.signingEngineCombo
    engines.setCurrentIndex(engines.findData(SigningEngine.LOCAL.value))
    window.form.rulesEditor.set_rules(
        [AccessRule("allow", "ip.geoip.country", ("US", "CA")), AccessRule("block", "any")]
    )
    await window.controller.create()
    await settle()
    if window.banner.isVisible():
        raise SystemExit(f"local signing failed: {window.banner.message()}")


async def settings_shot(window: MainWindow, shots: kit.Shots) -> None:
    """Edit → Settings… with a default expiry, auto-clear on, and a link host template that
    is refused (http for a host that is not this computer), to show the inline message."""
    window.menu_actions.settings.trigger()
    dialog = window.settings_dialog
    if not isinstance(dialog, SettingsDialog):
        raise SystemExit("Edit → Settings… opened no Settings dialog")
    edits = {
        "defaultExpirySetting": "2h",
        "urlHostTemplateSetting": "http://stream-{code}.example.com",
    }
    for name, text in edits.items():
        edit = dialog.findChild(QLineEdit, name)
        if edit is None:
            raise SystemExit(f"the Settings dialog has no {name}")
        edit.setText(text)
    seconds = dialog.findChild(QSpinBox, "clipboardClearSecondsSetting")
    if seconds is None:
        raise SystemExit("the Settings dialog has no clipboardClearSecondsSetting")
    seconds.setValue(30)
    await settle()
    shots.save(dialog, "settings")
    dialog.reject()


async def close(window: MainWindow) -> None:
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(finished)
    window.close()
    await closed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=kit.DEFAULT_OUT)
    parser.add_argument("--theme", choices=kit.THEMES, default="light")
    args = parser.parse_args(argv)
    kit.prepare(args.theme)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    app = kit.application(args.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    keys = kit.seeded_key_source("main-window")
    with Sandbox(clock=kit.fixed_clock, keys=keys) as sandbox, loop:
        window = build_window(sandbox)
        window.show()
        try:
            shots = kit.Shots(args.out_dir, args.theme)
            loop.run_until_complete(shoot(window, sandbox, shots))
        finally:
            loop.run_until_complete(close(window))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
