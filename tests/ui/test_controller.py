"""The window controller on its own, with a fake view and no sandbox: Create and what comes of
it, the signing engines, and closing. Each test reads like something a user does and checks
what they would see in the window (see `controller_kit.py` for the fakes)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.ui.window.gate import countdown
from cfstream_gui.ui.window.runner import CANCELLED_TEXT
from tests.support.rsa_keys import pkcs1_pem, rsa_key
from tests.ui.controller_kit import (
    KEY_ID,
    NOW,
    VIDEO,
    WORK,
    WORK_TOKEN,
    Setup,
    bearer,
    close,
    controller_setup,  # noqa: F401 - the `setup` fixture
    create,
    envelope,
    sent_body,
)

# -- create -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_create_shows_the_token_and_saves_the_form(setup: Setup) -> None:
    controller = await setup.start()
    assert setup.view.shown_profiles[-1] == "work"
    assert setup.view.token_display.text == WORK_TOKEN  # read from the keyring, then shown
    assert setup.view.can_create(), setup.view.reason

    await create(controller)

    (post,) = setup.api.token_posts()
    assert post.url.path.endswith(f"/accounts/{WORK.account_id}/stream/{VIDEO}/token")
    assert bearer(post) == WORK_TOKEN
    (result,) = setup.view.results
    assert decode_token(result.token).sub == VIDEO
    assert result.urls is not None and "workcode123" in result.urls.watch
    assert setup.view.statuses[-1] == "Token created"
    saved = setup.form_store.load()
    assert saved is not None and (saved.profile, saved.video) == ("work", VIDEO)
    assert WORK_TOKEN not in setup.form_store.path.read_text(encoding="utf-8")
    assert setup.view.can_create() and controller.finished == 1


@pytest.mark.asyncio
async def test_the_request_checked_is_the_one_sent_built_once(setup: Setup) -> None:
    controller = await setup.start()
    built_before = setup.view.requests_built
    when_sent: list[int] = []
    setup.api.seen.append(lambda: when_sent.append(setup.view.requests_built - built_before))
    setup.view.rules = (AccessRule("allow", "ip.geoip.country", ("de",)),)

    await create(controller)

    assert when_sent == [1]  # one form read between the click and the request
    body = sent_body(setup.api.token_posts()[0])
    assert body["accessRules"] == [
        {"type": "ip.geoip.country", "action": "allow", "country": ["DE"]}
    ]


@pytest.mark.asyncio
async def test_a_bad_form_blocks_create_with_the_first_errors_sentence(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.video = ""
    setup.view.exp = int(NOW) - 60
    controller.refresh()

    assert [p.field for p in setup.view.problems] == ["video ID", "expiry"]  # both marked
    assert setup.view.reason == "Video ID is empty; paste the 32-character ID."
    await create(controller)  # a click that slips through (Ctrl+Return) does nothing
    setup.view.video = VIDEO
    controller.refresh()
    assert setup.view.reason.startswith("Expiry") and "in the past" in setup.view.reason
    await create(controller)

    assert setup.api.requests == [] and setup.view.results == []
    assert setup.form_store.load() is None


@pytest.mark.asyncio
async def test_a_warning_is_said_but_does_not_block(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.video = "notAVideo123"  # Cloudflare only promises "at most 32 characters"
    controller.refresh()

    assert setup.view.can_create()
    (warning,) = setup.view.warnings
    assert "notAVideo123" in warning.message and warning.field == "video ID"


@pytest.mark.asyncio
async def test_an_api_error_fills_the_banner_and_keeps_the_form(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.rules = (AccessRule("block", "ip.geoip.country", ("RU",)),)
    before = setup.view.form_values()
    restored_before = list(setup.view.restored)
    controller.type_api_token("test-api-token-revoked-0000000000000000")

    await create(controller)

    message, hint = setup.view.errors[-1]
    assert "refused the API token" in message and "Stream Edit" in hint
    assert "revoked" not in message + hint  # the token is never quoted back
    assert setup.view.verify_status == "invalid"
    assert setup.view.results == []
    assert setup.view.form_values() == before and setup.view.restored == restored_before
    assert setup.form_store.load() is None  # only a token saves the form
    assert setup.view.can_create()  # ready to try again


@pytest.mark.asyncio
async def test_cancel_stops_the_request_and_keeps_the_form(setup: Setup) -> None:
    controller = await setup.start()
    setup.api.hold = asyncio.Event()
    before = setup.view.form_values()
    running = controller.create()
    await setup.api.arrived.wait()
    assert controller.is_busy() and setup.view.busy_text == "Creating the token…"

    controller.cancel()
    await running

    assert setup.view.notices == [CANCELLED_TEXT]
    assert setup.view.results == [] and not controller.is_busy()
    assert setup.view.busy_text is None and setup.view.can_create()
    assert setup.view.form_values() == before


@pytest.mark.asyncio
async def test_a_second_click_while_busy_makes_no_second_token(setup: Setup) -> None:
    controller = await setup.start()
    # Both clicks land before the first task has started: only the busy guard stops the second.
    first, second = controller.create(), controller.create()
    await asyncio.gather(first, second)
    setup.api.hold = asyncio.Event()
    third = controller.create()
    await setup.api.arrived.wait()
    fourth = controller.create()  # while the third one waits for Cloudflare
    await asyncio.sleep(0)  # the click's task runs up to where it sends, or to its guard
    setup.api.hold.set()
    await asyncio.gather(third, fourth)

    assert len(setup.api.token_posts()) == 2
    assert len(setup.view.results) == 2 and controller.finished == 2


@pytest.mark.asyncio
async def test_a_rate_limit_disables_create_with_a_countdown_until_it_is_over(
    setup: Setup,
) -> None:
    controller = await setup.start()
    error = {"code": 971, "message": "Please wait and consider throttling your request speed"}
    setup.api.next_reply = httpx.Response(
        429, json=envelope(errors=[error]), headers={"Retry-After": "300"}
    )
    await create(controller)

    assert "rate limit" in setup.view.errors[-1][0]
    assert setup.view.reason == ("Cloudflare's rate limit: Create is available again in 5:00 min.")
    setup.clock.now += 100
    controller.refresh()
    assert "3:20 min" in setup.view.reason
    await create(controller)
    assert len(setup.api.token_posts()) == 1  # Ctrl+Return during the wait sends nothing

    setup.clock.now += 201
    controller.refresh()
    assert setup.view.can_create()
    await create(controller)
    assert len(setup.view.results) == 1


@pytest.mark.asyncio
async def test_a_hostile_answer_is_never_shown_as_a_token(setup: Setup) -> None:
    controller = await setup.start()
    setup.api.next_reply = httpx.Response(
        200, json=envelope({"token": "<img src=x onerror=alert(1)>"})
    )
    await create(controller)

    assert setup.view.results == []
    message, hint = setup.view.errors[-1]
    assert "token" in message and hint
    assert "<img" not in message + hint  # what the server sent is not echoed
    assert setup.form_store.load() is None


@pytest.mark.asyncio
async def test_a_video_id_that_would_change_the_endpoint_is_not_sent(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.video = ".."  # the URL path would climb a level
    controller.refresh()
    assert setup.view.reason.startswith("Video ID '..' cannot be a Cloudflare ID")
    await create(controller)

    assert setup.api.requests == [] and setup.view.results == []


# -- engines ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_local_signing_needs_no_api_token_no_account_and_no_network(
    setup: Setup,
) -> None:
    store = SecretStore(backend=setup.keyring)
    store.delete_api_token("work")
    store.set_signing_key("work", KEY_ID, pkcs1_pem(rsa_key(1)))
    controller = await setup.start()
    assert setup.view.token_display.text == ""
    assert "Enter the API token" in setup.view.reason
    setup.view.chosen_engine = SigningEngine.LOCAL
    setup.view.account = ""
    controller.refresh()
    assert setup.view.can_create(), setup.view.reason
    assert "nothing is sent" in setup.view.preview

    await create(controller)

    (result,) = setup.view.results
    assert decode_token(result.token).kid == KEY_ID
    assert setup.api.requests == [] and setup.clients.made == []  # not even a client
    assert setup.view.statuses[-1] == "Token signed on this computer"
    # The profile knows its customer code: the links are there without asking anyone.
    assert result.urls is not None and "workcode123" in result.urls.watch


@pytest.mark.asyncio
async def test_a_key_engine_without_a_held_key_says_so(setup: Setup) -> None:
    controller = await setup.start()
    for engine in (SigningEngine.API_KEY, SigningEngine.LOCAL):
        setup.view.chosen_engine = engine
        controller.refresh()
        assert "No signing key is held for profile “work”" in setup.view.reason
    await create(controller)
    assert setup.view.results == [] and setup.api.requests == []


# -- closing ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_closing_cancels_the_request_and_closes_every_client(setup: Setup) -> None:
    controller = await setup.start()
    setup.api.hold = asyncio.Event()
    running = controller.create()
    await setup.api.arrived.wait()

    await close(controller)

    assert running.done() and setup.view.results == []
    assert setup.view.dialogs_closed
    assert all(client._http is None or client._http.is_closed for client in setup.clients.made)
    saved = setup.form_store.load()
    assert saved is not None and saved.video == VIDEO  # what was typed survives the close


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(45, "45 seconds"), (299.2, "5:00 min"), (3599, "59:59 min"), (3600, "1:00 h"),
     (172800, "48:00 h")],
)  # fmt: skip
def test_the_rate_limit_countdown_reads_well_for_any_wait(seconds: float, shown: str) -> None:
    assert countdown(seconds) == shown
