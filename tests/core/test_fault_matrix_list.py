"""The fault matrix for the video list, at the client (`StreamClient.list_videos`): the window has
no video browser yet, and the one to come inherits exactly this. Every failure is the documented
exception with a sentence and a hint, never the API token; Cancel ends a request in flight; and
the same client works again as soon as the API does."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from cfstream_gui.core.cloudflare import ApiError, StreamClient, _http
from cfstream_gui.sandbox import Sandbox
from tests.support.fault_cases import CASES, IDS, LIST, FaultCase
from tests.support.front import Front

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
TOKEN = Sandbox.DEMO_API_TOKEN


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[Sandbox, Front]]:
    with Sandbox() as sandbox, Front(sandbox.base_url) as front:
        yield sandbox, front


@pytest.fixture
def rig(running: tuple[Sandbox, Front]) -> Iterator[tuple[Sandbox, Front]]:
    sandbox, front = running
    sandbox.clear()
    front.clear()
    yield running
    sandbox.clear()
    front.clear()


async def no_sleep(_seconds: float) -> None:
    await asyncio.sleep(0)


def client(front: Front, case: FaultCase) -> StreamClient:
    return StreamClient(
        TOKEN, base_url=front.base_url, env={}, timeout=case.timeout, sleep=no_sleep
    )


def assert_a_sentence(error: ApiError, case: FaultCase) -> None:
    assert case.phrase_for(LIST) in error.message, error.message
    assert error.hint, "every failure says what to do next"
    text = f"{error} {error!r}"
    assert TOKEN not in text
    assert "Traceback" not in text and len(text) < 700


async def listed(client: StreamClient) -> set[str]:
    return {str(video["uid"]) for video in await client.list_videos(ACCOUNT)}


@pytest.mark.asyncio
@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_each_failure_is_a_sentence_and_the_client_works_again(
    rig: tuple[Sandbox, Front], case: FaultCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb, front = rig
    if case.connect_timeout is not None:
        monkeypatch.setattr(_http, "CONNECT_TIMEOUT", case.connect_timeout)
    async with client(front, case) as api:
        case.arm(sb, front, LIST)

        with pytest.raises(case.error) as caught:
            await api.list_videos(ACCOUNT)

        assert type(caught.value) is case.error  # not a more general class, nor another one
        assert_a_sentence(caught.value, case)
        sb.clear()
        front.clear()
        assert await listed(api) == set(sb.video_uids())


@pytest.mark.asyncio
@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_cancel_ends_a_list_in_flight_and_the_client_works_again(
    rig: tuple[Sandbox, Front], case: FaultCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb, front = rig
    if case.connect_timeout is not None:
        monkeypatch.setattr(_http, "CONNECT_TIMEOUT", case.connect_timeout)
    async with client(front, case) as api:
        front.hold()  # the request is out and its (failing) answer not yet in
        listing = asyncio.ensure_future(api.list_videos(ACCOUNT))
        assert await asyncio.to_thread(front.holding.wait, 10)
        case.arm(sb, front, LIST)

        listing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listing

        front.release()
        sb.clear()
        front.clear()
        assert await listed(api) == set(sb.video_uids())
