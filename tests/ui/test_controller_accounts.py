"""The window controller's accounts part with a fake view and no window: the profiles offered
again after the Accounts dialog changed them, the profile switched to, the account ID as typed
kept, stale tokens read again, and where the video browser reads from."""

from __future__ import annotations

import pytest

from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.ui.accounts.setup import AccountsChanged
from cfstream_gui.ui.videos.source import VideoSource
from cfstream_gui.ui.window.account_actions import NO_ACCOUNT_FOR_VIDEOS, NO_TOKEN_FOR_VIDEOS
from tests.ui.controller_kit import (
    HOME,
    HOME_TOKEN,
    WORK,
    WORK_TOKEN,
    Setup,
    controller_setup,  # noqa: F401 - the `setup` fixture
)

NEW_TOKEN = "test-api-token-new-0000000000000000000000"


@pytest.mark.asyncio
async def test_a_new_profile_is_offered_and_switched_to(setup: Setup) -> None:
    controller = await setup.start()
    ProfileStore().save(Profile("client-a", account_id="c3" * 16))
    SecretStore(backend=setup.keyring).set_api_token("client-a", NEW_TOKEN)

    controller.accounts.changed(AccountsChanged(stale=("client-a",), use="client-a"))
    await controller.tasks.wait()

    assert "client-a" in setup.view.profile_names
    assert controller.tokens.profile_name() == "client-a"
    assert setup.view.account == "c3" * 16
    assert controller.tokens.api_token() == NEW_TOKEN


@pytest.mark.asyncio
async def test_the_current_profile_stays_with_its_typed_account_id(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.account = "d4" * 16  # edited in the window, for this form
    ProfileStore().save(Profile("client-a", account_id="c3" * 16))

    controller.accounts.changed(AccountsChanged(stale=("client-a",)))
    await controller.tasks.wait()

    assert controller.tokens.profile_name() == "work"
    assert setup.view.account == "d4" * 16
    assert controller.tokens.api_token() == WORK_TOKEN


@pytest.mark.asyncio
async def test_a_changed_token_of_the_current_profile_is_read_again(setup: Setup) -> None:
    controller = await setup.start()
    assert controller.tokens.api_token() == WORK_TOKEN
    SecretStore(backend=setup.keyring).set_api_token("work", NEW_TOKEN)

    controller.accounts.changed(AccountsChanged(stale=("work",)))
    await controller.tasks.wait()

    assert controller.tokens.api_token() == NEW_TOKEN
    assert setup.view.account == WORK.account_id  # its settings may have changed: shown anew


@pytest.mark.asyncio
async def test_a_removed_current_profile_gives_way_to_another(setup: Setup) -> None:
    controller = await setup.start()
    ProfileStore().remove("work")
    SecretStore(backend=setup.keyring).delete_api_token("work")

    controller.accounts.changed(AccountsChanged(stale=("work",)))
    await controller.tasks.wait()

    assert setup.view.profile_names == ["home"]
    assert controller.tokens.profile_name() == "home"
    assert controller.tokens.api_token() == HOME_TOKEN
    assert WORK_TOKEN not in controller.tokens.known_secrets()


@pytest.mark.asyncio
async def test_a_token_the_keyring_refused_is_used_for_this_session(setup: Setup) -> None:
    controller = await setup.start()
    ProfileStore().save(Profile("client-a", account_id="c3" * 16))
    typed = Credentials.of(NEW_TOKEN, Origin.TYPED)

    controller.accounts.changed(
        AccountsChanged(stale=("client-a",), use="client-a", session_tokens={"client-a": typed})
    )
    await controller.tasks.wait()

    assert controller.tokens.profile_name() == "client-a"
    assert controller.tokens.api_token() == NEW_TOKEN


@pytest.mark.asyncio
async def test_the_dialog_is_given_the_stores_and_the_current_profile(setup: Setup) -> None:
    controller = await setup.start()
    given = controller.accounts.setup(add_first=True)
    assert given.current == "work" and given.add_first
    assert [p.name for p in given.profiles.list()] == ["home", "work"]
    client = await given.client(HOME, Credentials.of(HOME_TOKEN, Origin.TYPED))
    assert client.api_token == HOME_TOKEN


@pytest.mark.asyncio
async def test_the_video_browser_reads_with_the_windows_profile_token_and_account(
    setup: Setup,
) -> None:
    controller = await setup.start()
    source = controller.accounts.video_source()
    assert isinstance(source, VideoSource)
    assert source.account_id == WORK.account_id and source.profile.name == "work"
    assert (await source.client()).api_token == WORK_TOKEN

    setup.view.account = ""
    assert controller.accounts.video_source() == NO_ACCOUNT_FOR_VIDEOS
    setup.view.account = WORK.account_id
    controller.type_api_token("")
    assert controller.accounts.video_source() == NO_TOKEN_FOR_VIDEOS


@pytest.mark.asyncio
async def test_the_sandbox_note_shows_for_session_only_profiles(setup: Setup) -> None:
    controller = await setup.start()
    assert setup.view.sandbox_note is False
    controller.accounts.offer(
        [Profile("sandbox", account_id="e5" * 16)], {"sandbox": "sandbox-demo-token-000"}
    )
    controller.choose_profile("sandbox")
    assert setup.view.sandbox_note is True
    controller.choose_profile("work")
    assert setup.view.sandbox_note is False
