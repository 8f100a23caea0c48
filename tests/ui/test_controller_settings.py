"""The settings where they act, through the window controller and a fake view: what a new form
starts with, where links point, what the batch dialog is given, and how a change is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.settings import (
    CLIPBOARD_CLEAR_SECONDS,
    DEFAULT_ENGINE,
    MemorySettingsStore,
    Settings,
    SettingsStore,
)
from cfstream_gui.core.storage.form_state import FormState
from tests.ui.controller_kit import (
    NOW,
    VIDEO,
    WORK,
    Setup,
    controller_setup,  # noqa: F401 - the `setup` fixture
    create,
)

CHOSEN = Settings(
    {
        "default_expiry": "2h",
        "default_engine": "local",
        "url_host_template": "https://watch-{code}.example.com",
        "clipboard_clear_seconds": 20,
    }
)


@pytest.mark.asyncio
async def test_a_new_form_starts_with_the_default_expiry_and_engine(setup: Setup) -> None:
    await setup.start(settings=MemorySettingsStore(CHOSEN))

    restored = setup.view.restored[-1]
    assert restored.exp == int(NOW) + 2 * 3600
    assert restored.engine is SigningEngine.LOCAL
    assert (restored.video, restored.nbf, restored.rules) == ("", None, ())
    assert setup.view.settings_used == [CHOSEN]  # the view follows them too (the clipboard)


@pytest.mark.asyncio
async def test_a_saved_form_wins_over_the_defaults(setup: Setup) -> None:
    setup.form_store.save(
        FormState.capture(
            now=NOW - 600,
            profile="work",
            account_id=WORK.account_id,
            video=VIDEO,
            exp=None,
            nbf=None,
            downloadable=False,
            rules=[],
            url_kind="hls",
        )
    )
    await setup.start(settings=MemorySettingsStore(CHOSEN))

    (restored,) = setup.view.restored
    assert (restored.video, restored.exp, restored.engine) == (
        VIDEO,
        None,
        SigningEngine.CLOUDFLARE,
    )


@pytest.mark.asyncio
async def test_default_settings_leave_a_new_form_untouched(setup: Setup) -> None:
    await setup.start()
    assert setup.view.restored == []  # nothing to restore, nothing to default
    assert setup.view.settings_used == [Settings()]


@pytest.mark.asyncio
async def test_links_point_where_the_host_template_says(setup: Setup) -> None:
    controller = await setup.start(settings=MemorySettingsStore(CHOSEN))
    setup.view.video, setup.view.chosen_engine = VIDEO, SigningEngine.CLOUDFLARE
    controller.refresh()

    await create(controller)

    (result,) = setup.view.results
    assert result.urls is not None
    assert (
        result.urls.watch == f"https://watch-{WORK.customer_code}.example.com/{result.token}/watch"
    )


@pytest.mark.asyncio
async def test_a_changed_setting_applies_at_once_and_is_kept(
    setup: Setup, config_dir: Path
) -> None:
    store = SettingsStore()
    controller = await setup.start(settings=store)
    setup.view.video = VIDEO

    controller.apply_settings(CHOSEN)

    assert controller.settings() == CHOSEN
    assert setup.view.settings_used[-1] == CHOSEN
    assert setup.view.statuses[-1] == "Settings saved"
    assert SettingsStore().load() == CHOSEN
    await create(controller)
    (result,) = setup.view.results
    assert result.urls is not None and result.urls.watch.startswith("https://watch-")


@pytest.mark.asyncio
async def test_settings_that_cannot_be_saved_still_apply_and_say_so(
    setup: Setup, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the config dir should be")
    controller = await setup.start(settings=SettingsStore(blocked))

    controller.apply_settings(CHOSEN)

    assert controller.settings()[DEFAULT_ENGINE] is SigningEngine.LOCAL
    message, hint = setup.view.errors[-1]
    assert message.startswith("The settings could not be saved")
    assert "until the app closes" in hint


@pytest.mark.asyncio
async def test_the_batch_dialog_is_given_the_settings(setup: Setup) -> None:
    controller = await setup.start(settings=MemorySettingsStore(CHOSEN))
    batch = controller.keys.batch_setup()
    assert batch is not None
    assert batch.default_exp == "2h"
    assert batch.host_template == "https://watch-{code}.example.com"
    assert batch.clipboard_clear_seconds == CHOSEN[CLIPBOARD_CLEAR_SECONDS]
    assert batch.link_base(WORK.customer_code) == f"https://watch-{WORK.customer_code}.example.com"
