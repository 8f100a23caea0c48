"""Render the dialogs around a token to docs/screenshots/tools-*.png: the token inspector, the
viewer simulator, the playback check and Copy as code, the same bytes every run
(scripts/screenshot_kit.py pins the clock, the keys, the screen and the palette).

    python scripts/screenshots_tools.py [--out-dir docs/screenshots] [--theme light|dark]

Each is opened from the real window, against a throwaway sandbox whose profile keeps its
delivery base, so the playback check asks the sandbox's edge and never the internet. The token
is signed here with a signing key made on the sandbox account (seeded, so the token repeats);
no loopback port reaches a picture, since the playback check is given the bare token.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

import screenshot_kit as kit
from PySide6.QtWidgets import QApplication, QDialog

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import SANDBOX_PROFILE, open_main_window, sandbox_profile
from cfstream_gui.core.clients import default_factory
from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.settings import MemorySettingsStore
from cfstream_gui.core.storage.form_state import SessionFormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.window.main_window import MainWindow

SETTLE_SECONDS = 0.3  # long enough for layouts and repaints
# The second rule draws a lint (one address: mobile viewers change theirs mid-playback).
TOKEN_RULES = [
    AccessRule("allow", "ip.geoip.country", ("US", "CA")),
    AccessRule("allow", "ip.src", ("203.0.113.7",)),
    AccessRule("block", "any"),
]
FORM_RULES = [
    AccessRule("allow", "ip.geoip.country", ("US", "CA")),
    AccessRule("block", "ip.src", ("2001:db8:bad::/48", "192.0.2.0/24")),
    AccessRule("allow", "ip.src", ("2001:db8::/32",)),
    AccessRule("block", "any"),
]


async def settle() -> None:
    await asyncio.sleep(SETTLE_SECONDS)
    QApplication.processEvents()


async def until(condition: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise SystemExit(f"{what} never happened")


def build_window(sandbox: Sandbox) -> MainWindow:
    """What `cfstream-gui --sandbox` shows, on the fixed clock."""
    return open_main_window(
        profiles=ProfileStore(),
        secrets=SecretStore(timeout=5),
        client_factory=default_factory({}),
        form_store=SessionFormStore(),
        clock=kit.fixed_clock,
        extra_profiles=[sandbox_profile(sandbox)],
        session_tokens={SANDBOX_PROFILE: sandbox.DEMO_API_TOKEN},
        prefer_profile=SANDBOX_PROFILE,
        env={},
        session_secrets=SecretStore(backend=MemoryKeyring()),
        settings=MemorySettingsStore(),
    )


async def sign_here(window: MainWindow, sandbox: Sandbox) -> str:
    """A signing key made on the sandbox account (held in the session keyring), and a token
    signed here with it for a video that needs one."""
    key = await (await window.controller.keys.key_service()).create()
    engines = window.form.signing.signingEngineCombo
    engines.setCurrentIndex(engines.findData(SigningEngine.LOCAL.value))
    window.controller.keys.refresh()
    window.form.signing.want_key(key.key_id)
    await until(lambda: window.form.key_id() == key.key_id, "the new key in the selector")
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    window.form.expiry.set_value(int(kit.NOW) + 6 * 3600)
    window.form.rulesEditor.set_rules(TOKEN_RULES)
    await window.controller.create()
    if not window.result.token():
        raise SystemExit(f"local signing failed: {window.banner.message()}")
    return window.result.token()


async def shoot(dialog: QDialog, shots: kit.Shots, name: str) -> None:
    await settle()
    shots.save(dialog, name)


async def tool_shots(window: MainWindow, sandbox: Sandbox, shots: kit.Shots) -> None:
    token = await sign_here(window, sandbox)
    tools = window.tools()

    inspector = tools.open_inspector(token)
    await until(lambda: "which is held here" in inspector.view.text("Signature"), "verified")
    inspector.simulator.viewer.set_viewer("2001:db8::1", "DE")
    await shoot(inspector, shots, "tools-inspector")
    inspector.reject()

    playback = tools.open_playback(token)
    playback.panel.viewer.set_viewer("", "US")
    playback.panel.check()
    await until(lambda: not playback.panel.is_busy(), "the playback check")
    await shoot(playback, shots, "tools-playback")
    playback.panel.viewer.set_viewer("2001:db8::1", "DE")
    playback.panel.check()
    await until(lambda: not playback.panel.is_busy(), "the second playback check")
    await shoot(playback, shots, "tools-playback-blocked")
    playback.reject()

    window.form.rulesEditor.set_rules(FORM_RULES)
    simulator = tools.open_simulator()
    simulator.panel.viewer.set_viewer("2001:db8:bad::7", "DE")
    await shoot(simulator, shots, "tools-simulator")
    simulator.reject()

    snippets = tools.open_snippets()
    await shoot(snippets, shots, "tools-copy-as-code")
    snippets.reject()


async def close(window: MainWindow) -> None:
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(finished)
    window.close()
    await closed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=kit.DEFAULT_OUT)
    parser.add_argument("--theme", choices=kit.THEMES, default="light")
    args = parser.parse_args()
    kit.prepare(args.theme)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    app = kit.application(args.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    keys = kit.seeded_key_source("tools-dialogs")
    with Sandbox(clock=kit.fixed_clock, keys=keys) as sandbox, loop:
        window = build_window(sandbox)
        kit.fit_screen(window)
        window.show()
        try:
            loop.run_until_complete(
                tool_shots(window, sandbox, kit.Shots(args.out_dir, args.theme))
            )
        finally:
            loop.run_until_complete(close(window))


if __name__ == "__main__":
    main()
