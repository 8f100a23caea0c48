"""A token on show that no longer matches the form is marked out of date, and only then."""

from __future__ import annotations

import httpx
import pytest

from cfstream_gui.core.models import AccessRule, SigningEngine
from tests.ui.controller_kit import (
    HOME,
    VIDEO,
    Setup,
    controller_setup,  # noqa: F401 - the `setup` fixture
    create,
    envelope,
)

US = AccessRule("allow", "ip.geoip.country", ("US",))


@pytest.mark.asyncio
async def test_each_change_to_the_form_makes_the_token_out_of_date(setup: Setup) -> None:
    controller = await setup.start()
    await create(controller)
    assert not setup.view.stale

    changes = {
        "video": ("d4" * 16, VIDEO),
        "downloadable": (True, False),
        "rules": ((US,), ()),
        "exp": (int(setup.clock()) + 7200, None),
        "nbf": (int(setup.clock()) - 60, None),
        "account": ("b2" * 16, setup.view.account),
    }
    for name, (changed, back) in changes.items():
        setattr(setup.view, name, changed)
        controller.refresh()
        assert setup.view.stale, f"changing {name} went unnoticed"
        setattr(setup.view, name, back)
        controller.refresh()
        assert not setup.view.stale, f"changing {name} back still reads as out of date"


@pytest.mark.asyncio
async def test_another_profile_or_engine_makes_it_out_of_date(setup: Setup) -> None:
    controller = await setup.start()
    await create(controller)
    setup.view.chosen_engine = SigningEngine.LOCAL
    controller.refresh()
    assert setup.view.stale
    setup.view.chosen_engine = SigningEngine.CLOUDFLARE
    controller.choose_profile(HOME.name)
    await controller.tasks.wait()
    assert setup.view.stale


@pytest.mark.asyncio
async def test_a_new_token_is_current_and_a_failed_create_leaves_the_old_one_out_of_date(
    setup: Setup,
) -> None:
    controller = await setup.start()
    await create(controller)
    setup.view.video = "d4" * 16
    controller.refresh()
    assert setup.view.stale
    setup.api.next_reply = httpx.Response(
        400, json=envelope(errors=[{"code": 10005, "message": "bad video"}])
    )
    await create(controller)
    assert setup.view.errors and len(setup.view.results) == 1
    assert setup.view.stale  # the token on show is still the old one
    await create(controller)
    assert len(setup.view.results) == 2 and not setup.view.stale


@pytest.mark.asyncio
async def test_nothing_is_out_of_date_before_a_token_was_made(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.video = "d4" * 16
    controller.refresh()
    assert not setup.view.stale
