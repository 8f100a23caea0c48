"""A system without any keyring: the window says so in one calm sentence with the fix, offers
to keep the API token for this session only, and works with a typed token."""

from __future__ import annotations

from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.account.tokens import NO_KEYRING_FIX, NO_KEYRING_TEXT
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name, saved_sandbox_profile
from tests.ui.controller_kit import (
    HOME,
    WORK_TOKEN,
    Setup,
    controller_setup,  # noqa: F401 - the `setup` fixture
    create,
)


@pytest.mark.asyncio
async def test_no_keyring_is_a_calm_offer_said_once_not_an_error(setup: Setup) -> None:
    controller = await setup.start(keyring=fail.Keyring())
    assert setup.view.errors == []
    assert setup.view.offers == [(NO_KEYRING_TEXT, NO_KEYRING_FIX)]
    assert "this session only" in setup.view.token_display.store_text
    assert not setup.view.token_display.remember_enabled

    controller.choose_profile(HOME.name)  # another read, the same fact: not said again
    await controller.tasks.wait()
    assert setup.view.offers == [(NO_KEYRING_TEXT, NO_KEYRING_FIX)]
    assert setup.view.errors == []


@pytest.mark.asyncio
async def test_keeping_the_token_for_the_session_works_without_the_keyring(setup: Setup) -> None:
    controller = await setup.start(keyring=fail.Keyring())
    controller.keep_token_for_session()
    assert setup.view.offers == []
    controller.type_api_token(WORK_TOKEN)
    await create(controller)
    assert len(setup.view.results) == 1
    # Nothing tried to save the token: a write to the failing keyring would have been said.
    await controller.tasks.wait()
    assert setup.view.errors == [] and setup.view.notices == []
    assert setup.view.token_display.store_text.startswith("this session only")


def test_the_first_window_without_a_keyring_opens_on_a_calm_notice(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    keyring.set_keyring(fail.Keyring())  # what keyring picks where there is none
    saved_sandbox_profile(sandbox)
    window = make_window(use_sandbox_profile=False)
    banner = window.banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.tone() == "notice"
    assert banner.message() == NO_KEYRING_TEXT and banner.hint() == NO_KEYRING_FIX
    assert not banner.messageLabel.font().bold()
    keep = by_name(window, QPushButton, "errorBannerAction")
    assert keep.isVisible() and keep.text() == "Keep for this session only"
    assert keep.accessibleName() == keep.text()

    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    store = by_name(window, QLabel, "tokenStoreLabel").text()
    assert store.startswith("Kept in: this session only")

    window.account.apiTokenEdit.setFocus()
    qtbot.keyClicks(window.account.apiTokenEdit, sandbox.DEMO_API_TOKEN)
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    qtbot.waitUntil(window.createTokenButton.isEnabled, timeout=WAIT_MS)
    finished = window.controller.finished
    window.createTokenButton.click()
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    assert window.result.token()
    assert not banner.isVisible()
