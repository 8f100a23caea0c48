"""`python -m cfstream_gui.sandbox`: what a first-time user sees."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading

import httpx
import pytest

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.__main__ import main, serve


def test_serve_prints_url_and_demo_credentials() -> None:
    out = io.StringIO()
    stop = threading.Event()
    stop.set()  # print the banner, then return at once
    serve("127.0.0.1", 0, out, stop)
    text = out.getvalue()
    assert "Sandbox Stream API at http://127.0.0.1:" in text
    for value in (Sandbox.DEMO_ACCOUNT_ID, Sandbox.DEMO_API_TOKEN, Sandbox.DEMO_CUSTOMER_CODE):
        assert value in text
    assert "Training: advanced signing" in text
    assert "Ctrl+C" in text


def test_port_in_use_is_reported(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    port = sandbox.base_url.split(":")[2].split("/")[0]
    assert main(["--port", port]) == 1
    assert f"Could not start the sandbox on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, which is POSIX")
def test_ctrl_c_stops_the_foreground_sandbox() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cfstream_gui.sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test runner may start children with SIGINT ignored; a terminal never does.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        for line in process.stdout:
            if "Ctrl+C" in line:
                break
        else:
            pytest.fail("The sandbox exited before it was ready.")
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        assert httpx.get(url + "/user/tokens/verify", headers=headers).status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Stopping the sandbox." in out
    assert err == ""
