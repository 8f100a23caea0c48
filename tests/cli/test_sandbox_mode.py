"""`--sandbox` and `cfstream-token sandbox`, in-process and through the real console script."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.state import demo_videos
from tests.cli.conftest import Run

SCRIPT = Path(sys.executable).with_name("cfstream-token")
SIGNED_UID = next(v["uid"] for v in demo_videos() if v["requireSignedURLs"] and v["readyToStream"])


def script_env(config_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    # This checkout's code, not whichever one the console script was installed from.
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["CFSTREAM_CONFIG_DIR"] = str(config_dir)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def test_sandbox_create_prints_a_token_and_saves_nothing(
    cli: Run, config_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    result = cli("--sandbox", "create", SIGNED_UID, "--rule", "allow country US,CA")

    assert result.code == 0, result.err
    token = result.out.strip()
    assert result.out == token + "\n"
    claims = decode_token(token).claims
    assert claims["sub"] == SIGNED_UID
    assert claims["accessRules"][0]["country"] == ["US", "CA"]
    assert "using the local sandbox" in result.err
    assert not config_dir.exists() or not any(config_dir.iterdir())
    assert memory_keyring.store == {}


def test_sandbox_create_ignores_saved_credentials(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real-looking set-up must not leak into a sandbox run, nor the other way round.
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "a-real-token-for-real-cloudflare")
    cli("profiles", "add", "real", "--account", "0123456789abcdef0123456789abcdef", "--use")

    result = cli("--sandbox", "create", SIGNED_UID, "-o", "json", "--downloadable")

    assert result.code == 0, result.err
    doc = json.loads(result.out)
    code = Sandbox.DEMO_CUSTOMER_CODE
    assert doc["urls"]["mp4"].startswith(f"https://customer-{code}.cloudflarestream.com/")
    assert "a-real-token" not in result.err


@pytest.mark.parametrize("output", ["watch", "json"])
def test_one_shot_links_say_they_are_examples(cli: Run, output: str) -> None:
    result = cli("--sandbox", "create", SIGNED_UID, "-o", output)

    assert result.code == 0, result.err
    code = Sandbox.DEMO_CUSTOMER_CODE
    assert f"https://customer-{code}.cloudflarestream.com/" in result.out
    assert "links are examples on Cloudflare's host" in result.err
    assert "sandbox --profile NAME" in result.err


def test_one_shot_token_output_has_no_links_to_explain(cli: Run) -> None:
    result = cli("--sandbox", "create", SIGNED_UID)

    assert result.code == 0, result.err
    assert "examples" not in result.err


def test_sandbox_create_validates_like_the_real_thing(cli: Run) -> None:
    result = cli("--sandbox", "create", SIGNED_UID, "--exp", "2d")

    assert result.code == 2
    assert "24 hours" in result.err
    assert result.out == ""


def test_console_script_sandbox_create(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SCRIPT), "--sandbox", "create", SIGNED_UID],
        env=script_env(tmp_path / "config"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert decode_token(done.stdout.strip()).claims["sub"] == SIGNED_UID
    assert done.stdout.count("\n") == 1
    assert not (tmp_path / "config").exists()


def test_console_script_help_and_module_entry(tmp_path: Path) -> None:
    env = script_env(tmp_path / "config")
    help_run = subprocess.run(
        [str(SCRIPT), "create", "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert help_run.returncode == 0
    assert "--rule RULE" in help_run.stdout
    assert "allow country US,MX" in help_run.stdout

    module_run = subprocess.run(
        [sys.executable, "-m", "cfstream_gui.cli", "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert module_run.returncode == 0
    assert module_run.stdout.startswith("cfstream-token ")


def test_sandbox_command_runs_until_ctrl_c(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(SCRIPT), "sandbox"],
        env=script_env(tmp_path / "config"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = []
        for line in proc.stdout:
            banner.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(banner)
        base_url = text.split("running at ", 1)[1].split()[0]

        # While it runs, another process can use it with the printed credentials.
        env = script_env(tmp_path / "config")
        env.update(CLOUDFLARE_BASE_URL=base_url, CLOUDFLARE_API_TOKEN=Sandbox.DEMO_API_TOKEN)
        used = subprocess.run(
            [str(SCRIPT), "create", SIGNED_UID, "--account", Sandbox.DEMO_ACCOUNT_ID],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert used.returncode == 0, used.stderr
        assert decode_token(used.stdout.strip()).claims["sub"] == SIGNED_UID

        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert proc.returncode == 0, err
    assert "Traceback" not in err
    for expected in (
        Sandbox.DEMO_ACCOUNT_ID,
        Sandbox.DEMO_API_TOKEN,
        Sandbox.DEMO_CUSTOMER_CODE,
        SIGNED_UID,
        "cfstream-token create",
        "cfstream-token sandbox --profile play",  # the way to keep using it across commands
    ):
        assert expected in text
    assert not (tmp_path / "config").exists()  # without --profile, nothing is saved


def test_sandbox_command_on_a_busy_port_is_2(cli: Run) -> None:
    with Sandbox() as busy:
        port = busy.base_url.rsplit(":", 1)[1].split("/")[0]
        result = cli("sandbox", "--port", port)

    assert result.code == 2
    assert f"port {port}" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["create", SIGNED_UID, "--sandbox"],
        ["create", "--sandbox", SIGNED_UID, "-o", "json"],
        ["keys", "create", "--sandbox"],
        ["keys", "--sandbox", "list"],
    ],
)
def test_sandbox_after_the_subcommand_means_the_same(
    cli: Run, config_dir: Path, memory_keyring: MemoryKeyring, argv: list[str]
) -> None:
    result = cli(*argv)

    assert result.code == 0, result.err
    assert "using the local sandbox" in result.err
    assert not config_dir.exists() or not any(config_dir.iterdir())
    assert memory_keyring.store == {}


@pytest.mark.parametrize("argv", [["login", "--sandbox"], ["profiles", "list", "--sandbox"]])
def test_sandbox_after_a_real_only_command_is_refused_like_before_it(
    cli: Run, config_dir: Path, argv: list[str]
) -> None:
    result = cli(*argv)

    assert result.code == 2
    assert "--sandbox works with create, keys, batch and videos only" in result.err
    assert not config_dir.exists()


def test_sandbox_batch_accepts_the_flag_after_the_subcommand(cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "ids.txt"
    source.write_text(f"{SIGNED_UID}\n")
    out = tmp_path / "tokens.csv"

    result = cli("batch", "--local", "-i", str(source), "-O", str(out), "--sandbox")

    assert result.code == 0, result.err
    row = out.read_text().splitlines()[1].split(",")
    assert decode_token(row[2]).sub == SIGNED_UID
    assert row[5].startswith(f"https://customer-{Sandbox.DEMO_CUSTOMER_CODE}.")  # watch
    assert "links are examples on Cloudflare's host" in result.err
