"""Closing the window always ends the process, even while the keyring never answers (an
unlock prompt nobody sees) and the Signing keys dialog is waiting on it (issue 8, defect 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_closing_ends_the_process_while_the_keyring_hangs(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    # A saved profile, so the window asks the keyring for its API token and its keys.
    profile = {"name": "work", "account_id": "023e105f4ecef8ad9ca31a8372d0c353"}
    (config / "profiles.json").write_text(
        json.dumps({"version": 1, "current": "work", "profiles": {"work": profile}})
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="tests.support.hanging_keyring.HangingKeyring",
        # Far longer than the test may take: only closing properly can end the process.
        CFSTREAM_KEYRING_TIMEOUT="3600",
        CFSTREAM_CONFIG_DIR=str(config),
        XDG_STATE_HOME=str(tmp_path / "state"),
        PYTHONPATH=str(REPO),
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "support" / "close_with_hung_keyring.py")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,  # the guard: a hang fails here
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "keys dialog opened" in done.stdout
    assert "main returned 0" in done.stdout
    assert "Traceback" not in done.stderr
