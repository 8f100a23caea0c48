"""The window controller's quiet check of the video in the form, and its "Require signed
URLs" action, with a fake view and a scripted Cloudflare: one read per video, no warning for a
video that requires signed URLs, nothing asked without an API token, silence when the read
fails, and the setting changed only when asked."""

from __future__ import annotations

import asyncio

import pytest

from cfstream_gui.ui.window.controller import WindowController
from tests.ui.controller_kit import (
    PUBLIC_VIDEO,
    VIDEO,
    Setup,
    controller_setup,  # noqa: F401 - the `setup` fixture
    sent_body,
)


async def settled(controller: WindowController) -> None:
    """Until the pause after typing is over and the lookup it started has ended."""
    for _ in range(500):
        if not controller.video_check.is_waiting():
            break
        await asyncio.sleep(0.01)
    await controller.tasks.wait()


@pytest.mark.asyncio
async def test_a_public_video_is_warned_about_and_read_once(setup: Setup) -> None:
    setup.view.video = PUBLIC_VIDEO
    controller = await setup.start()
    await settled(controller)
    assert setup.view.video_access is not None and setup.view.video_access.public
    assert setup.view.video_access.name == "Trailer"

    setup.view.video = VIDEO
    controller.refresh()
    await settled(controller)
    assert setup.view.video_access is not None and not setup.view.video_access.public

    setup.view.video = PUBLIC_VIDEO  # back: the answer is kept, nothing is asked again
    controller.refresh()
    assert setup.view.video_access.public
    await settled(controller)
    assert len(setup.api.video_reads()) == 2


@pytest.mark.asyncio
async def test_nothing_is_asked_while_typing_or_for_what_cannot_be_a_video(setup: Setup) -> None:
    setup.view.video = "not a video id!"
    controller = await setup.start()
    for partial in (PUBLIC_VIDEO[:5], PUBLIC_VIDEO[:20], PUBLIC_VIDEO):
        setup.view.video = partial
        controller.refresh()
    await settled(controller)
    # Only the whole ID, once typing paused, and not the text that cannot be an ID.
    assert [r.url.path.rsplit("/", 1)[-1] for r in setup.api.video_reads()] == [PUBLIC_VIDEO]


@pytest.mark.asyncio
async def test_without_an_api_token_nothing_is_asked(setup: Setup) -> None:
    setup.keyring.store.clear()
    setup.view.video = PUBLIC_VIDEO
    controller = await setup.start()
    await settled(controller)
    assert setup.api.video_reads() == [] and setup.view.video_access is None


@pytest.mark.asyncio
async def test_a_failed_read_says_nothing(setup: Setup) -> None:
    setup.view.video = "ab" * 16  # not in the account: 404
    controller = await setup.start()
    await settled(controller)
    assert setup.view.video_access is None
    assert setup.view.errors == [] and setup.view.notices == []


@pytest.mark.asyncio
async def test_require_signed_urls_changes_the_video_and_stops_warning(setup: Setup) -> None:
    setup.view.video = PUBLIC_VIDEO
    controller = await setup.start()
    await settled(controller)

    await controller.require_signed_urls()

    (post,) = [r for r in setup.api.requests if r.method == "POST"]
    assert post.url.path.endswith(f"/stream/{PUBLIC_VIDEO}")
    assert sent_body(post) == {"uid": PUBLIC_VIDEO, "requireSignedURLs": True}
    assert setup.view.video_access is not None and not setup.view.video_access.public
    assert any("now requires signed URLs" in s for s in setup.view.statuses)
    assert controller.finished == 1 and not controller.is_busy()


@pytest.mark.asyncio
async def test_require_signed_urls_does_nothing_without_a_public_video(setup: Setup) -> None:
    setup.view.video = VIDEO
    controller = await setup.start()
    await settled(controller)
    await controller.require_signed_urls()
    assert not [r for r in setup.api.requests if r.method == "POST"]


@pytest.mark.asyncio
async def test_a_refused_change_fills_the_banner_and_keeps_warning(setup: Setup) -> None:
    setup.view.video = PUBLIC_VIDEO
    controller = await setup.start()
    await settled(controller)
    setup.api.tokens.clear()  # the token no longer works

    await controller.require_signed_urls()

    assert setup.view.errors and "API token" in " ".join(m for m, _ in setup.view.errors)
    assert setup.view.video_access is not None and setup.view.video_access.public
    assert setup.view.video == PUBLIC_VIDEO  # the form is as it was
