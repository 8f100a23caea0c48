"""The fault matrix: every way the Stream API (or what stands in its place) can fail, each with
the sentence a person must be shown. The window's tests (token create, key create) and the
client's (video list) go through the same cases, so a failure mode added here is checked
everywhere at once.

A case arms its failure on the sandbox (a `Fault`) or on the `Front` before it (what only a raw
socket can do), aimed at one kind of request (`Target`). It stays armed until the sandbox and
the front are cleared, so the client's retries meet it too.
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cfstream_gui.core.cloudflare import (
    ApiError,
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
)
from cfstream_gui.sandbox import Fault, Sandbox
from tests.support.front import Front
from tests.support.hostile import MIB, gzip_bomb, head, reset, send_chunked

JSON = {"Content-Type": "application/json"}
# Long enough that the client's own (short, per-case) read timeout always comes first.
STALL_SECONDS = 30.0
# The read-timeout case's client timeout, and the connect timeout while connects stall.
SHORT_TIMEOUT = 1.0
SHORT_CONNECT_TIMEOUT = 0.3
CLOUDFLARE_400 = {"code": 10005, "message": "Bad request: accessRules[0] is not an access rule"}
HTML_502 = (
    "<!DOCTYPE html><html><head><title>502 Bad gateway</title></head>"
    "<body><h1>Bad gateway</h1><p>Cloudflare Ray ID: 0123456789abcdef</p></body></html>"
)


@dataclass(frozen=True)
class Target:
    """Which requests a fault is aimed at."""

    name: str
    method: str
    path_contains: str


CREATE = Target("create", "POST", "/token")  # POST .../stream/<uid>/token (not GET tokens/verify)
KEY = Target("key", "POST", "/stream/keys")
LIST = Target("list", "GET", "/stream")

Arm = Callable[[Sandbox, Front, Target], None]


@dataclass(frozen=True)
class FaultCase:
    id: str
    arm: Arm
    error: type[ApiError]
    phrase: str  # in the error's message, whatever was asked
    # A more specific phrase where the request matters ("sent no token" vs "no list of videos").
    per_target: Mapping[str, str] = field(default_factory=dict)
    # A 429's wait: the window's Create is unavailable this long.
    wait: float | None = None
    # The API client's timeout for this case (only the read-timeout case shortens it).
    timeout: float = 30.0
    connect_timeout: float | None = None  # set while the case runs (connects that stall)
    # Whether a request that changes the account may have been carried out all the same (it
    # was sent, and no answer said it was refused): then the user must be told how to check.
    unsure: bool = False

    def phrase_for(self, target: Target) -> str:
        return self.per_target.get(target.name, self.phrase)


def sandbox_fault(
    status: int | None,
    body: str | bytes | dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
) -> Arm:
    """The sandbox answers every matching request this way until it is cleared."""

    def arm(sb: Sandbox, front: Front, target: Target) -> None:
        sb.inject_fault(
            Fault(
                status=status,
                body=body,
                headers=headers or {},
                delay=delay,
                times=None,
                method=target.method,
                path_contains=target.path_contains,
            )
        )

    return arm


def raw(respond: Callable[[socket.socket], None]) -> Arm:
    """The front answers every matching request with these bytes until it is cleared."""

    def arm(sb: Sandbox, front: Front, target: Target) -> None:
        front.play(respond, times=100, method=target.method, path_contains=target.path_contains)

    return arm


def refuse(sb: Sandbox, front: Front, target: Target) -> None:
    front.refuse_connections()


def stall(sb: Sandbox, front: Front, target: Target) -> None:
    front.stall_connects()


def half_an_answer(conn: socket.socket) -> None:
    conn.sendall(head(200, {"Content-Length": "4000", **JSON}) + b'{"success": true, "res')
    reset(conn)


def never_answer(conn: socket.socket) -> None:
    """Take the request and say nothing, until the client gives up and hangs up."""
    conn.settimeout(STALL_SECONDS)
    conn.recv(1)


def two_hundred_mib(conn: socket.socket) -> None:
    send_chunked(conn, b" " * MIB, 200, **JSON)


@functools.cache
def bomb() -> bytes:
    """256 MiB of zeros as 256 KiB of gzip, built once for the whole run."""
    return gzip_bomb(256)


def gzip_bomb_fault(sb: Sandbox, front: Front, target: Target) -> None:
    gzip = {**JSON, "Content-Encoding": "gzip"}
    sandbox_fault(200, body=bomb(), headers=gzip)(sb, front, target)


def envelope(
    result: object = None, errors: list[dict[str, object]] | None = None
) -> dict[str, object]:
    return {"result": result, "success": not errors, "errors": errors or [], "messages": []}


NO_RESULT = {"create": "sent no token", "key": "sent no complete signing key", "list": "no list"}

CASES: tuple[FaultCase, ...] = (
    FaultCase(
        "400 with Cloudflare's error",
        sandbox_fault(400, body=envelope(errors=[CLOUDFLARE_400])),
        ApiError,
        "Cloudflare rejected the request with HTTP 400 (code 10005: Bad request: accessRules[0]",
    ),
    FaultCase(
        "401",
        sandbox_fault(401, body=envelope(errors=[{"code": 1000, "message": "Invalid API Token"}])),
        AuthError,
        "Cloudflare refused the API token (code 1000: Invalid API Token)",
    ),
    FaultCase(
        "403 code 10000",
        sandbox_fault(403),
        AuthError,
        "Cloudflare refused the API token (code 10000: Authentication error)",
    ),
    FaultCase("404", sandbox_fault(404), NotFound, "Cloudflare could not find"),
    FaultCase(
        "409",
        sandbox_fault(409, body=envelope(errors=[{"code": 10009, "message": "Conflict"}])),
        ApiError,
        "Cloudflare rejected the request with HTTP 409 (code 10009: Conflict)",
    ),
    FaultCase(
        "429 with a short Retry-After",
        sandbox_fault(429, headers={"Retry-After": "2"}),
        RateLimited,
        "Cloudflare's rate limit for this account was reached",
        wait=2,
    ),
    FaultCase(
        "429 with a long Retry-After",
        sandbox_fault(429, headers={"Retry-After": "300"}),
        RateLimited,
        "Cloudflare's rate limit for this account was reached",
        wait=300,
    ),
    FaultCase("500", sandbox_fault(500), ServerError, "Cloudflare had a server error", unsure=True),
    FaultCase(
        "502 HTML page",
        sandbox_fault(502, body=HTML_502),
        ServerError,
        "Cloudflare answered HTTP 502 with an HTML page instead of JSON.",
        unsure=True,
    ),
    FaultCase("503", sandbox_fault(503), ServerError, "Cloudflare had a server error", unsure=True),
    FaultCase("connection refused", refuse, NetworkError, "Could not connect to 127.0.0.1."),
    FaultCase(
        "reset mid-body",
        raw(half_an_answer),
        NetworkError,
        "The connection to 127.0.0.1 failed before Cloudflare answered.",
        per_target={"key": "The connection to 127.0.0.1 broke after the request was sent"},
        unsure=True,
    ),
    FaultCase(
        "connect timeout",
        stall,
        NetworkError,
        f"Could not connect to 127.0.0.1 within {SHORT_CONNECT_TIMEOUT:g} seconds.",
        connect_timeout=SHORT_CONNECT_TIMEOUT,
    ),
    FaultCase(
        "read timeout",
        raw(never_answer),
        NetworkError,
        f"The API server at 127.0.0.1 did not answer within {SHORT_TIMEOUT:g} second.",
        timeout=SHORT_TIMEOUT,
        unsure=True,
    ),
    FaultCase(
        "non-JSON",
        sandbox_fault(200, body="upstream says hello", headers={"Content-Type": "text/plain"}),
        BadResponse,
        "Cloudflare answered HTTP 200 with a body that is not JSON.",
        unsure=True,
    ),
    FaultCase(
        "success false with 200",
        sandbox_fault(
            status=200, body=envelope(errors=[{"code": 10001, "message": "Stream is busy"}])
        ),
        BadResponse,
        "Cloudflare answered HTTP 200 but reported a failure (code 10001: Stream is busy).",
        unsure=True,
    ),
    FaultCase(
        "200 without result",
        sandbox_fault(200, body={"success": True, "errors": [], "messages": []}),
        BadResponse,
        "Cloudflare reported success but",
        per_target=NO_RESULT,
        unsure=True,
    ),
    FaultCase(
        "huge body",
        raw(two_hundred_mib),
        BadResponse,
        "The API's answer is larger than 4 MB",
        unsure=True,
    ),
    FaultCase(
        "gzip bomb",
        gzip_bomb_fault,
        BadResponse,
        "The API's answer is larger than 4 MB",
        unsure=True,
    ),
)

IDS = [case.id for case in CASES]
