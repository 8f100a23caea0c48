"""`cfstream-token sandbox --profile NAME`: a real sandbox process that later commands (each its
own process) use through a saved profile: keys made in one command are listed by the next, and
links open on the running sandbox. The profile and its keys go when the sandbox stops.

The processes share a keyring file (tests/cli/file_keyring.py), as they would the OS keyring.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends import null

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.state import DOWNLOADS_ENABLED, demo_videos
from tests.cli.conftest import Run
from tests.cli.file_keyring import BACKEND, PATH_ENV, FileKeyring

WORKTREE = Path(__file__).resolve().parents[2]
READY_SIGNED = sorted(
    (str(v["uid"]) for v in demo_videos() if v["requireSignedURLs"] and v["readyToStream"]),
    key=lambda uid: uid in DOWNLOADS_ENABLED,
)  # without an MP4 download first, with one last
UID = READY_SIGNED[0]


@pytest.fixture
def shared(tmp_path: Path, config_dir: Path) -> Iterator[dict[str, str]]:
    """The environment every process of the test runs with: this checkout's code, the test's
    config dir and one keyring file (which this process uses too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    env.update(
        PYTHONPATH=str(WORKTREE),
        CFSTREAM_CONFIG_DIR=str(config_dir),
        PYTHON_KEYRING_BACKEND=BACKEND,
        **{PATH_ENV: str(tmp_path / "keyring.json")},
    )
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(tmp_path / "keyring.json"))
    yield env
    keyring.set_keyring(previous)


def command(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cfstream_gui.cli", *argv],
        cwd=WORKTREE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


class RunningSandbox:
    """`cfstream-token sandbox --profile NAME` in its own process, until stopped."""

    def __init__(self, env: dict[str, str], *argv: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cfstream_gui.cli", "sandbox", *argv],
            cwd=WORKTREE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        lines = []
        for line in self.proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        self.banner = "".join(lines)
        assert "running at " in self.banner, self.stop(signal.SIGKILL)[1]
        self.base_url = self.banner.split("running at ", 1)[1].split()[0]

    def stop(self, how: signal.Signals = signal.SIGINT) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(how)
        try:
            _, err = self.proc.communicate(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.communicate()
        return self.proc.returncode, err


def held(env: dict[str, str]) -> dict[str, str]:
    """Everything in the keyring file the processes share."""
    return FileKeyring(Path(env[PATH_ENV])).entries()


def profiles(config_dir: Path) -> dict[str, dict[str, str | None]]:
    path = config_dir / "profiles.json"
    data: dict[str, dict[str, str | None]] = (
        json.loads(path.read_text())["profiles"] if path.exists() else {}
    )
    return data


def test_keys_made_in_one_command_are_there_in_the_next_and_links_open(
    shared: dict[str, str], config_dir: Path
) -> None:
    sandbox = RunningSandbox(shared, "--profile", "play")
    try:
        assert "--profile play" in sandbox.banner
        saved = profiles(config_dir)["play"]
        assert saved["api_base_url"] == sandbox.base_url
        assert saved["delivery_base_url"] == sandbox.base_url.removesuffix("/client/v4")

        made = command(shared, "keys", "create", "--profile", "play")
        assert made.returncode == 0, made.stderr
        key_id = made.stdout.strip()

        listed = command(shared, "keys", "list", "--profile", "play")
        assert listed.returncode == 0, listed.stderr
        (row,) = [line for line in listed.stdout.splitlines() if key_id in line]
        assert "Held here" in row

        watch = command(shared, "create", UID, "--profile", "play", "--local", "-o", "watch")
        assert watch.returncode == 0, watch.stderr
        link = watch.stdout.strip()
        assert link.startswith(str(saved["delivery_base_url"]) + "/")
        assert "examples" not in watch.stderr
        assert decode_token(link.split("/")[-2]).kid == key_id
        page = httpx.get(link, timeout=30)
        assert page.status_code == 200  # the running sandbox serves it, and the token plays

        # The warning about a missing MP4 download is as true as the link is dead.
        without, with_mp4 = READY_SIGNED[0], READY_SIGNED[-1]
        assert without not in DOWNLOADS_ENABLED and with_mp4 in DOWNLOADS_ENABLED
        for uid in (without, with_mp4):
            mp4 = command(shared, "create", uid, "--profile", "play", "--downloadable", "-o", "mp4")
            assert mp4.returncode == 0, mp4.stderr
            warned = "downloads are not enabled" in mp4.stderr
            opens = httpx.get(mp4.stdout.strip(), timeout=30).status_code == 200
            assert opens is (uid == with_mp4)
            assert warned is not opens
    finally:
        code, err = sandbox.stop()

    assert code == 0, err
    assert "profile play removed" in err
    assert "play" not in profiles(config_dir)
    assert held(shared) == {}  # the demo token and the sandbox's key are gone


def test_kill_stops_it_like_ctrl_c_and_removes_the_profile(
    shared: dict[str, str], config_dir: Path
) -> None:
    sandbox = RunningSandbox(shared, "--profile", "play")
    assert "play" in profiles(config_dir)

    code, err = sandbox.stop(signal.SIGTERM)

    assert code == 0, err
    assert "play" not in profiles(config_dir)
    assert held(shared) == {}


def test_a_profile_left_by_a_killed_sandbox_is_replaced_with_its_dead_keys(
    shared: dict[str, str], config_dir: Path, cli: Run
) -> None:
    stale_key = "0123456789abcdef0123456789abcdef"
    ProfileStore().save(
        Profile(
            name="play",
            account_id=Sandbox.DEMO_ACCOUNT_ID,
            api_base_url="http://127.0.0.1:9/client/v4",
            delivery_base_url="http://127.0.0.1:9",
        )
    )  # as a sandbox killed with SIGKILL leaves it
    SecretStore().set_signing_key("play", stale_key, "-----BEGIN RSA PRIVATE KEY-----\nx\n")

    sandbox = RunningSandbox(shared, "--profile", "play")
    try:
        assert profiles(config_dir)["play"]["api_base_url"] == sandbox.base_url
        assert SecretStore().list_signing_key_ids("play") == []
    finally:
        code, err = sandbox.stop()
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "expected"),
    [("real", "not at a sandbox"), ("lab", "not at a sandbox"), ("sandbox", "choose another")],
)
def test_a_users_profile_or_the_reserved_name_is_refused_and_left_alone(
    sb: Sandbox,
    cli: Run,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    name: str,
    expected: str,
) -> None:
    # "real" is a Cloudflare account; "lab" the user's own profile for a sandbox.
    cli("profiles", "add", "real", "--account", "0123456789abcdef0123456789abcdef")
    cli("profiles", "add", "lab", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url)
    for profile in ("real", "lab"):
        SecretStore().set_api_token(profile, f"test-only-token-{profile}-000000000000")
    before = (config_dir / "profiles.json").read_text()
    secrets_before = dict(memory_keyring.store)

    result = cli("sandbox", "--profile", name)

    assert result.code == 2
    assert expected in result.err
    assert (config_dir / "profiles.json").read_text() == before
    assert memory_keyring.store == secrets_before


def test_without_a_keyring_the_profile_is_refused_before_the_sandbox_starts(
    cli: Run, config_dir: Path
) -> None:
    keyring.set_keyring(null.Keyring())  # the fixture restores it

    result = cli("sandbox", "--profile", "play")

    assert result.code == 5
    assert "Leave out --profile" in result.err
    assert not (config_dir / "profiles.json").exists()
