"""A clock the tests set by hand: the app and the sandbox take `clock: Callable[[], float]`."""

from __future__ import annotations


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
