"""Render the main window offscreen against the sandbox and save the screenshots the docs use.

    python scripts/screenshots.py [OUTPUT_DIR]      (default: docs/screenshots)

Writes main-empty.png, main-rules.png, main-token.png, main-error.png, main-local-signing.png
and main-request-preview.png. Nothing touches the user's config dir or keyring: the config dir is a
temporary one, the keyring is the null backend, the sandbox profile's signing key lives in the
window's in-memory session keyring, and the only API token is the sandbox's obviously fake demo
token (masked on screen).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

# isort: split
import qasync  # after PySide6

from cfstream_gui.app import build_window
from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.ui.window.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
SETTLE_SECONDS = 0.3  # long enough for layouts, the keyring probe and repaints


async def settle() -> None:
    await asyncio.sleep(SETTLE_SECONDS)
    QApplication.processEvents()


def save(window: MainWindow, out_dir: Path, name: str) -> Path:
    path = out_dir / name
    if not window.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def fill_rules(window: MainWindow, video: str) -> None:
    """Three rules where the last leaves a gap the linter warns about (no final block)."""
    window.form.videoIdEdit.setText(video)
    window.form.expiry.set_value(int(time.time()) + 6 * 3600)
    window.form.rulesEditor.set_rules(
        [
            AccessRule("allow", "ip.geoip.country", ("US", "CA")),
            AccessRule("allow", "ip.src", ("198.51.100.0/24",)),
            AccessRule("allow", "ip.geoip.country", ("DE",)),
        ]
    )


async def shoot(window: MainWindow, sandbox: Sandbox, out_dir: Path) -> None:
    video = sandbox.video_uids(signed=True)[0]
    await settle()
    save(window, out_dir, "main-empty.png")

    fill_rules(window, video)
    await settle()
    save(window, out_dir, "main-rules.png")

    await window.controller.create()
    await settle()
    if not window.result.token():
        raise SystemExit(f"the create failed: {window.banner.message()}")
    save(window, out_dir, "main-token.png")

    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))
    await window.controller.create()
    await settle()
    if "rate limit" not in window.banner.message():
        raise SystemExit(f"expected the rate-limit banner, got: {window.banner.message()!r}")
    save(window, out_dir, "main-error.png")

    await sign_locally(window)
    save(window, out_dir, "main-local-signing.png")

    window.form.preview.showRequestToggle.setChecked(True)
    await settle()
    save(window, out_dir, "main-request-preview.png")


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


async def close(window: MainWindow) -> None:
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(finished)
    window.close()
    await closed


def isolate() -> None:
    """Before the QApplication and the keyring are first used: no display needed, and neither
    the user's config dir nor their keyring is touched."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    os.environ["CFSTREAM_CONFIG_DIR"] = tempfile.mkdtemp(prefix="cfstream-screenshots-")
    for leaky in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_BASE_URL"):
        os.environ.pop(leaky, None)


def main(argv: list[str]) -> int:
    isolate()
    out_dir = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["screenshots"])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with Sandbox() as sandbox, loop:
        window = build_window(sandbox, os.environ)
        window.show()
        try:
            loop.run_until_complete(shoot(window, sandbox, out_dir))
        finally:
            loop.run_until_complete(close(window))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
