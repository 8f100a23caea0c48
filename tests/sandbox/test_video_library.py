"""A seeded library of any size, the same every time, and a list endpoint that filters and pages
it the way Cloudflare's does."""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.sandbox.__main__ import main, serve
from cfstream_gui.sandbox.seeding import seeded_videos
from tests.sandbox.helpers import error_of, stream

SEEDED = 1200


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[Sandbox, httpx.Client]]:
    with Sandbox(videos=SEEDED) as sandbox:
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10) as api:
            yield sandbox, api


def created(video: dict[str, object]) -> datetime:
    return datetime.fromisoformat(str(video["created"]))


def test_seeding_adds_to_the_demo_library_which_stays_newest(
    big: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, _ = big
    videos = sandbox.videos
    demo = Sandbox().videos  # not started: only its library is looked at
    assert len(videos) == SEEDED + len(demo)
    assert [v["uid"] for v in videos[: len(demo)]] == [v["uid"] for v in demo]
    assert len({v["uid"] for v in videos}) == len(videos)
    assert [created(v) for v in videos] == sorted((created(v) for v in videos), reverse=True)


def test_the_seeded_library_looks_like_a_real_one(big: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, _ = big
    seeded = sandbox.videos[6:]
    states = Counter(v["status"]["state"] for v in seeded)
    assert states["ready"] > 0.8 * SEEDED
    assert {"pendingupload", "queued", "inprogress", "error"} <= set(states)
    public = sum(1 for v in seeded if not v["requireSignedURLs"])
    assert 0.2 * SEEDED < public < 0.4 * SEEDED
    for video in seeded:
        ready = video["status"]["state"] == "ready"
        # As Cloudflare: no watch page or thumbnail until encoding is done.
        assert ("preview" in video) is ready and ("thumbnail" in video) is ready
        assert video["readyToStream"] is ready
    same_instant = Counter(v["created"] for v in seeded)
    assert max(same_instant.values()) >= 3  # bulk uploads
    years = {created(v).year for v in seeded}
    assert len(years) >= 2  # spread over time, not all at once
    assert any(sandbox.downloads_enabled(v["uid"]) for v in seeded)


def test_the_same_seed_gives_the_same_library_however_it_is_seeded() -> None:
    at_once = [s.video for s in seeded_videos(50)]
    in_steps = [s.video for s in seeded_videos(20) + seeded_videos(30, start=20)]
    assert at_once == in_steps
    assert [s.video["uid"] for s in seeded_videos(5, seed=1)] != [v["uid"] for v in at_once[:5]]
    with pytest.raises(ValueError, match="cannot be negative"):
        seeded_videos(-1)


def test_a_running_sandbox_can_be_seeded_further(sb_small: Sandbox) -> None:
    before = len(sb_small.videos)
    sb_small.seed_videos(10)
    sb_small.seed_videos(5)
    uids = [v["uid"] for v in sb_small.videos]
    assert len(uids) == before + 15 == len(set(uids))


@pytest.fixture
def sb_small() -> Iterator[Sandbox]:
    with Sandbox(videos=3) as sandbox:
        yield sandbox


# --- the list endpoint -------------------------------------------------------------------------


def test_before_and_after_are_strict_and_asc_reverses(big: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = big
    videos = sandbox.videos
    pivot = videos[100]["created"]
    older = api.get(stream(), params={"before": pivot, "limit": "5"}).json()["result"]
    assert all(created(v) < created(videos[100]) for v in older)
    assert older[0]["uid"] == next(v["uid"] for v in videos if created(v) < created(videos[100]))
    newer = api.get(stream(), params={"after": pivot, "asc": "true", "limit": "3"}).json()
    assert [created(v) for v in newer["result"]] == sorted(created(v) for v in newer["result"])
    assert all(created(v) > created(videos[100]) for v in newer["result"])
    assert newer["range"] == sum(1 for v in videos if created(v) > created(videos[100]))


def test_include_counts_counts_what_the_filters_match(big: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = big
    body = api.get(
        stream(), params={"search": "keynote", "include_counts": "true", "limit": "1"}
    ).json()
    expected = sum(1 for v in sandbox.videos if "keynote" in v["meta"]["name"].lower())
    assert body["total"] == body["range"] == expected > 1
    assert len(body["result"]) == 1


def test_video_name_is_an_exact_match(big: tuple[Sandbox, httpx.Client]) -> None:
    sandbox, api = big
    name = sandbox.videos[42]["meta"]["name"]
    exact = api.get(stream(), params={"video_name": name}).json()["result"]
    assert [v["uid"] for v in exact] == [sandbox.videos[42]["uid"]]
    assert api.get(stream(), params={"video_name": name[:-1]}).json()["result"] == []


@pytest.mark.parametrize(
    ("params", "phrase"),
    [
        ({"asc": "yes"}, "asc must be true or false"),
        ({"include_counts": "1"}, "include_counts must be true or false"),
        ({"before": "yesterday"}, "RFC 3339"),
        ({"after": "2025-01-01T00:00:00"}, "needs a time zone"),
    ],
)
def test_bad_list_parameters_are_400_with_a_sentence(
    big: tuple[Sandbox, httpx.Client], params: dict[str, str], phrase: str
) -> None:
    _, api = big
    response = api.get(stream(), params=params)
    assert response.status_code == 400
    assert phrase in error_of(response)["message"]


def test_an_edit_shows_in_the_list_and_the_video(big: tuple[Sandbox, httpx.Client]) -> None:
    _, api = big
    page = api.get(stream(), params={"limit": "3"}).json()["result"]
    uid, was = page[1]["uid"], page[1]["requireSignedURLs"]
    edited = api.post(stream(f"/{uid}"), json={"uid": uid, "requireSignedURLs": not was})
    assert edited.json()["result"]["requireSignedURLs"] is (not was)
    again = api.get(stream(), params={"limit": "3"}).json()["result"]
    assert [v["uid"] for v in again] == [v["uid"] for v in page]  # same place in the list
    assert again[1]["requireSignedURLs"] is (not was)
    assert api.get(stream(f"/{uid}")).json()["result"]["requireSignedURLs"] is (not was)
    api.post(stream(f"/{uid}"), json={"requireSignedURLs": was})


def test_the_foreground_sandbox_seeds_and_lists_only_the_newest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = io.StringIO()
    stop = threading.Event()
    stop.set()  # print the banner, then return at once
    serve("127.0.0.1", 0, out, stop, videos=30)
    text = out.getvalue()
    assert "... and 24 more (cfstream-token videos lists them all)" in text
    assert "Training: advanced signing" in text  # the demo videos stay at the top
    with pytest.raises(SystemExit) as refused:
        main(["--videos", "100001"])
    assert refused.value.code == 2
    assert "give a number of videos from 0 to 100,000" in capsys.readouterr().err
