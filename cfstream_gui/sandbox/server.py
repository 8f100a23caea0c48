"""HTTP plumbing: a quiet threaded server whose handler logs, misbehaves on request, routes and
answers with Cloudflare's envelope and rate-limit headers."""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cfstream_gui.sandbox.delivery import Delivered, Delivery
from cfstream_gui.sandbox.envelope import (
    BAD_REQUEST_CODE,
    ApiFailure,
    default_error,
    failure,
    success,
)
from cfstream_gui.sandbox.faults import Fault, FaultBook, RecordedRequest, RequestLog
from cfstream_gui.sandbox.routes import PREFIX, Router, parse_json

RATE_QUOTA = 1200
RATE_WINDOW_SECONDS = 300
RATE_POLICY = f'"burst";q={RATE_QUOTA};w={RATE_WINDOW_SECONDS}'
# Far more than any Stream API request (a token body with five rules is a few kB); a larger
# announced body is refused rather than read into memory.
MAX_BODY_BYTES = 1024 * 1024
_DIGITS = re.compile(r"[0-9]+")


class RateWindow:
    """Counts requests per 5-minute window for the `Ratelimit` header. It only reports: a real
    429 comes from a Fault, so a long test run never trips over the quota by accident."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._start: float | None = None
        self._count = 0

    def hit(self) -> tuple[int, int]:
        """Count one request; return (remaining, seconds until the window resets)."""
        now = self._clock()
        with self._lock:
            if self._start is None or now >= self._start + RATE_WINDOW_SECONDS:
                self._start, self._count = now, 0
            self._count += 1
            reset = math.ceil(self._start + RATE_WINDOW_SECONDS - now)
            return max(0, RATE_QUOTA - self._count), max(reset, 0)

    def reset(self) -> None:
        with self._lock:
            self._start, self._count = None, 0


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        router: Router,
        delivery: Delivery,
        faults: FaultBook,
        log: RequestLog,
        rate: RateWindow,
        latency: Callable[[], float],
    ) -> None:
        super().__init__(address, SandboxHandler)
        self.router = router
        self.delivery = delivery
        self.faults = faults
        self.log = log
        self.rate = rate
        self.latency = latency
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer (e.g. it timed out during a delay) is normal here;
        anything else is a sandbox bug and keeps the default traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Drop kept-alive client connections so their handler threads end at once."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # the client may have closed it already
                connection.shutdown(socket.SHUT_RDWR)


class SandboxHandler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects from an API
    timeout = 30  # an idle kept-alive connection is closed after this many seconds

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm meets the
        # client's delayed ACK and every kept-alive request stalls for ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        super().finish()

    def version_string(self) -> str:
        return "cfstream-sandbox"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and the foreground runner want no access log on stderr."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            return
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.log.append(
            RecordedRequest(self.command, parts.path, query, headers, body, parse_json(body)[0])
        )
        if self._pause(self.server.latency()):
            return
        fault = self.server.faults.take(self.command, parts.path)
        if fault is not None and self._apply_fault(fault):
            return
        if not parts.path.startswith(PREFIX + "/"):
            delivered = self.server.delivery.serve(
                self.command, parts.path, query, headers, self.client_address[0]
            )
            if delivered is not None:
                self._send_delivered(delivered)
                return
        try:
            reply = self.server.router.dispatch(self.command, parts.path, query, headers, body)
            self._send_json(reply.status, success(reply))
        except ApiFailure as exc:
            self._send_json(exc.status, failure(exc.code, exc.message, exc.chain))

    def _read_body(self) -> bytes | None:
        """The request body, or None once the request has been answered (400) or dropped.

        A Content-Length the sandbox cannot honour is answered with a 400 envelope and the
        connection is closed, since where the next request starts is then unknown. A client
        that sends less than it announced is dropped quietly when it stops."""
        try:
            length = _announced_length(self.headers.get_all("Content-Length") or [])
            if "Transfer-Encoding" in self.headers:
                raise _Unreadable("Transfer-Encoding is not supported; send Content-Length.")
        except _Unreadable as exc:
            self.close_connection = True
            self._send_json(400, failure(BAD_REQUEST_CODE, str(exc)))
            return None
        try:
            body = self.rfile.read(length) if length else b""
        except OSError:  # the handler's timeout, or a reset: nobody to answer
            body = b""
        if len(body) < length:
            self.close_connection = True
            return None
        return body

    def _pause(self, seconds: float) -> bool:
        """Wait, unless the sandbox is stopping (then drop the request and say so)."""
        if seconds > 0 and self.server.stopping.wait(seconds):
            self.close_connection = True
            return True
        return False

    def _apply_fault(self, fault: Fault) -> bool:
        """Play a fault; False means it only delayed and the request is answered normally."""
        if self._pause(fault.delay):
            return True
        if fault.disconnect:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.status is None:
            return False
        status = fault.status
        if fault.body is None:
            payload, content_type = self._encode(failure(*default_error(status)))
        elif isinstance(fault.body, dict):
            payload, content_type = self._encode(fault.body)
        else:
            payload = fault.body.encode("utf-8") if isinstance(fault.body, str) else fault.body
            looks_html = payload.lstrip()[:1] == b"<"
            content_type = "text/html; charset=UTF-8" if looks_html else "text/plain; charset=UTF-8"
        headers = {"Content-Type": content_type}
        headers.update(fault.headers)  # the fault's own headers win, Content-Type included
        self._send(status, payload, headers, exhausted=status == 429)
        return True

    @staticmethod
    def _encode(body: dict[str, Any]) -> tuple[bytes, str]:
        return json.dumps(body).encode("utf-8"), "application/json"

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        payload, content_type = self._encode(body)
        self._send(status, payload, {"Content-Type": content_type})

    def _send_delivered(self, delivered: Delivered) -> None:
        """Playback answers come from the edge, not the API: no rate-limit headers."""
        self.send_response(delivered.status)
        for name, value in delivered.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(delivered.body)))
        self.end_headers()
        self.wfile.write(delivered.body)

    def _send(
        self, status: int, payload: bytes, headers: dict[str, str], *, exhausted: bool = False
    ) -> None:
        remaining, reset = self.server.rate.hit()
        if exhausted:
            # What Cloudflare sends while blocked: nothing left until Retry-After has passed.
            retry_after = _header(headers, "Retry-After")
            # A scripted fault may carry any text here; only a sane number of seconds counts.
            sane = retry_after.isdigit() and len(retry_after) <= 9
            remaining, reset = 0, int(retry_after) if sane else reset
        self.send_response(status)
        self.send_header("Ratelimit", f'"default";r={remaining};t={reset}')
        self.send_header("Ratelimit-Policy", RATE_POLICY)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


class _Unreadable(Exception):
    """The request's body cannot be read as announced; str() says why, for the 400 answer."""


def _announced_length(values: list[str]) -> int:
    """The body length the Content-Length headers announce (0 when there are none)."""
    if not values:
        return 0
    texts = {value.strip() for value in values}
    if len(texts) > 1:
        raise _Unreadable("The request has Content-Length headers that disagree.")
    text = texts.pop()
    # Digits only (not int(), which takes '+5', '٥' and '1_000'), and few enough of them.
    if not _DIGITS.fullmatch(text):
        raise _Unreadable("The request's Content-Length is not a whole number of bytes.")
    if len(text) > len(str(MAX_BODY_BYTES)) or int(text) > MAX_BODY_BYTES:
        raise _Unreadable(
            f"The request body is larger than the sandbox accepts ({MAX_BODY_BYTES:,} bytes)."
        )
    return int(text)


def _header(headers: dict[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""
