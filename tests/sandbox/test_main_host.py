"""`python -m cfstream_gui.sandbox --host`: the sandbox serves demo credentials over plain HTTP,
so it listens beyond this computer only when told twice, and then says so loudly."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.__main__ import main


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.0.2.1", "example.com"])
def test_a_host_other_computers_can_reach_is_refused(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--host", host]) == 2
    captured = capsys.readouterr()
    assert f"Refusing --host {host!r}" in captured.err
    assert "--allow-remote" in captured.err
    assert captured.out == ""  # no banner: nothing was started


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, which is POSIX")
def test_allow_remote_starts_it_with_a_warning() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cfstream_gui.sandbox", "--host", "0.0.0.0", "--allow-remote"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        warning = process.stderr.readline()
        port = process.stdout.readline().split()[-1].split(":")[2].split("/")[0]
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        url = f"http://127.0.0.1:{port}/client/v4/user/tokens/verify"
        assert httpx.get(url, headers=headers).status_code == 200
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert warning.startswith("WARNING: the sandbox is listening on '0.0.0.0'")
    assert process.returncode == 0
