"""The window controller's profiles, API tokens and saved form, with a fake view and no
sandbox: credentials are values, so another profile or another token means another API client,
and no token ever reaches the saved form (see `controller_kit.py` for the fakes)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cfstream_gui.core.credentials import API_TOKEN_ENV
from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.storage.form_state import FormState
from cfstream_gui.core.storage.secrets import SecretStore
from tests.ui.controller_kit import (
    HOME,
    HOME_TOKEN,
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
)

# -- credentials as values --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_another_profile_gets_another_client_and_the_first_keeps_its_token(
    setup: Setup,
) -> None:
    controller = await setup.start()
    await create(controller)
    (work_client,) = setup.clients.made
    work_credentials = work_client.credentials

    controller.choose_profile("home")
    await controller.tasks.wait()
    assert setup.view.account == HOME.account_id
    await create(controller)

    assert len(setup.clients.made) == 2
    home_client = setup.clients.made[1]
    assert home_client.api_token == HOME_TOKEN
    assert work_client.credentials is work_credentials and work_client.api_token == WORK_TOKEN
    assert [bearer(r) for r in setup.api.token_posts()] == [WORK_TOKEN, HOME_TOKEN]

    controller.choose_profile("work")
    await create(controller)  # back on work: its own client again, never a re-pointed one
    assert len(setup.clients.made) == 2
    assert [bearer(r) for r in setup.api.token_posts()][-1] == WORK_TOKEN


@pytest.mark.asyncio
async def test_a_typed_token_gets_a_new_client_and_is_remembered(setup: Setup) -> None:
    new_token = "test-api-token-typed-00000000000000000000"
    setup.api.tokens.add(new_token)
    controller = await setup.start()
    await create(controller)
    controller.type_api_token(f"  {new_token}\n")  # as pasted, with the whitespace
    await create(controller)
    await controller.tasks.wait()

    assert [c.api_token for c in setup.clients.made] == [WORK_TOKEN, new_token]
    assert bearer(setup.api.token_posts()[-1]) == new_token
    assert SecretStore(backend=setup.keyring).get_api_token("work") == new_token


@pytest.mark.asyncio
async def test_a_token_that_cannot_be_sent_is_refused_with_a_sentence(setup: Setup) -> None:
    controller = await setup.start()
    controller.type_api_token("test-api-token\r\nX-Injected: yes")

    assert "API token contains spaces, line breaks" in setup.view.reason
    assert "Injected" not in setup.view.reason
    await create(controller)
    assert setup.api.requests == []


@pytest.mark.asyncio
async def test_a_malformed_environment_token_never_falls_back_to_the_keyring(
    setup: Setup,
) -> None:
    controller = await setup.start(env={API_TOKEN_ENV: "test-api-token with spaces"})

    assert setup.view.token_display.read_only
    assert API_TOKEN_ENV in setup.view.reason and "spaces" in setup.view.reason
    await create(controller)
    await controller.verify()
    assert setup.api.requests == []  # the keyring's work token was not sent instead


@pytest.mark.asyncio
async def test_the_environment_token_wins_over_the_keyring(setup: Setup) -> None:
    env_token = "test-api-token-env-0000000000000000000000"
    setup.api.tokens.add(env_token)
    controller = await setup.start(env={API_TOKEN_ENV: env_token})
    assert setup.view.token_display.store_text == f"environment ({API_TOKEN_ENV})"

    await create(controller)

    assert bearer(setup.api.token_posts()[0]) == env_token
    assert not setup.view.token_display.remember_enabled
    assert SecretStore(backend=setup.keyring).get_api_token("work") == WORK_TOKEN


@pytest.mark.asyncio
async def test_verify_says_the_token_is_active(setup: Setup) -> None:
    controller = await setup.start()
    assert setup.view.can_verify
    await controller.verify()
    assert setup.view.verify_status == "active"
    assert setup.view.statuses[-1] == "The API token is active"


# -- the saved form ---------------------------------------------------------------------------


def saved_state(**changes: Any) -> FormState:
    state = FormState.capture(
        now=NOW - 86_400,  # saved yesterday
        profile="home",
        account_id="f6" * 16,
        video=VIDEO,
        exp=int(NOW - 86_400) + 7200,
        nbf=None,
        downloadable=True,
        rules=[AccessRule("block", "ip.geoip.country", ("RU",)), AccessRule("allow", "any")],
        url_kind="hls",
        engine=SigningEngine.LOCAL,
        key_id=KEY_ID,
    )
    return replace(state, **changes)


@pytest.mark.asyncio
async def test_the_saved_form_comes_back_relative_to_now(setup: Setup) -> None:
    setup.form_store.save(saved_state())
    await setup.start()

    assert setup.view.shown_profiles[-1] == "home"
    assert setup.view.account == "f6" * 16  # the account ID typed for that profile
    (values,) = setup.view.restored
    assert values.exp == int(NOW) + 7200  # two hours from now, as it was when saved
    assert (values.video, values.downloadable, values.url_kind) == (VIDEO, True, "hls")
    assert values.rules == saved_state().rules
    assert (values.engine, values.key_id) == (SigningEngine.LOCAL, KEY_ID)


@pytest.mark.asyncio
async def test_another_profiles_account_id_is_not_restored(setup: Setup) -> None:
    setup.form_store.save(saved_state())
    await setup.start(prefer_profile="work")

    assert setup.view.shown_profiles[-1] == "work"
    assert setup.view.account == WORK.account_id and setup.view.account_ids_set == []
    assert setup.view.restored[0].video == VIDEO


@pytest.mark.asyncio
async def test_the_form_is_never_saved_with_an_api_token_in_it(setup: Setup) -> None:
    setup.form_store.save(saved_state(profile="work"))
    controller = await setup.start()
    setup.view.video = WORK_TOKEN  # pasted into the wrong field
    controller.refresh()
    assert not setup.view.can_create()

    await close(controller)

    text = setup.form_store.path.read_text(encoding="utf-8")
    assert WORK_TOKEN not in text and VIDEO in text  # the last good form is kept
    assert setup.view.statuses[-1].startswith("The form could not be saved")
    assert WORK_TOKEN not in setup.view.statuses[-1]
