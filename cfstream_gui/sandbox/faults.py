"""Scripted misbehaviour (faults, latency) and the log of what the sandbox received."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """One scripted failure, used for the next `times` requests that match it.

    `body`: None sends Cloudflare's error envelope for `status`; `str`/`bytes` are sent raw
    (e.g. an HTML error page from the edge); a `dict` is sent as JSON, which also allows the
    HTTP-200-with-`success:false` trap. `status=None` answers normally after `delay` (a slow
    but healthy API). `disconnect=True` closes the connection without any answer.
    `times=None` keeps the fault until `Sandbox.clear()`.
    """

    status: int | None = 500
    body: str | bytes | dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = 1
    path_contains: str | None = None
    method: str | None = None
    disconnect: bool = False

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError("Fault times must be at least 1, or None for every request.")
        if self.delay < 0:
            raise ValueError("Fault delay must not be negative.")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"Fault status {self.status} is not an HTTP status code.")

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path


class FaultBook:
    """Faults in injection order; the first one that matches a request is used up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[tuple[Fault, int | None]] = []  # fault, uses left (None = forever)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append((fault, fault.times))

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for index, (fault, left) in enumerate(self._faults):
                if not fault.matches(method, path):
                    continue
                if left is None:
                    return fault
                if left <= 1:
                    del self._faults[index]
                else:
                    self._faults[index] = (fault, left - 1)
                return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox received it. The repr leaves out header values and the body,
    which hold the API token and possibly a private key."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any | None

    def __repr__(self) -> str:
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, "
            f"query={self.query!r}, headers=<{len(self.headers)} headers>, "
            f"body=<{len(self.body)} bytes>)"
        )


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []

    def append(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
