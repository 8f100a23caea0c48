"""Where the real app starts (`app.main`): on an empty config, the built-in sandbox, labelled as
a demo and offering to add an account; with CLOUDFLARE_ACCOUNT_ID (and the token and base URL
variables), on a profile for that account, as the CLI does; and a normal start never loads the
sandbox at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cfstream_gui import app
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.account.panel import SANDBOX_NOTE
from cfstream_gui.ui.window.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]


def run_app_until(check: Callable[[MainWindow], bool], seen: dict[str, Any]) -> None:
    """Run `app.main([])`, polling `check(window)` until it holds (or ten seconds pass), then
    close the window."""
    polls = {"left": 200}

    def poll() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible()), None)
        polls["left"] -= 1
        if window is not None and (check(window) or polls["left"] <= 0):
            seen["done"] = polls["left"] > 0
            window.close()
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    assert app.main([]) == 0


def test_an_empty_config_opens_on_the_sandbox_labelled_as_a_demo(qapp: QApplication) -> None:
    seen: dict[str, Any] = {}

    def look(window: MainWindow) -> bool:
        seen["profile"] = window.account.profile_name()
        seen["note"] = window.account.sandboxNote.isVisible()
        seen["text"] = window.account.sandboxNoteLabel.text()
        seen["add"] = window.account.addAccountButton.isVisible()
        seen["video"] = window.form.videoIdEdit.text()
        return True

    run_app_until(look, seen)
    assert seen["profile"] == "sandbox"
    assert seen["note"] and seen["text"] == SANDBOX_NOTE
    assert "tokens do not play on Cloudflare" in seen["text"]
    assert seen["add"]
    assert len(seen["video"]) == 32  # a demo video to try at once
    assert FormStore().load() is None  # the demo leaves no saved form behind


def test_an_account_in_the_environment_starts_on_it_like_the_cli(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    with Sandbox() as sandbox:
        monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", sandbox.DEMO_ACCOUNT_ID)
        monkeypatch.setenv("CLOUDFLARE_API_TOKEN", sandbox.DEMO_API_TOKEN)
        monkeypatch.setenv("CLOUDFLARE_BASE_URL", sandbox.base_url)

        def verified(window: MainWindow) -> bool:
            seen["profile"] = window.account.profile_name()
            seen["account"] = window.account.account_id()
            seen["note"] = window.account.sandboxNote.isVisible()
            if not seen.get("clicked") and window.account.verifyButton.isEnabled():
                seen["clicked"] = True
                window.account.verifyButton.click()
            status = str(window.account.verifyStatusLabel.property("status"))
            seen["status"] = status
            return status == "active"

        run_app_until(verified, seen)
        asked = [r.path for r in sandbox.requests]
    assert seen["done"], seen
    assert seen["profile"] == "default" and seen["account"] == Sandbox.DEMO_ACCOUNT_ID
    assert not seen["note"]
    assert any(path.endswith("/tokens/verify") for path in asked)  # the env's base URL and token


def test_a_normal_start_never_imports_the_sandbox(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    profile = {"account_id": "023e105f4ecef8ad9ca31a8372d0c353"}
    (config / "profiles.json").write_text(
        json.dumps({"version": 1, "current": "work", "profiles": {"work": profile}})
    )
    script = (
        "import sys, os\n"
        "from cfstream_gui import app\n"
        "assert app.start_sandbox(False, os.environ) is None\n"
        "print('sandbox' if 'cfstream_gui.sandbox' in sys.modules else 'clean')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    env.update(CFSTREAM_CONFIG_DIR=str(config), PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "clean"
