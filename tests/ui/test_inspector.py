"""The token inspector in the window: Cloudflare's own tokens (string times, a key that is not
held here), the live validity on a fake clock, the signature checked with a key held for the
profile, lints, the token's rules tried on a viewer, and garbage answered with a sentence."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

# isort: split
import qasync  # after PySide6

from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.inspector.dialog import InspectorDialog
from cfstream_gui.ui.inspector.report_text import NO_RULES
from cfstream_gui.ui.tools.sources import ToolsSetup
from tests.core.test_tokens import SPEC_TOKEN
from tests.support.clock import FakeClock
from tests.support.rsa_keys import pkcs1_pem, rsa_key
from tests.ui.conftest import WAIT_MS, WindowFactory
from tests.ui.test_engine_signing import choose_engine, create, fill_video, make_key

SPEC_KID = "e9db990a82666dd571c77f944a5c5c8d"
SPEC_UID = "ea95132c15732412d22c1476fa83f27a"
SPEC_NBF, SPEC_EXP = 1537453165, 1537460365

DialogFactory = Callable[..., InspectorDialog]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SPEC_EXP - 3600)


@pytest.fixture
def open_inspector(
    qtbot: Any, qloop: qasync.QEventLoop, clock: FakeClock
) -> Iterator[DialogFactory]:
    """The inspector on its own, on the fake clock, holding no signing keys."""
    dialogs: list[InspectorDialog] = []

    def make(text: str = "") -> InspectorDialog:
        dialog = InspectorDialog(lambda: ToolsSetup(clock=clock), text)
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:
        dialog.reject()


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


# -- Cloudflare's own tokens ------------------------------------------------------------------


def test_a_cloudflare_token_with_string_times_is_read_and_its_signature_said_uncheckable(
    open_inspector: DialogFactory,
) -> None:
    dialog = open_inspector(SPEC_TOKEN)
    view = dialog.view
    assert view.text("Video") == SPEC_UID
    assert view.text("KeyId") == SPEC_KID
    assert view.text("Expires").startswith("2018-09-20 16:19:25 UTC")
    assert f'given as the string "{SPEC_EXP}"' in view.text("Expires")
    assert f'given as the string "{SPEC_NBF}"' in view.text("NotBefore")
    assert view.text("Validity") == "Valid for 60 min"
    assert view.fields["Validity"].property("tone") == "ok"
    assert view.text("Downloadable") == "No"
    assert view.text("Rules") == NO_RULES
    signature = view.text("Signature")
    assert "cannot be checked here" in signature and "Cloudflare's own key" in signature
    assert view.fields["Signature"].property("tone") == ""  # not a failure: just unknown
    assert not dialog.message.isVisible()
    claims = json.loads(dialog.claimsEdit.toPlainText())
    assert claims["claims"]["exp"] == str(SPEC_EXP)


def test_the_validity_follows_the_clock_without_a_keystroke(
    qtbot: Any, open_inspector: DialogFactory, clock: FakeClock
) -> None:
    dialog = open_inspector(SPEC_TOKEN)
    assert dialog.view.text("Validity") == "Valid for 60 min"
    clock.now = SPEC_EXP + 120
    qtbot.waitUntil(lambda: dialog.view.text("Validity") == "Expired 2 min ago", timeout=WAIT_MS)
    assert dialog.view.fields["Validity"].property("tone") == "error"
    clock.now = SPEC_NBF - 300
    qtbot.waitUntil(
        lambda: dialog.view.text("Validity") == "Not valid yet (starts in 5 min)", timeout=WAIT_MS
    )
    assert dialog.view.fields["Validity"].property("tone") == "warning"
    assert dialog.inputEdit.toPlainText() == SPEC_TOKEN  # nothing typed was touched


def test_a_link_holding_a_token_names_its_customer_code(open_inspector: DialogFactory) -> None:
    dialog = open_inspector(f"https://customer-abc123.cloudflarestream.com/{SPEC_TOKEN}/watch")
    assert dialog.view.text("CustomerCode") == "abc123"
    assert dialog.view.fields["CustomerCode"].isVisibleTo(dialog)
    dialog.inputEdit.setPlainText(SPEC_TOKEN)
    assert not dialog.view.fields["CustomerCode"].isVisibleTo(dialog)


# -- garbage ----------------------------------------------------------------------------------

HOSTILE = [
    "hello",
    "a.b.c",
    "ea95132c15732412d22c1476fa83f27a",
    "https://customer-abc.cloudflarestream.com/ea95132c15732412d22c1476fa83f27a/watch",
    "x" * 70_000,
    f"{b64({'alg': 'RS256', 'kid': {'nested': 1}})}.{b64({'sub': SPEC_UID})}.c2ln",
    b64({"alg": "RS256", "crit": ["\u202eexe"]}) + f".{b64({'sub': SPEC_UID})}.c2ln",
    f"{b64({'alg': 'RS256'})}.{b64({'exp': 'soon'})}.c2ln",
    f"{b64({'alg': 'RS256'})}.{b64({'accessRules': 'all'})}.c2ln",
    f"{b64({'alg': 'RS256'})}.{b64([1, 2])}.c2ln",
    "<script>alert(1)</script>.<b>x</b>.y",
    "\x00\x01\x02",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_garbage_gets_a_sentence_and_keeps_what_was_pasted(
    open_inspector: DialogFactory, text: str
) -> None:
    dialog = open_inspector(SPEC_TOKEN)
    dialog.inputEdit.setPlainText(text)
    sentence = dialog.message.text()
    assert dialog.message.isVisible() and sentence.endswith(".")
    assert "Traceback" not in sentence and "Error" not in sentence
    assert dialog.report is None
    assert dialog.view.text("Video") == "" and dialog.view.text("Signature") == ""
    assert not dialog.tabs.isEnabled() and not dialog.copyJsonButton.isEnabled()
    assert dialog.inputEdit.toPlainText() == text


def test_an_empty_field_says_nothing_in_red(open_inspector: DialogFactory) -> None:
    dialog = open_inspector()
    assert not dialog.message.isVisible()
    assert not dialog.tabs.isEnabled()


def test_hostile_text_in_a_token_is_shown_as_text_not_markup(
    open_inspector: DialogFactory,
) -> None:
    rules = [{"type": "ip.geoip.country", "action": "block", "country": ["<b>DE</b>"]}]
    claims = {"sub": "<img src=x>", "kid": "k", "exp": SPEC_EXP, "accessRules": rules}
    token = jwt.encode(claims, pkcs1_pem(rsa_key()), "RS256", {"kid": "k"})
    dialog = open_inspector(token)
    assert dialog.view.text("Video") == "<img src=x>"
    assert dialog.view.fields["Video"].textFormat() == Qt.TextFormat.PlainText
    assert "<B>DE</B>" in dialog.view.text("Rules")  # upper-cased, as Cloudflare reads it
    warnings = dialog.view.fields["Warnings"]
    assert "<img src=x>" in warnings.text()  # the video ID is not 32 hex characters
    assert warnings.textFormat() == Qt.TextFormat.PlainText


# -- lints and the token's rules --------------------------------------------------------------


def test_the_inspector_shows_the_rule_lints_and_tries_the_rules_on_a_viewer(
    open_inspector: DialogFactory,
) -> None:
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US"]},
        {"type": "ip.src", "action": "block", "ip": ["2001:db8::/32"]},
    ]
    claims = {"sub": SPEC_UID, "kid": SPEC_KID, "exp": SPEC_EXP, "accessRules": rules}
    dialog = open_inspector(jwt.encode(claims, pkcs1_pem(rsa_key()), "RS256", {"kid": SPEC_KID}))
    assert dialog.view.text("Rules") == (
        "1. allow viewers in US (United States)\n2. block viewers at 2001:db8::/32"
    )
    # Rule 2 misses IPv4 viewers: a lint, as under the window's rules table.
    assert "lists only IPv6 addresses" in dialog.view.text("Warnings")
    assert dialog.view.fields["Warnings"].property("tone") == "warning"
    assert not dialog.view.fields["Problems"].isVisibleTo(dialog)  # nothing Cloudflare refuses
    simulator = dialog.simulator
    simulator.viewer.set_viewer("2001:db8::1", "DE")
    assert simulator.verdict() == "Blocked by rule 2"
    simulator.viewer.set_viewer("2001:db8::1", "US")
    assert simulator.verdict() == "Allowed by rule 1"
    simulator.viewer.set_viewer("203.0.113.9", "FR")
    assert simulator.verdict() == "No rule matched: allowed"


def test_rules_that_cannot_be_read_are_not_simulated_as_no_rules(
    open_inspector: DialogFactory,
) -> None:
    rules = [{"type": 7, "action": "block"}]
    claims = {"sub": SPEC_UID, "kid": SPEC_KID, "exp": SPEC_EXP, "accessRules": rules}
    dialog = open_inspector(jwt.encode(claims, pkcs1_pem(rsa_key()), "RS256", {"kid": SPEC_KID}))
    dialog.simulator.viewer.set_viewer("", "DE")
    assert dialog.simulator.verdict() == "Cannot tell"
    assert dialog.simulator.reason() == "Access rule 1 in the token has no type or action."
    assert "no type or action" in dialog.view.text("Problems")
    assert dialog.view.fields["Problems"].property("tone") == "error"


# -- in the window: a held key checks the signature ------------------------------------------


def test_a_token_signed_here_is_verified_with_the_held_key_and_a_changed_one_is_not(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    key_id = make_key(qtbot, window)
    choose_engine(window, SigningEngine.LOCAL)
    fill_video(window, sandbox.video_uids(signed=True)[0])
    window.form.rulesEditor.set_rules([AccessRule("allow", "country", ("US",))])
    qtbot.waitUntil(lambda: window.form.key_id() == key_id, timeout=WAIT_MS)
    token = create(qtbot, window)

    qtbot.mouseClick(window.result.inspectTokenButton, Qt.MouseButton.LeftButton)
    dialog = window.tools().inspector
    assert isinstance(dialog, InspectorDialog) and dialog.isVisible()
    assert dialog.inputEdit.toPlainText() == token
    expected = f"Signed by key {key_id}, which is held here."
    qtbot.waitUntil(lambda: dialog.view.text("Signature") == expected, timeout=WAIT_MS)
    assert dialog.view.fields["Signature"].property("tone") == "ok"
    assert "block any" in dialog.view.text("Warnings")  # the rules' lint

    header, _, signature = token.split(".")
    changed = {**decode_token(token).claims, "downloadable": True}
    dialog.inputEdit.setPlainText(f"{header}.{b64(changed)}.{signature}")
    assert "does not match signing key" in dialog.view.text("Signature")
    assert dialog.view.fields["Signature"].property("tone") == "error"

    dialog.copyJsonButton.click()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["signature"]["state"] == "bad" and copied["downloadable"] is True


def test_the_menu_opens_one_inspector_and_closing_the_window_closes_it(
    qtbot: Any, make_window: WindowFactory
) -> None:
    window = make_window()
    window.menu_actions.inspect_token.trigger()
    dialog = window.tools().inspector
    assert isinstance(dialog, InspectorDialog) and dialog.isVisible()
    dialog.inputEdit.setPlainText(SPEC_TOKEN)
    window.menu_actions.inspect_token.trigger()
    assert window.tools().inspector is dialog
    assert dialog.inputEdit.toPlainText() == SPEC_TOKEN  # opening again keeps what was pasted
    dialog.reject()
    qtbot.waitUntil(lambda: window.tools().inspector is None, timeout=WAIT_MS)
