"""Hostile answers for tests: a gzip bomb, JSON nested past any parser, and a loopback HTTP
server that answers with whatever bytes a test scripts, including what no well-behaved server
sends: a body of hundreds of megabytes (made as it is sent, never held in memory), a connection
reset in the middle of an answer. The sandbox's faults cover the rest."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

# What a test does with the connection once the request is read: write bytes, reset it.
Respond = Callable[[socket.socket], None]

MIB = 1024 * 1024


def gzip_bomb(decoded_mib: int) -> bytes:
    """gzip of `decoded_mib` MiB of zeros, about a thousandth of that in size, built without ever
    holding the zeros: after a full flush deflate starts afresh, so each further MiB compresses to
    the same bytes, and the trailer's CRC is summed a MiB at a time."""
    zeros = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(decoded_mib):
        crc = zlib.crc32(zeros, crc)
    gzip_header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, decoded_mib * MIB % 2**32)
    return gzip_header + first + again * (decoded_mib - 1) + deflate.flush() + trailer


def nested_json(depth: int) -> bytes:
    """`depth` arrays inside each other: valid JSON that a recursive parser cannot finish."""
    return b"[" * depth + b"]" * depth


@dataclass(frozen=True)
class Received:
    method: str
    path: str


def head(status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    """A status line and headers; "Connection: close" so the client opens a new connection for
    each request (the server answers one request per connection)."""
    lines = [f"HTTP/1.1 {status} Scripted"]
    lines += [
        f"{name}: {value}" for name, value in {"Connection": "close", **(headers or {})}.items()
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def send_counted(conn: socket.socket, piece: bytes, count: int, **headers: str) -> None:
    """`piece` `count` times over, as a body whose Content-Length says so honestly."""
    conn.sendall(head(200, {"Content-Length": str(len(piece) * count), **headers}))
    for _ in range(count):
        conn.sendall(piece)


def send_chunked(conn: socket.socket, piece: bytes, count: int, **headers: str) -> None:
    """`piece` `count` times over, in chunked encoding: no length is known in advance."""
    conn.sendall(head(200, {"Transfer-Encoding": "chunked", **headers}))
    frame = f"{len(piece):x}\r\n".encode("ascii") + piece + b"\r\n"
    for _ in range(count):
        conn.sendall(frame)
    conn.sendall(b"0\r\n\r\n")


def reset(conn: socket.socket) -> None:
    """Drop the connection with a TCP reset (RST), as a crashed proxy or server does."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class RawServer:
    """Answers every request on 127.0.0.1 with `respond`; `received` lists what came in."""

    def __init__(self, respond: Respond) -> None:
        self._respond = respond
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.received: list[Received] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/client/v4"

    def __enter__(self) -> Self:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=10)
        self._listener.close()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            request = _read_request(conn)
            if request is None:
                return
            with self._lock:
                self.received.append(request)
            self._respond(conn)
        except OSError:
            pass  # the client hung up, which is what a client should do with these answers
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def _read_request(conn: socket.socket) -> Received | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return Received(method, target.split("?", 1)[0])
