"""The fault matrix through the window: token Create, and Keys → Signing keys… → Create key,
against every failure in `tests/support/fault_cases.py`, over real loopback HTTP.

For each: a specific sentence in the banner with what to do next, the form and the rules as the
user left them, no token (or key) from a failed click and never two from one, Cancel (or
closing the dialog) ends the request in flight, no crash dialog, and the next click works as
soon as the API does. (The video list has no window yet: `tests/core/test_fault_matrix_list.py`
runs the matrix on the client the future video browser will use.)
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from cfstream_gui.core.cloudflare import _http
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog
from cfstream_gui.ui.window.runner import CANCELLED_TEXT
from tests.support.fault_cases import CASES, CREATE, IDS, KEY, FaultCase
from tests.ui.conftest import WAIT_MS, by_name
from tests.ui.fault_kit import (
    Rig,
    RigFactory,
    front_fixture,  # noqa: F401 - the `front` fixture
    rig_fixture,  # noqa: F401 - the `rig` fixture
)

ATTEMPTS = 3  # the window's clients retry twice: at most this many requests for one click


def click_create(qtbot: Any, r: Rig) -> None:
    """Press Create (it must be available) and wait until the action has ended."""
    create = r.button("createTokenButton")
    qtbot.waitUntil(create.isEnabled, timeout=WAIT_MS)
    finished = r.window.controller.finished
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: r.window.controller.finished > finished, timeout=WAIT_MS)


def assert_no_crash(r: Rig) -> None:
    banner = r.window.banner
    assert not r.crash_dialogs()
    assert "Traceback" not in banner.message() + banner.hint()
    assert r.sandbox.DEMO_API_TOKEN not in banner.message() + banner.hint()


def setup_case(rig_factory: RigFactory, case: FaultCase, monkeypatch: pytest.MonkeyPatch) -> Rig:
    if case.connect_timeout is not None:
        # Read when a client's connection pool is made, so before the window makes one.
        monkeypatch.setattr(_http, "CONNECT_TIMEOUT", case.connect_timeout)
    return rig_factory(timeout=case.timeout)


# -- Create ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_create_meets_each_failure_with_a_sentence_and_keeps_working(
    qtbot: Any, rig: RigFactory, case: FaultCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = setup_case(rig, case, monkeypatch)
    before = r.form()

    # Cancel, while the request is out and the failure armed for its answer.
    r.front.hold()
    qtbot.mouseClick(r.button("createTokenButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: r.front.holding.is_set(), timeout=WAIT_MS)
    case.arm(r.sandbox, r.front, CREATE)
    assert r.button("cancelButton").isEnabled()
    qtbot.mouseClick(r.button("cancelButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not r.window.is_busy(), timeout=WAIT_MS)
    assert r.window.banner.message() == CANCELLED_TEXT
    r.front.release()
    qtbot.waitUntil(lambda: r.front.dropped == 1, timeout=WAIT_MS)  # its answer changes nothing

    # The failure itself.
    r.sandbox.requests.clear()
    click_create(qtbot, r)

    banner = r.window.banner
    assert banner.tone() == "error"
    assert case.phrase_for(CREATE) in banner.message()
    assert banner.hint()
    assert r.form() == before
    assert r.token() == "" and r.tokens_shown == []
    assert r.token_posts() <= ATTEMPTS
    assert not r.button("cancelButton").isEnabled() and not r.window.is_busy()
    assert_no_crash(r)
    if case.wait is not None:
        reason = by_name(r.window, QLabel, "createStatusLabel").text()
        assert not r.button("createTokenButton").isEnabled()
        assert "rate limit" in reason
        r.clock.now += case.wait + 1
        r.window.controller.refresh()

    # Right after: the next click makes exactly one token.
    r.sandbox.clear()
    r.front.clear()
    click_create(qtbot, r)

    assert r.token(), banner.message()
    assert decode_token(r.token()).sub == r.window.form.video_uid()
    assert r.tokens_shown == [r.token()]
    assert r.token_posts() == 1
    assert not banner.isVisible()
    assert r.form() == before


# -- Keys → Signing keys… → Create key ------------------------------------------------------


def open_keys(qtbot: Any, r: Rig) -> SigningKeysDialog:
    action = r.window.findChild(QAction, "signingKeysAction")
    assert action is not None
    action.trigger()
    dialog = r.window.keys.keys_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.is_busy(), timeout=WAIT_MS)
    return dialog


def says_the_key_may_exist(hint: str) -> bool:
    """The hint for a create that may have happened after all: how to check, what to revoke."""
    if "may have created the key" not in hint:
        assert hint, "every failure says what to do next"
        return False
    assert "keys list" in hint and "revoke" in hint
    return True


def create_key(qtbot: Any, dialog: SigningKeysDialog) -> None:
    assert dialog.createButton.isEnabled()
    qtbot.mouseClick(dialog.createButton, Qt.MouseButton.LeftButton)
    assert dialog.is_busy() and not dialog.createButton.isEnabled()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_create_meets_each_failure_with_a_sentence_and_keeps_working(
    qtbot: Any, rig: RigFactory, case: FaultCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = setup_case(rig, case, monkeypatch)
    before = r.form()
    dialog = open_keys(qtbot, r)
    assert dialog.statusLabel.text().startswith("No signing keys on the account yet")

    case.arm(r.sandbox, r.front, KEY)
    create_key(qtbot, dialog)

    assert dialog.banner.tone() == "error"
    assert case.phrase_for(KEY) in dialog.banner.message()
    assert says_the_key_may_exist(dialog.banner.hint()) == case.unsure, dialog.banner.hint()
    assert "PRIVATE KEY" not in dialog.banner.message() + dialog.banner.hint()
    assert r.form() == before
    assert_no_crash(r)

    # Right after: one click, one key, on the account and held here (so the failure made none).
    r.sandbox.clear()
    r.front.clear()
    create_key(qtbot, dialog)

    assert dialog.banner.tone() == "notice", dialog.banner.message()
    assert dialog.statusLabel.text() == "1 key on the account, 1 held here."

    # The dialog has no Cancel (a create cancelled once sent could leave a key on the account
    # with its private half nowhere): closing it is what a user can do. It goes at once, the
    # create runs to its end, and what went wrong is said in the window.
    case.arm(r.sandbox, r.front, KEY)
    dialog.createButton.click()  # synchronous, as is the next click: the create has not run
    dialog.closeButton.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: r.window.keys.keys_dialog is None, timeout=WAIT_MS)

    banner = r.window.banner
    assert banner.tone() == "error"
    assert case.phrase_for(KEY) in banner.message()
    assert says_the_key_may_exist(banner.hint()) == case.unsure, banner.hint()
    assert r.form() == before
    assert_no_crash(r)
