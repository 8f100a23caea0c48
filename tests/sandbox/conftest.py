"""One sandbox and one pair of clients per test module (an httpx.Client costs ~50 ms to build),
the sandbox reset before every test; a settable clock so token times can be asserted exactly."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cfstream_gui.sandbox import Sandbox
from tests.sandbox.helpers import NOW
from tests.support.clock import FakeClock


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(scope="module")
def running(clock: FakeClock) -> Iterator[Sandbox]:
    with Sandbox(clock=clock) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def sandbox(running: Sandbox, clock: FakeClock) -> Sandbox:
    running.clear()
    clock.now = NOW
    return running


@pytest.fixture(scope="module")
def api(running: Sandbox) -> Iterator[httpx.Client]:
    """A client that authenticates as the demo account."""
    headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
    with httpx.Client(base_url=running.base_url, headers=headers, timeout=5) as client:
        yield client


@pytest.fixture(scope="module")
def anon(running: Sandbox) -> Iterator[httpx.Client]:
    """A client with no credentials, for auth-error tests."""
    with httpx.Client(base_url=running.base_url, timeout=5) as client:
        yield client


@pytest.fixture
def uid(sandbox: Sandbox) -> str:
    """A ready demo video that needs a signed URL."""
    return sandbox.video_uids(signed=True)[0]
