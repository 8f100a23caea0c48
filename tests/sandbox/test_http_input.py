"""Malformed HTTP framing gets a 400 envelope and a closed connection: never a traceback on the
sandbox's stderr, never a hang reading a body that will not come, never a request recorded."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.server import MAX_BODY_BYTES
from tests.sandbox.helpers import stream


def raw_exchange(sandbox: Sandbox, request: bytes, *, then_close: bool = False) -> bytes:
    """Send `request` bytes as they are and read until the sandbox closes the connection."""
    parts = urlsplit(sandbox.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(request)
        if then_close:
            conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def post(sandbox: Sandbox, headers: list[str], body: bytes = b"", uid: str = "x") -> bytes:
    path = urlsplit(sandbox.base_url).path + stream(f"/{uid}/token")
    head = [
        f"POST {path} HTTP/1.1",
        "Host: sandbox",
        f"Authorization: Bearer {sandbox.DEMO_API_TOKEN}",
    ]
    return raw_exchange(sandbox, ("\r\n".join(head + headers) + "\r\n\r\n").encode() + body)


def status_and_body(answer: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


@pytest.mark.parametrize(
    ("headers", "phrase"),
    [
        (["Content-Length: abc"], "not a whole number"),
        (["Content-Length: -5"], "not a whole number"),
        (["Content-Length: +5"], "not a whole number"),
        (["Content-Length: 1_0"], "not a whole number"),
        (["Content-Length: ٥"], "not a whole number"),
        (["Content-Length: 99999999999999999999"], "larger than the sandbox accepts"),
        ([f"Content-Length: {'9' * 5000}"], "larger than the sandbox accepts"),
        ([f"Content-Length: {MAX_BODY_BYTES + 1}"], "larger than the sandbox accepts"),
        (["Content-Length: 2", "Content-Length: 3"], "disagree"),
        (["Transfer-Encoding: chunked"], "Transfer-Encoding"),
    ],
)
def test_a_bad_content_length_is_a_400_envelope(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str], headers: list[str], phrase: str
) -> None:
    answer = post(sandbox, headers)

    status, body = status_and_body(answer)
    assert status == 400
    assert body["success"] is False
    errors: list[dict[str, Any]] = body["errors"]
    assert len(errors) == 1 and phrase in errors[0]["message"]
    assert sandbox.requests == []
    assert "Traceback" not in capfd.readouterr().err


def test_a_body_shorter_than_announced_is_dropped_quietly(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    path = urlsplit(sandbox.base_url).path + stream("/x/token")
    request = f"POST {path} HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 100\r\n\r\n{{}}"

    answer = raw_exchange(sandbox, request.encode(), then_close=True)

    assert answer == b""
    assert sandbox.requests == []
    assert "Traceback" not in capfd.readouterr().err


def test_the_sandbox_still_answers_after_bad_framing(sandbox: Sandbox, api: httpx.Client) -> None:
    post(sandbox, ["Content-Length: abc"])

    assert api.get(stream()).status_code == 200


def test_a_body_within_the_limit_is_read(sandbox: Sandbox, uid: str) -> None:
    body = b'{"exp": "soon"}'

    answer = post(sandbox, [f"Content-Length: {len(body)}", "Connection: close"], body, uid)

    status, reply = status_and_body(answer)
    assert status == 400  # the route's own check of exp: the body was read and understood
    assert "exp" in json.dumps(reply)
    assert sandbox.requests[-1].body == body
