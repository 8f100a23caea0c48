"""The client's timeout bounds the whole answer, not each read: a server that drips its body a
byte at a time (each read well inside httpx's per-read limit) must not hold a request open for
longer than the configured total. The server is real, on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from cfstream_gui.core.cloudflare import NetworkError, StreamClient

DRIP_INTERVAL = 0.05  # each byte arrives well inside any per-read timeout
BODY = b'{"success": true, "errors": [], "messages": [], "result": {"id": "x"}}' * 20


@pytest.fixture
def dripping_server() -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(5)
    stop = threading.Event()

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            conn.sendall(f"{head}Content-Length: {len(BODY)}\r\n\r\n".encode())
            for byte in BODY:  # about 70 s in all: far past any total
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(DRIP_INTERVAL)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/client/v4"
    stop.set()
    listener.close()
    thread.join(timeout=5)


@pytest.mark.asyncio
async def test_a_dripping_answer_is_cut_off_at_the_total_timeout(dripping_server: str) -> None:
    async with StreamClient(
        "token", base_url=dripping_server, env={}, timeout=1.0, max_retries=0
    ) as client:
        # Without a total, each byte resets httpx's read timeout and the answer completes after
        # ~70 s (past the test's own timeout); with it, the attempt ends as a network error.
        with pytest.raises(NetworkError, match="did not answer within 1 second"):
            await client.verify_token()
