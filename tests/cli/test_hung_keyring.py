"""A keyring that never answers (an unlock prompt nobody sees): the command says so and the
process ends, in a real child process with the hanging backend selected the way a user's
keyringrc would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
VIDEO = "ea95132c15732412d22c1476fa83f27a"


def run_cli(*argv: str, config_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    env.update(
        PYTHON_KEYRING_BACKEND="tests.support.hanging_keyring.HangingKeyring",
        CFSTREAM_KEYRING_TIMEOUT="0.5",
        CFSTREAM_CONFIG_DIR=str(config_dir),
        CLOUDFLARE_ACCOUNT_ID=ACCOUNT,
        PYTHONPATH=str(REPO),
    )
    # The outer timeout is the test's guard against the very hang it looks for.
    return subprocess.run(
        [sys.executable, "-m", "cfstream_gui.cli", *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "argv",
    [("create", VIDEO), ("logout", "--profile", "work"), ("keys", "create")],
    ids=["create reads the token", "logout deletes it", "keys create reads it"],
)
def test_a_hung_keyring_is_a_sentence_and_the_process_ends(
    argv: tuple[str, ...], config_dir: Path
) -> None:
    done = run_cli(*argv, config_dir=config_dir)

    assert done.returncode == 5, done.stderr
    assert "did not answer in time" in done.stderr
    assert "CLOUDFLARE_API_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr
