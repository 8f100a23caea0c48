"""The main window end to end: a real sandbox on loopback, clicks through Qt, the keyring in
memory. Each test reads like something a user does and checks what they would see."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QModelIndex, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.storage.form_state import FormStore
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SERVICE
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.core.urls import URL_KINDS, playback_urls
from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name, close_window, saved_sandbox_profile

ROOT = QModelIndex()


def token_posts(sandbox: Sandbox) -> list[Any]:
    return [r for r in sandbox.requests if r.method == "POST" and r.path.endswith("/token")]


def button(window: MainWindow, name: str) -> QPushButton:
    return by_name(window, QPushButton, name)  # type: ignore[no-any-return]


def line(window: MainWindow, name: str) -> QLineEdit:
    return by_name(window, QLineEdit, name)  # type: ignore[no-any-return]


def label_text(window: MainWindow, name: str) -> str:
    return str(by_name(window, QLabel, name).text())


def click(qtbot: Any, window: MainWindow, name: str) -> None:
    qtbot.mouseClick(button(window, name), Qt.MouseButton.LeftButton)


def create(qtbot: Any, window: MainWindow) -> None:
    """Press Create and wait until the request is over, whatever its outcome."""
    qtbot.waitUntil(lambda: button(window, "createTokenButton").isEnabled(), timeout=WAIT_MS)
    finished = window.controller.finished
    click(qtbot, window, "createTokenButton")
    # Not "busy, then idle": a fast answer (a 429) can start and end between two polls.
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)


def fill_video(qtbot: Any, window: MainWindow, uid: str) -> None:
    edit = line(window, "videoIdEdit")
    edit.clear()
    qtbot.keyClicks(edit, uid)


# -- the happy path ---------------------------------------------------------------------------


def test_create_shows_a_token_for_the_chosen_video(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    uid = sandbox.video_uids(signed=True)[0]
    fill_video(qtbot, window, uid)
    create(qtbot, window)

    token = line(window, "tokenOutput").text()
    assert token, window.banner.message()
    assert decode_token(token).sub == uid
    assert sandbox.verify_playback_token(token, uid).allowed
    assert not window.banner.isVisible()


def test_pasted_stream_link_becomes_the_uid(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    uid = "ea95132c15732412d22c1476fa83f27a"
    edit = line(window, "videoIdEdit")
    edit.setText(f"  https://customer-abc123.cloudflarestream.com/{uid}/manifest/video.m3u8 ")
    assert edit.text() == uid
    edit.setText(f"https://iframe.videodelivery.net/{uid}")
    assert edit.text() == uid


def test_rules_added_and_reordered_through_the_model_reach_the_api_in_order(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    model = window.form.rulesEditor.model
    assert model.insertRows(0, 2)
    model.setData(model.index(0, 0), "allow")
    model.setData(model.index(0, 1), "ip.src")
    model.setData(model.index(0, 2), "192.0.2.0/24")
    model.setData(model.index(1, 0), "block")
    model.setData(model.index(1, 1), "any")
    assert model.insertRows(0, 1)
    model.setData(model.index(0, 0), "block")
    model.setData(model.index(0, 1), "ip.geoip.country")
    model.setData(model.index(0, 2), "ru, cn")
    # Move the IP rule (now row 1) above the country rule.
    assert model.moveRows(ROOT, 1, 1, ROOT, 0)
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)

    body = token_posts(sandbox)[-1].json
    assert body["accessRules"] == [
        {"type": "ip.src", "action": "allow", "ip": ["192.0.2.0/24"]},
        {"type": "ip.geoip.country", "action": "block", "country": ["RU", "CN"]},
        {"type": "any", "action": "block"},
    ]


def test_rules_added_and_reordered_with_the_buttons(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    model = window.form.rulesEditor.model
    click(qtbot, window, "addRuleButton")
    click(qtbot, window, "addRuleButton")
    click(qtbot, window, "addRuleButton")
    assert model.rowCount() == 3
    model.setData(model.index(0, 2), "US")
    model.setData(model.index(1, 2), "MX")
    model.setData(model.index(2, 0), "block")
    model.setData(model.index(2, 1), "any")
    window.form.rulesEditor.select_row(1)
    click(qtbot, window, "moveRuleUpButton")
    window.form.rulesEditor.select_row(2)
    click(qtbot, window, "removeRuleButton")
    assert [r.values for r in window.form.rules()] == [("MX",), ("US",)]
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)

    rules = token_posts(sandbox)[-1].json["accessRules"]
    assert [r["country"] for r in rules] == [["MX"], ["US"]]


def test_options_are_sent(qtbot: Any, make_window: WindowFactory, sandbox: Sandbox) -> None:
    window = make_window()
    now = int(time.time())
    window.form.expiry.set_value(now + 7200)
    window.form.nbf.set_value(now - 300)
    window.form.downloadableCheck.click()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)

    body = token_posts(sandbox)[-1].json
    assert body["exp"] == now + 7200
    assert body["nbf"] == now - 300
    assert body["downloadable"] is True


# -- the result panel -------------------------------------------------------------------------


def test_copy_token_puts_exactly_the_token_on_the_clipboard(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    QGuiApplication.clipboard().clear()
    click(qtbot, window, "copyTokenButton")
    assert QGuiApplication.clipboard().text() == line(window, "tokenOutput").text()
    assert "Copied the token" in window.statusBar().currentMessage()


def test_copy_each_link_kind(qtbot: Any, make_window: WindowFactory, sandbox: Sandbox) -> None:
    window = make_window()
    window.form.downloadableCheck.setChecked(True)
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    token = line(window, "tokenOutput").text()
    expected = playback_urls(
        sandbox.DEMO_CUSTOMER_CODE, token, downloadable=True, delivery_base=sandbox.delivery_base
    )

    for kind in URL_KINDS:
        assert window.result.set_url_kind(kind)
        click(qtbot, window, "copyUrlButton")
        assert QGuiApplication.clipboard().text() == expected.get(kind), kind
        assert window.statusBar().currentMessage().startswith("Copied the ")


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_preview_opens_the_watch_page(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    catcher = _UrlCatcher()
    # The sandbox profile's links are served by the sandbox itself, on loopback http.
    # PySide6 stub says bytes, but the binding only accepts str (ValueError on bytes).
    QDesktopServices.setUrlHandler("http", catcher, "open")  # type: ignore[arg-type]
    try:
        click(qtbot, window, "previewButton")
    finally:
        QDesktopServices.unsetUrlHandler("http")
    token = line(window, "tokenOutput").text()
    watch = playback_urls(
        sandbox.DEMO_CUSTOMER_CODE, token, downloadable=False, delivery_base=sandbox.delivery_base
    ).watch
    assert catcher.urls == [watch]
    assert "Allowed" in httpx.get(watch).text  # and the page it opens says the token plays


# -- errors never clear the form --------------------------------------------------------------


def form_snapshot(window: MainWindow) -> tuple[Any, ...]:
    return (
        window.account.account_id(),
        window.controller.tokens.api_token(),
        window.form.video_uid(),
        window.form.expiry.value(),
        window.form.rules(),
    )


def fill_some_form(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    window.form.expiry.set_value(int(time.time()) + 3600)
    window.form.rulesEditor.set_rules([AccessRule("allow", "ip.geoip.country", ("DE",))])


def test_wrong_api_token_explains_permission_and_keeps_the_form(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    token_edit = line(window, "apiTokenEdit")
    token_edit.clear()
    qtbot.keyClicks(token_edit, "not-the-right-token-0000000000000000000")
    fill_some_form(qtbot, window, sandbox)
    before = form_snapshot(window)
    create(qtbot, window)

    assert window.banner.isVisible()
    assert "10000" in window.banner.message()
    assert "Stream Edit permission" in window.banner.hint()
    assert form_snapshot(window) == before
    assert line(window, "tokenOutput").text() == ""
    assert label_text(window, "verifyStatusLabel") == "Invalid"
    # The wrong token is never quoted back.
    assert "not-the-right-token" not in window.banner.message() + window.banner.hint()


def test_rate_limit_disables_create_with_a_countdown(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_some_form(qtbot, window, sandbox)
    before = form_snapshot(window)
    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))
    create(qtbot, window)

    assert "rate limit" in window.banner.message()
    assert "5 minutes" in window.banner.hint()
    assert form_snapshot(window) == before
    create_button = button(window, "createTokenButton")
    assert not create_button.isEnabled()
    status = label_text(window, "createStatusLabel")
    assert "rate limit" in status and "available again in" in status
    assert status in create_button.toolTip()
    assert len(token_posts(sandbox)) == 1  # a 5-minute penalty is not retried


def test_an_error_clears_the_last_success_message(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_some_form(qtbot, window, sandbox)
    create(qtbot, window)
    assert window.statusBar().currentMessage()  # e.g. "Token created"
    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))
    create(qtbot, window)
    assert "rate limit" in window.banner.message()
    assert window.statusBar().currentMessage() == ""


def test_rate_limit_lifts_when_the_wait_is_over(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    now = [time.time()]
    window = make_window(clock=lambda: now[0])
    fill_some_form(qtbot, window, sandbox)
    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))
    create(qtbot, window)
    assert not button(window, "createTokenButton").isEnabled()
    now[0] += 301
    window.controller.refresh()
    assert button(window, "createTokenButton").isEnabled()


def test_server_error_is_retried_then_reported(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_some_form(qtbot, window, sandbox)
    before = form_snapshot(window)
    sandbox.inject_fault(Fault(status=500, times=3))
    create(qtbot, window)

    assert len(token_posts(sandbox)) == 3
    assert "server error" in window.banner.message()
    assert "Cloudflare's side" in window.banner.hint()
    assert form_snapshot(window) == before


def test_server_error_then_success_needs_no_user_action(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_some_form(qtbot, window, sandbox)
    sandbox.inject_fault(Fault(status=500, times=1))
    create(qtbot, window)
    assert line(window, "tokenOutput").text()
    assert not window.banner.isVisible()


def test_invalid_rules_disable_create_with_the_reason(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    assert button(window, "createTokenButton").isEnabled()
    model = window.form.rulesEditor.model
    model.insertRows(0, 1)
    model.setData(model.index(0, 1), "ip.src")
    model.setData(model.index(0, 2), "300.1.2.3")

    create_button = button(window, "createTokenButton")
    assert not create_button.isEnabled()
    reason = label_text(window, "createStatusLabel")
    assert "Rule 1" in reason and "300.1.2.3" in reason
    assert create_button.toolTip() == reason
    model.setData(model.index(0, 2), "198.51.100.7")
    assert create_button.isEnabled()


def test_bad_ids_are_marked_at_the_field(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    account = line(window, "accountIdEdit")
    account.setText("x" * 40)
    assert account.property("invalid") == "error"
    message = by_name(window, QLabel, "accountIdMessage")
    assert message.isVisible() and "Account ID" in message.text()
    assert not button(window, "createTokenButton").isEnabled()
    profile = window.controller.tokens.profile()
    assert profile is not None
    account.setText(profile.account_id)
    assert account.property("invalid") == ""
    assert not message.isVisible()


def test_empty_video_is_a_reason_not_a_red_field(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    assert line(window, "videoIdEdit").property("invalid") in (None, "")
    assert "Video ID is empty" in label_text(window, "createStatusLabel")
    assert not button(window, "createTokenButton").isEnabled()


def test_expiry_in_the_past_is_marked_at_the_field(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    window.form.expiry.set_value(int(time.time()) - 3600)
    assert window.form.expiry.edit.property("invalid") == "error"
    assert "past" in label_text(window, "expiryMessage")
    assert not button(window, "createTokenButton").isEnabled()


# -- busy, cancel, double clicks --------------------------------------------------------------


def test_cancel_stops_the_request_and_keeps_the_form(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_some_form(qtbot, window, sandbox)
    before = form_snapshot(window)
    sandbox.set_latency(5)
    click(qtbot, window, "createTokenButton")
    qtbot.waitUntil(lambda: button(window, "cancelButton").isEnabled(), timeout=WAIT_MS)
    assert not button(window, "createTokenButton").isEnabled()
    qtbot.waitUntil(lambda: len(token_posts(sandbox)) == 1, timeout=WAIT_MS)
    click(qtbot, window, "cancelButton")
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=WAIT_MS)

    assert "Cancelled" in window.banner.message()
    assert form_snapshot(window) == before
    assert line(window, "tokenOutput").text() == ""
    assert not button(window, "cancelButton").isEnabled()
    assert button(window, "createTokenButton").isEnabled()


def test_a_double_click_sends_one_request(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    sandbox.set_latency(0.2)
    create_button = button(window, "createTokenButton")
    # Both clicks land before the first task has started: only the guard can stop the second.
    create_button.click()
    create_button.click()
    qtbot.waitUntil(lambda: window.is_busy(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(line(window, "tokenOutput").text()), timeout=WAIT_MS)
    assert len(token_posts(sandbox)) == 1


def test_ctrl_return_creates(qtbot: Any, make_window: WindowFactory, sandbox: Sandbox) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    edit = line(window, "videoIdEdit")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(line(window, "tokenOutput").text()), timeout=WAIT_MS)


def test_closing_during_a_request_exits_cleanly(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, recwarn: pytest.WarningsRecorder
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    sandbox.set_latency(5)
    click(qtbot, window, "createTokenButton")
    qtbot.waitUntil(lambda: len(token_posts(sandbox)) == 1, timeout=WAIT_MS)
    close_window(qtbot, window)
    assert not window.isVisible()
    assert not window.is_busy()
    assert [str(w.message) for w in recwarn] == []


# -- verify -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (Sandbox.DEMO_API_TOKEN, "Active"),
        (Sandbox.DEMO_EXPIRED_API_TOKEN, "Expired"),
        ("no-such-token-00000000000000000000000000", "Invalid"),
    ],
)
def test_verify_says_what_cloudflare_thinks_of_the_token(
    qtbot: Any, make_window: WindowFactory, token: str, expected: str
) -> None:
    window = make_window()
    edit = line(window, "apiTokenEdit")
    edit.clear()
    qtbot.keyClicks(edit, token)
    click(qtbot, window, "verifyButton")
    qtbot.waitUntil(lambda: label_text(window, "verifyStatusLabel") == expected, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=WAIT_MS)


def test_show_hide_toggles_the_token_echo(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    edit = line(window, "apiTokenEdit")
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    window.account.showTokenAction.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    window.account.showTokenAction.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Password


# -- the saved form and the keyring -----------------------------------------------------------


def test_the_form_comes_back_in_a_new_window(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, config_dir: Path
) -> None:
    store = FormStore()
    now = time.time()
    first = make_window(form_store=store, clock=lambda: now)
    fill_video(qtbot, first, sandbox.video_uids(signed=True)[1])
    first.form.expiry.set_value(int(now) + 2 * 3600)
    first.form.downloadableCheck.setChecked(True)
    first.form.rulesEditor.set_rules(
        [AccessRule("block", "ip.geoip.country", ("RU",)), AccessRule("allow", "any")]
    )
    first.result.set_url_kind("hls")
    expected = first.capture_form()
    close_window(qtbot, first)
    assert (config_dir / "last_form.json").exists()

    second = make_window(form_store=store, clock=lambda: now + 600)
    assert second.capture_form() == expected
    assert second.form.expiry.value() == int(now) + 600 + 2 * 3600  # relative to the new start
    assert second.form.video_uid() == sandbox.video_uids(signed=True)[1]
    assert second.result.url_kind() == "hls"


def test_the_form_is_saved_on_create(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    saved = FormStore().load()
    assert saved is not None and saved.video == sandbox.video_uids(signed=True)[0]


def test_api_token_is_read_from_the_keyring(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, memory_keyring: MemoryKeyring
) -> None:
    saved_sandbox_profile(sandbox)
    memory_keyring.set_password(SERVICE, "api-token:work", sandbox.DEMO_API_TOKEN)
    window = make_window(use_sandbox_profile=False)
    assert window.account.profile_name() == "work"
    qtbot.waitUntil(
        lambda: window.controller.tokens.api_token() == sandbox.DEMO_API_TOKEN, timeout=WAIT_MS
    )
    assert label_text(window, "tokenStoreLabel") == "Kept in: this session only (memory)"
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    assert line(window, "tokenOutput").text()


def test_api_token_is_saved_to_the_keyring_and_nowhere_else(
    qtbot: Any,
    make_window: WindowFactory,
    sandbox: Sandbox,
    memory_keyring: MemoryKeyring,
    config_dir: Path,
) -> None:
    saved_sandbox_profile(sandbox)
    window = make_window(use_sandbox_profile=False)
    qtbot.waitUntil(lambda: not window.account.is_reading(), timeout=WAIT_MS)
    qtbot.keyClicks(line(window, "apiTokenEdit"), sandbox.DEMO_API_TOKEN)
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    qtbot.waitUntil(
        lambda: memory_keyring.get_password(SERVICE, "api-token:work") == sandbox.DEMO_API_TOKEN,
        timeout=WAIT_MS,
    )
    close_window(qtbot, window)

    files = [p for p in config_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"last_form.json", "profiles.json"}
    for path in files:
        assert sandbox.DEMO_API_TOKEN not in path.read_text(encoding="utf-8"), path


def test_unchecking_remember_deletes_the_token_from_the_keyring(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, memory_keyring: MemoryKeyring
) -> None:
    saved_sandbox_profile(sandbox)
    memory_keyring.set_password(SERVICE, "api-token:work", sandbox.DEMO_API_TOKEN)
    window = make_window(use_sandbox_profile=False)
    qtbot.waitUntil(
        lambda: window.controller.tokens.api_token() == sandbox.DEMO_API_TOKEN, timeout=WAIT_MS
    )
    qtbot.mouseClick(window.account.rememberTokenCheck, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: memory_keyring.get_password(SERVICE, "api-token:work") is None, timeout=WAIT_MS
    )
    assert label_text(window, "tokenStoreLabel") == "Kept in: this session only"
    # Still usable for this session, and not written back after a create.
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    assert line(window, "tokenOutput").text()
    assert memory_keyring.get_password(SERVICE, "api-token:work") is None


def test_environment_token_wins_and_is_labelled(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    saved_sandbox_profile(sandbox)
    window = make_window(
        use_sandbox_profile=False, env={"CLOUDFLARE_API_TOKEN": sandbox.DEMO_API_TOKEN}
    )
    assert window.controller.tokens.api_token() == sandbox.DEMO_API_TOKEN
    assert label_text(window, "tokenStoreLabel") == "Kept in: environment (CLOUDFLARE_API_TOKEN)"
    assert line(window, "apiTokenEdit").isReadOnly()
    assert not window.account.rememberTokenCheck.isEnabled()


def test_sandbox_token_never_reaches_the_keyring(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, memory_keyring: MemoryKeyring
) -> None:
    window = make_window()
    assert "this session only" in label_text(window, "tokenStoreLabel")
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    qtbot.waitUntil(lambda: not window.controller.tasks.busy, timeout=WAIT_MS)
    assert memory_keyring.store == {}


def test_every_interactive_widget_has_an_accessible_name(
    qtbot: Any, make_window: WindowFactory
) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QDateTimeEdit, QTableView

    window = make_window()
    unnamed = [
        widget.objectName() or type(widget).__name__
        for cls in (QAbstractButton, QLineEdit, QComboBox, QDateTimeEdit, QTableView)
        for widget in window.findChildren(cls)
        if widget.isVisibleTo(window)
        and not widget.accessibleName()
        and widget.objectName() != "qt_calendar_prevmonth"
        and not widget.objectName().startswith("qt_")
        # Qt's own; before 6.11 it has no qt_ name (then qt_tableview_cornerbutton).
        and widget.metaObject().className() != "QTableCornerButton"
    ]
    assert unnamed == []


# -- layout polish ----------------------------------------------------------------------------


def test_an_empty_rules_table_keeps_its_columns_and_says_what_no_rules_means(
    qtbot: Any, make_window: WindowFactory
) -> None:
    from PySide6.QtGui import QColor, QPalette

    from cfstream_gui.core.models import MAX_RULES
    from cfstream_gui.ui.rules.delegates import TYPE_CHOICES

    window = make_window()
    table = window.form.rulesEditor.table
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    widest_type = max(metrics.horizontalAdvance(label) for label, _value in TYPE_CHOICES)
    assert header.sectionSize(0) > metrics.horizontalAdvance("Block")
    assert header.sectionSize(1) > widest_type  # "IP address or range" fits, rows or not

    # Nothing but the hint is drawn in an empty viewport: any pixel unlike the background is it.
    image = table.viewport().grab().toImage()
    background = image.pixel(1, 1)
    middle = range(image.height() // 3, 2 * image.height() // 3)
    assert any(image.pixel(x, y) != background for x in range(image.width()) for y in middle), (
        "the empty-table hint is not painted"
    )
    assert table.palette().color(QPalette.ColorRole.PlaceholderText) != QColor(background)

    # Exactly five rows tall: all rules visible, no empty band below the fifth.
    window.form.rulesEditor.set_rules([AccessRule("allow", "ip.geoip.country", ("US",))] * 5)
    row = table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() == MAX_RULES * row
    assert table.verticalScrollBar().maximum() == 0


def test_the_result_box_has_no_empty_lines_before_a_token(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    countdown = by_name(window, QLabel, "expiryCountdown")
    summary = by_name(window, QLabel, "tokenRulesSummary")
    assert not countdown.isVisibleTo(window) and not summary.isVisibleTo(window)
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    assert countdown.isVisibleTo(window) and "left" in countdown.text()
    assert summary.isVisibleTo(window) and summary.text()


def test_ctrl_return_while_typing_a_new_rule_creates_with_what_was_typed(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    click(qtbot, window, "addRuleButton")
    # Added but not typed yet: Create waits, saying so calmly at the button.
    assert not button(window, "createTokenButton").isEnabled()
    assert "Rule 1 has no country values" in label_text(window, "createStatusLabel")
    values = window.form.rulesEditor.table.indexWidget(window.form.rulesEditor.model.index(0, 2))
    assert isinstance(values, QLineEdit)
    qtbot.waitUntil(values.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(values, "US, CA")
    finished = window.controller.finished
    qtbot.keyClick(values, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    rules = decode_token(window.result.token()).access_rules
    assert rules == [{"type": "ip.geoip.country", "action": "allow", "country": ["US", "CA"]}]


def test_a_token_made_from_an_earlier_form_is_marked_out_of_date(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    fill_video(qtbot, window, sandbox.video_uids(signed=True)[0])
    create(qtbot, window)
    stale = by_name(window, QLabel, "resultStaleLabel")
    assert not stale.isVisibleTo(window)

    window.form.downloadableCheck.click()
    assert stale.isVisibleTo(window) and "form has changed" in stale.text()
    token = line(window, "tokenOutput")
    assert token.property("stale") is True and "color" in token.styleSheet()
    # Copying still works, and says what is copied.
    click(qtbot, window, "copyTokenButton")
    assert QGuiApplication.clipboard().text() == window.result.token()
    assert "old token" in window.statusBar().currentMessage()
    assert "before the form changed" in window.statusBar().currentMessage()

    window.form.downloadableCheck.click()  # back as it was: the token matches again
    assert not stale.isVisibleTo(window) and token.property("stale") is False
    window.form.downloadableCheck.click()
    create(qtbot, window)
    assert not stale.isVisibleTo(window)
    assert decode_token(window.result.token()).downloadable
