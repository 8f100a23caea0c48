"""Listing a library of 5,000 videos a page at a time, against the sandbox over loopback: every
video once and in order, search, a limit, cancel, uploads that share one instant across a page
boundary, a server that ignores the cursor; and the signed-URLs switch."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest
import pytest_asyncio

from cfstream_gui.core.cloudflare import BadResponse, NotFound, StreamClient
from cfstream_gui.core.videos import VideoPage, VideoPager
from cfstream_gui.sandbox import Fault, Sandbox

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
SEEDED = 5000


@pytest.fixture(scope="module")
def library() -> Iterator[Sandbox]:
    with Sandbox(videos=SEEDED) as sandbox:
        yield sandbox


@pytest.fixture
def sb(library: Sandbox) -> Iterator[Sandbox]:
    library.clear()
    yield library
    library.clear()


@pytest_asyncio.fixture
async def client(sb: Sandbox) -> AsyncIterator[StreamClient]:
    async with StreamClient(Sandbox.DEMO_API_TOKEN, base_url=sb.base_url) as api:
        yield api


async def pages_of(pager: VideoPager) -> list[VideoPage]:
    return [page async for page in pager]


def uids(pages: list[VideoPage]) -> list[str]:
    return [video.uid for page in pages for video in page.videos]


def list_requests(sb: Sandbox) -> list[dict[str, str]]:
    return [r.query for r in sb.requests if r.path.endswith(f"/accounts/{ACCOUNT}/stream")]


@pytest.mark.asyncio
async def test_every_video_once_newest_first_with_progress(
    sb: Sandbox, client: StreamClient
) -> None:
    library = [video["uid"] for video in sb.videos]
    assert len(library) == SEEDED + 6

    pages = await pages_of(VideoPager(client, ACCOUNT))

    assert uids(pages) == library
    assert [page.total for page in pages] == [len(library)] * len(pages)
    loaded = [page.loaded for page in pages]
    assert loaded == sorted(loaded) and loaded[-1] == len(library)
    assert [page.last for page in pages] == [False] * (len(pages) - 1) + [True]
    assert all(page.note is None for page in pages)
    # At most 1,000 per request; the count asked for once, on the first request only.
    queries = list_requests(sb)
    assert len(queries) == len(pages) <= 7
    assert all(q["limit"] == "1000" for q in queries)
    assert [("include_counts" in q) for q in queries] == [True] + [False] * (len(queries) - 1)
    assert "before" not in queries[0] and all("before" in q for q in queries[1:])


@pytest.mark.asyncio
async def test_uploads_sharing_one_instant_across_a_page_boundary(
    sb: Sandbox, client: StreamClient
) -> None:
    library = sb.videos
    created = [video["created"] for video in library]
    # The first pair of videos uploaded in the same instant, and a page that ends between them.
    first_tie = next(i for i in range(len(created) - 1) if created[i] == created[i + 1])

    pages = await pages_of(VideoPager(client, ACCOUNT, page_size=first_tie + 1, limit=400))

    listed = uids(pages)
    assert listed == [video["uid"] for video in library[:400]]
    assert len(set(listed)) == len(listed)


@pytest.mark.asyncio
async def test_more_ties_than_a_page_holds_are_said_not_looped_on(
    sb: Sandbox, client: StreamClient
) -> None:
    created = [video["created"] for video in sb.videos]
    start = next(i for i in range(len(created) - 2) if created[i] == created[i + 2])

    pages = await pages_of(VideoPager(client, ACCOUNT, page_size=2, limit=start + 6))

    listed = uids(pages)
    assert len(set(listed)) == len(listed)  # nothing twice, and the pager ended
    notes = [page.note for page in pages if page.note]
    assert notes and all("may be missing from the list" in note for note in notes)
    assert set(listed) <= {video["uid"] for video in sb.videos}


@pytest.mark.asyncio
async def test_search_is_cloudflares_and_the_total_counts_matches(
    sb: Sandbox, client: StreamClient
) -> None:
    expected = [v["uid"] for v in sb.videos if "training" in v["meta"]["name"].lower()]
    assert 100 < len(expected) < SEEDED

    pages = await pages_of(VideoPager(client, ACCOUNT, search="  Training ", page_size=200))

    assert uids(pages) == expected
    assert pages[0].total == len(expected)
    assert {q["search"] for q in list_requests(sb)} == {"Training"}


@pytest.mark.asyncio
async def test_a_limit_stops_early_without_asking_for_more(
    sb: Sandbox, client: StreamClient
) -> None:
    pages = await pages_of(VideoPager(client, ACCOUNT, limit=1500))

    assert uids(pages) == [video["uid"] for video in sb.videos[:1500]]
    assert pages[-1].last and pages[-1].loaded == 1500
    # Only what is still wanted (plus the video the cursor repeats), never another 1,000.
    limits = [int(q["limit"]) for q in list_requests(sb)]
    assert limits[:2] == [1000, 501] and sum(limits) < 1510


@pytest.mark.asyncio
async def test_cancel_stops_before_the_next_request(sb: Sandbox, client: StreamClient) -> None:
    pager = VideoPager(client, ACCOUNT, page_size=100)
    seen = []
    async for page in pager:
        seen.append(page)
        if len(seen) == 2:
            pager.cancel()

    assert len(seen) == 2 and pager.cancelled and pager.loaded == len(uids(seen))
    assert len(list_requests(sb)) == 2


@pytest.mark.asyncio
async def test_pages_carry_what_a_list_shows(sb: Sandbox, client: StreamClient) -> None:
    pages = await pages_of(VideoPager(client, ACCOUNT))
    videos = {video.uid: video for page in pages for video in page.videos}
    raw = {video["uid"]: video for video in sb.videos}
    for uid, video in videos.items():
        assert video.name == raw[uid]["meta"]["name"]
        assert video.require_signed_urls is raw[uid]["requireSignedURLs"]
        assert video.ready is raw[uid]["readyToStream"]
        assert isinstance(video.created, datetime) and video.created.tzinfo is not None
    states = {video.state for video in videos.values()}
    assert {"ready", "inprogress", "queued", "error", "pendingupload"} <= states
    assert {video.duration is None for video in videos.values()} == {True, False}
    assert {video.customer_code for video in videos.values()} == {Sandbox.DEMO_CUSTOMER_CODE}


@pytest.mark.asyncio
async def test_a_server_that_ignores_the_cursor_cannot_loop_the_pager(
    sb: Sandbox, client: StreamClient
) -> None:
    same_page = {"result": sb.videos[:3], "success": True, "errors": [], "messages": []}
    sb.inject_fault(Fault(200, body=same_page, times=None, path_contains="/stream"))

    pager = VideoPager(client, ACCOUNT, page_size=3)
    with pytest.raises(BadResponse, match="sent the same videos again after 3"):
        await pages_of(pager)
    assert pager.loaded == 3


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "result",
    [
        [{"name": "no uid"}],
        [{"uid": 42}],
        {"uid": "not a list"},
        None,
    ],
)
async def test_a_list_that_is_not_videos_is_a_bad_response(
    sb: Sandbox, client: StreamClient, result: object
) -> None:
    body = {"result": result, "success": True, "errors": [], "messages": []}
    sb.inject_fault(Fault(200, body=body, path_contains="/stream"))
    with pytest.raises(BadResponse, match="no list of videos"):
        await pages_of(VideoPager(client, ACCOUNT))


def test_page_sizes_and_limits_are_checked_before_anything_is_sent() -> None:
    api = StreamClient(Sandbox.DEMO_API_TOKEN, base_url="http://127.0.0.1:9/client/v4")
    with pytest.raises(ValueError, match="between 1 and 1000"):
        VideoPager(api, ACCOUNT, page_size=1001)
    with pytest.raises(ValueError, match="at least 1"):
        VideoPager(api, ACCOUNT, limit=0)


# --- the signed-URLs switch --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_require_signed_urls_on_and_off(sb: Sandbox, client: StreamClient) -> None:
    uid = sb.video_uids(signed=False)[0]

    turned_on = await client.set_require_signed_urls(ACCOUNT, uid, True)
    assert turned_on["requireSignedURLs"] is True
    assert (await client.get_video(ACCOUNT, uid))["requireSignedURLs"] is True
    edit = next(r for r in sb.requests if r.method == "POST" and r.path.endswith(uid))
    assert edit.json == {"uid": uid, "requireSignedURLs": True}

    turned_off = await client.set_require_signed_urls(ACCOUNT, uid, False)
    assert turned_off["requireSignedURLs"] is False
    assert uid in sb.video_uids(signed=False)


@pytest.mark.asyncio
async def test_a_switch_cloudflare_did_not_make_is_not_reported_as_made(
    sb: Sandbox, client: StreamClient
) -> None:
    video = next(v for v in sb.videos if v["requireSignedURLs"] is False)
    body = {"result": video, "success": True, "errors": [], "messages": []}
    sb.inject_fault(Fault(200, body=body, method="POST"))
    with pytest.raises(BadResponse, match="does not require signed URLs"):
        await client.set_require_signed_urls(ACCOUNT, video["uid"], True)


@pytest.mark.asyncio
async def test_switching_an_unknown_video_is_not_found(client: StreamClient) -> None:
    with pytest.raises(NotFound):
        await client.set_require_signed_urls(ACCOUNT, "0" * 32, True)
