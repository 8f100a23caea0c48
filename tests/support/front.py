"""A loopback front for the sandbox: the app talks to it as to Cloudflare, and it passes each
request on to the sandbox and hands the answer back, byte for byte.

What the sandbox's faults cannot do, the front can: refuse connections, let connects time out,
play a raw answer (reset in the middle of a body, hundreds of megabytes), and hold a request in
flight until the test lets it go (so Cancel can be pressed while it is out). It can also swap an
API token for the sandbox's demo token on the way through, so a test's marker secret travels the
whole real path and the sandbox still accepts it.

Every answer it sends says `Connection: close`: each request opens a new connection, so a refused
or stalled listener meets the very next request rather than a kept-alive socket.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from tests.support.hostile import Respond

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "upgrade"}
)
_WAIT = 30.0  # the longest the front itself waits on anything: a stuck test ends, not hangs


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass
class _Play:
    respond: Respond
    times: int
    method: str | None
    path_contains: str | None

    def matches(self, request: Request) -> bool:
        if self.method is not None and self.method != request.method:
            return False
        return self.path_contains is None or self.path_contains in request.path


class Front:
    """`Front(sandbox.base_url)`: listens on 127.0.0.1; `base_url` is what a profile points at."""

    def __init__(self, upstream_base_url: str) -> None:
        parts = urlsplit(upstream_base_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._prefix = parts.path  # /client/v4
        self._lock = threading.Lock()
        self._plays: list[_Play] = []
        self._tokens: dict[str, str] = {}
        self._hold_next = False
        self._released = threading.Event()
        self.holding = threading.Event()  # set while a request waits for `release()`
        self.received: list[Request] = []
        self.dropped = 0  # held requests whose client had gone by the time they were let go
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()  # client and upstream sockets in use
        self._fillers: list[socket.socket] = []
        self._stop_accepting = threading.Event()
        self._accepting: threading.Thread | None = None
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._port: int = self._listener.getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}{self._prefix}"

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._start_accepting()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
        self._stop()
        self._close_fillers()
        with self._lock:
            in_use = list(self._open)
        for sock in in_use:  # wakes the threads still waiting on a client or on the sandbox
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._listener.close()
        for thread in list(self._threads):
            thread.join(timeout=_WAIT)

    # -- scripting ---------------------------------------------------------------------------

    def play(
        self,
        respond: Respond,
        *,
        times: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Answer the next `times` matching requests with `respond` instead of the sandbox."""
        with self._lock:
            self._plays.append(_Play(respond, times, method, path_contains))

    def swap_token(self, token: str, for_token: str) -> None:
        """Pass `Bearer <token>` on to the sandbox as `Bearer <for_token>`."""
        with self._lock:
            self._tokens[token] = for_token

    def hold(self) -> None:
        """Keep the next request waiting until `release()` (`holding` is set meanwhile)."""
        with self._lock:
            self._hold_next = True
            self._released.clear()

    def release(self) -> None:
        self._released.set()

    def clear(self) -> None:
        """No more scripted answers; connections accepted again; nothing held."""
        with self._lock:
            self._plays.clear()
            self._hold_next = False
        self.release()
        self.accept_connections()

    def refuse_connections(self) -> None:
        """Close the listening socket: connecting is refused until `accept_connections()`."""
        self._stop()
        with contextlib.suppress(OSError):
            self._listener.close()

    def stall_connects(self) -> None:
        """Stop accepting and fill the kernel's accept queue: a new connect gets no answer to
        its SYN, so it times out, as it does to a host that drops packets."""
        self._stop()
        self._listener.listen(0)
        for _ in range(3):  # one fills a zero-length queue; the others are dropped SYNs
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", self._port))
            self._fillers.append(filler)

    def accept_connections(self) -> None:
        """Undo `refuse_connections` or `stall_connects`."""
        if self._accepting is not None:
            return
        self._close_fillers()
        if self._listener.fileno() == -1:
            self._listener = socket.create_server(("127.0.0.1", self._port))
        else:
            self._listener.listen(128)
        self._start_accepting()

    # -- serving -----------------------------------------------------------------------------

    def _start_accepting(self) -> None:
        self._listener.settimeout(0.05)
        self._stop_accepting.clear()
        self._accepting = self._spawn(self._accept_loop, self._listener)

    def _stop(self) -> None:
        thread, self._accepting = self._accepting, None
        if thread is not None:
            self._stop_accepting.set()
            thread.join(timeout=_WAIT)

    def _close_fillers(self) -> None:
        fillers, self._fillers = self._fillers, []
        for filler in fillers:
            filler.close()

    def _spawn(self, target: Callable[..., None], *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()
        return thread

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop_accepting.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(_WAIT)
        self._track(conn, True)
        try:
            request = _read_request(conn)
            if request is None:
                return
            with self._lock:
                self.received.append(request)
                held, self._hold_next = self._hold_next, False
            if held:
                self.holding.set()
                self._released.wait(_WAIT)
                self.holding.clear()
                if _client_gone(conn):
                    with self._lock:
                        self.dropped += 1
                    return
            with self._lock:  # after the hold: what was scripted meanwhile is its answer
                play = self._take_play(request)
            if play is not None:
                play(conn)
            else:
                self._forward(conn, request)
        except OSError:
            pass  # the client hung up (timed out, cancelled, refused a huge answer): as it should
        finally:
            self._track(conn, False)
            with contextlib.suppress(OSError):
                conn.close()

    def _track(self, sock: socket.socket, in_use: bool) -> None:
        with self._lock:
            if in_use:
                self._open.add(sock)
            else:
                self._open.discard(sock)

    def _take_play(self, request: Request) -> Respond | None:
        for index, play in enumerate(self._plays):
            if play.matches(request):
                play.times -= 1
                if play.times <= 0:
                    del self._plays[index]
                return play.respond
        return None

    def _forward(self, conn: socket.socket, request: Request) -> None:
        headers = {}
        for name, value in request.headers:
            if name.lower() in _HOP_BY_HOP:
                continue
            if name.lower() == "authorization":
                token = value.removeprefix("Bearer ")
                with self._lock:
                    value = f"Bearer {self._tokens.get(token, token)}"
            headers[name] = value
        upstream = http.client.HTTPConnection(*self._upstream, timeout=_WAIT)
        try:
            upstream.connect()
            if upstream.sock is not None:
                self._track(upstream.sock, True)
            upstream.request(request.method, request.target, request.body or None, headers)
            answer = upstream.getresponse()
            body = answer.read()
        except (http.client.HTTPException, ConnectionError):
            # The sandbox dropped the connection (a `disconnect` fault): so does the front.
            conn.shutdown(socket.SHUT_RDWR)
            return
        finally:
            if upstream.sock is not None:
                self._track(upstream.sock, False)
            upstream.close()
        lines = [f"HTTP/1.1 {answer.status} {answer.reason}"]
        lines += [f"{n}: {v}" for n, v in answer.getheaders() if n.lower() not in _HOP_BY_HOP]
        lines += [f"Content-Length: {len(body)}", "Connection: close"]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def _client_gone(conn: socket.socket) -> bool:
    """Whether the client closed its end (it cancelled while the request was held)."""
    conn.setblocking(False)
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        conn.setblocking(True)
        conn.settimeout(_WAIT)


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = [(n.strip(), v.strip()) for n, _, v in (line.partition(":") for line in lines[1:])]
    length = next((int(v) for n, v in headers if n.lower() == "content-length"), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return Request(method, target, headers, body)
