"""`Sandbox`: the local Cloudflare Stream stand-in that tests and first-time users talk to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from cfstream_gui.sandbox import state
from cfstream_gui.sandbox.delivery import Delivery
from cfstream_gui.sandbox.faults import Fault, FaultBook, RecordedRequest, RequestLog
from cfstream_gui.sandbox.keys import KeySource
from cfstream_gui.sandbox.routes import PREFIX, Router
from cfstream_gui.sandbox.server import RateWindow, SandboxServer
from cfstream_gui.sandbox.tokens import PlaybackVerdict, verify_playback


class Sandbox:
    """Serves the Stream API for one demo account on loopback, in a daemon thread.

    Everything it receives is logged before faults apply, so a test can check what a client
    sent even when the sandbox was told to fail.
    """

    DEMO_ACCOUNT_ID = state.DEMO_ACCOUNT_ID
    DEMO_API_TOKEN = state.DEMO_API_TOKEN
    DEMO_EXPIRED_API_TOKEN = state.DEMO_EXPIRED_API_TOKEN
    DEMO_CUSTOMER_CODE = state.DEMO_CUSTOMER_CODE

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        *,
        videos: int = 0,
        keys: KeySource | None = None,
    ) -> None:
        """`keys` (default: random ones) is where its signing keys come from."""
        self._address = (host, port)
        self._clock = clock
        self._account = state.Account(clock, keys)
        if videos:
            self.seed_videos(videos)
        self._faults = FaultBook()
        self._log = RequestLog()
        self._rate = RateWindow(clock)
        self._latency = 0.0
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("The sandbox is already running.")
        router = Router(self._account, self._clock)
        delivery = Delivery(self._account, self._clock)
        server = SandboxServer(
            self._address,
            router,
            delivery,
            self._faults,
            self._log,
            self._rate,
            lambda: self._latency,
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"cfstream-sandbox:{server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stopping.set()  # ends any delay or latency wait in progress
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API root, `http://127.0.0.1:PORT/client/v4`."""
        return self.delivery_base + PREFIX

    @property
    def delivery_base(self) -> str:
        """Where playback links point instead of `customer-<CODE>.cloudflarestream.com`:
        `http://127.0.0.1:PORT/<token>/watch` and the rest are served by this sandbox."""
        if self._server is None:
            raise RuntimeError("The sandbox is not running; call start() first.")
        host, port = self._server.server_address[:2]
        host_text = host if isinstance(host, str) else host.decode()
        if ":" in host_text:
            host_text = f"[{host_text}]"
        return f"http://{host_text}:{port}"

    # -- the demo account -----------------------------------------------------------------

    @property
    def videos(self) -> list[dict[str, Any]]:
        return self._account.videos()

    def video_uids(self, signed: bool | None = None) -> list[str]:
        """Demo video UIDs, optionally only those that do (or do not) require signed URLs."""
        return [
            str(video["uid"])
            for video in self._account.videos()
            if signed is None or video["requireSignedURLs"] is signed
        ]

    def seed_videos(self, count: int) -> None:
        """Add `count` generated videos to the library, older than the demo ones: always the
        same videos in the same order (`sandbox/seeding.py`), some still encoding or failed,
        some public, a few uploaded in the same instant. Works while running, too."""
        self._account.seed_videos(count)

    def downloads_enabled(self, video_uid: str) -> bool:
        """Whether the video's MP4 download is on (a token also needs downloadable)."""
        return self._account.downloads_enabled(video_uid)

    @property
    def cloudflare_key_id(self) -> str:
        return self._account.keys.cloudflare().kid

    @property
    def public_key_pem(self) -> str:
        return self._account.keys.cloudflare().public_pem()

    def verify_playback_token(
        self,
        token: str,
        video_uid: str,
        *,
        viewer_ip: str | None = None,
        country: str | None = None,
        now: float | None = None,
    ) -> PlaybackVerdict:
        """Would the edge play `video_uid` with this token for this viewer?"""
        moment = int(self._clock() if now is None else now)
        return verify_playback(
            token, video_uid, self._account, viewer_ip=viewer_ip, country=country, now=moment
        )

    # -- scripting and inspection ---------------------------------------------------------

    def inject_fault(self, fault: Fault) -> None:
        self._faults.add(fault)

    def set_latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("Latency must not be negative.")
        self._latency = seconds

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._log.snapshot()

    def clear(self) -> None:
        """Faults, latency, the request log and the rate-limit count back to their defaults."""
        self._faults.clear()
        self._latency = 0.0
        self._log.clear()
        self._rate.reset()
