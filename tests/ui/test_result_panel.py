"""ResultPanel: the made token, its links, its countdown and its rules, with real signed tokens."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cfstream_gui.core.urls import URL_KINDS, PlaybackUrls, playback_urls
from cfstream_gui.ui.result_panel import NO_CUSTOMER_CODE, NO_RULES, NOT_DOWNLOADABLE, ResultPanel
from tests.support.clock import FakeClock
from tests.support.rsa_keys import rsa_key

EXP = int(datetime(2026, 11, 28, 21, 43, tzinfo=UTC).timestamp())
CUSTOMER = "f33zs165nr7gyfy4"
VIDEO_UID = "ea95132c15732412d22c1476fa83f27a"
KID = "8f926b2b57f2bc6de39ee3e5c2bd3a1e"

MakeToken = Callable[..., str]


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture
def make_token(signing_key: rsa.RSAPrivateKey) -> MakeToken:
    def make(
        exp: int = EXP,
        nbf: int | None = EXP - 2 * 3600,
        rules: list[dict[str, Any]] | None = None,
        downloadable: bool = False,
    ) -> str:
        # As Cloudflare's /token endpoint writes them: exp and nbf are strings of digits.
        claims: dict[str, Any] = {"sub": VIDEO_UID, "kid": KID, "exp": str(exp)}
        if nbf is not None:
            claims["nbf"] = str(nbf)
        if rules is not None:
            claims["accessRules"] = rules
        if downloadable:
            claims["downloadable"] = True
        return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KID})

    return make


@pytest.fixture
def local_zone() -> Iterator[None]:
    """Local time one hour ahead of UTC (POSIX rule, so no tz database is needed)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "XYZ-1"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


def urls_for(token: str, downloadable: bool) -> PlaybackUrls:
    return playback_urls(CUSTOMER, token, downloadable=downloadable)


def make_panel(qtbot: QtBot, now: float = EXP - 3600) -> tuple[ResultPanel, FakeClock]:
    clock = FakeClock(now)
    panel = ResultPanel(clock=clock)
    qtbot.addWidget(panel)
    panel.show()
    return panel, clock


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_empty_panel_has_nothing_to_copy(qtbot: QtBot) -> None:
    panel, _ = make_panel(qtbot)
    assert panel.tokenOutput.text() == ""
    assert panel.tokenOutput.placeholderText() == "Your token appears here"
    assert panel.tokenOutput.isReadOnly()
    for button in (panel.copyTokenButton, panel.copyUrlButton, panel.previewButton):
        assert not button.isEnabled()


def test_shows_exactly_the_token_and_copies_exactly_it(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, _ = make_panel(qtbot)
    token = make_token()
    QGuiApplication.clipboard().setText("something else")
    panel.show_token(token, urls_for(token, False))
    assert panel.tokenOutput.text() == token
    with qtbot.waitSignal(panel.copied) as signal:
        click(qtbot, panel.copyTokenButton)
    assert QGuiApplication.clipboard().text() == token
    assert signal.args == ["token"]


@pytest.mark.parametrize("kind", URL_KINDS)
def test_each_link_kind_shows_and_copies_its_url(
    qtbot: QtBot, make_token: MakeToken, kind: str
) -> None:
    panel, _ = make_panel(qtbot)
    token = make_token(downloadable=True)
    urls = urls_for(token, True)
    panel.show_token(token, urls)
    # Start from another kind so that selecting `kind` is a change.
    panel.set_url_kind("hls" if kind != "hls" else "dash")
    with qtbot.waitSignal(panel.urlKindChanged) as changed:
        panel.set_url_kind(kind)
    assert changed.args == [kind]
    assert panel.url_kind() == kind
    assert panel.urlOutput.text() == urls.get(kind)
    with qtbot.waitSignal(panel.copied) as copied:
        click(qtbot, panel.copyUrlButton)
    assert QGuiApplication.clipboard().text() == urls.get(kind)
    assert copied.args[0] and copied.args[0] != "token"


def test_hls_copy_is_announced_by_name(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, _ = make_panel(qtbot)
    token = make_token()
    panel.show_token(token, urls_for(token, False))
    panel.set_url_kind("hls")
    with qtbot.waitSignal(panel.copied) as copied:
        click(qtbot, panel.copyUrlButton)
    assert copied.args == ["HLS manifest URL"]


def test_mp4_is_disabled_when_the_token_is_not_downloadable(
    qtbot: QtBot, make_token: MakeToken
) -> None:
    panel, _ = make_panel(qtbot)
    model = panel.urlKindCombo.model()
    assert isinstance(model, QStandardItemModel)
    mp4 = model.item(panel.urlKindCombo.findData("mp4"))

    token = make_token(downloadable=False)
    panel.show_token(token, urls_for(token, False))
    assert not mp4.flags() & Qt.ItemFlag.ItemIsEnabled
    assert mp4.toolTip() == NOT_DOWNLOADABLE

    token = make_token(downloadable=True)
    panel.show_token(token, urls_for(token, True))
    assert mp4.flags() & Qt.ItemFlag.ItemIsEnabled


def test_mp4_chosen_earlier_explains_itself_for_a_non_downloadable_token(
    qtbot: QtBot, make_token: MakeToken
) -> None:
    panel, _ = make_panel(qtbot)
    panel.set_url_kind("mp4")
    token = make_token(downloadable=False)
    panel.show_token(token, urls_for(token, False))
    assert panel.urlOutput.text() == ""
    assert panel.urlOutput.placeholderText() == NOT_DOWNLOADABLE
    assert not panel.copyUrlButton.isEnabled()
    assert panel.copyUrlButton.toolTip() == NOT_DOWNLOADABLE


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_preview_opens_the_watch_page(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, _ = make_panel(qtbot)
    token = make_token()
    urls = urls_for(token, False)
    panel.show_token(token, urls)
    panel.set_url_kind("hls")  # preview is the watch page whatever link is selected
    catcher = UrlCatcher()
    # PySide6 stub says bytes, but the binding only accepts str (ValueError on bytes).
    QDesktopServices.setUrlHandler("https", catcher, "catch")  # type: ignore[arg-type]
    try:
        click(qtbot, panel.previewButton)
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert catcher.urls == [urls.watch]


def test_without_customer_code_links_are_disabled_and_explained(
    qtbot: QtBot, make_token: MakeToken
) -> None:
    panel, _ = make_panel(qtbot)
    panel.show_token(make_token(), None)
    assert panel.copyTokenButton.isEnabled()
    assert not panel.copyUrlButton.isEnabled()
    assert not panel.previewButton.isEnabled()
    assert panel.copyUrlButton.toolTip() == NO_CUSTOMER_CODE
    assert panel.previewButton.toolTip() == NO_CUSTOMER_CODE
    assert "customer code" in NO_CUSTOMER_CODE
    assert panel.urlOutput.text() == ""
    assert "Customer code unknown" in panel.urlOutput.placeholderText()
    assert panel.urlOutput.toolTip() == NO_CUSTOMER_CODE


def test_clear_empties_everything(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, _ = make_panel(qtbot)
    token = make_token()
    panel.show_token(token, urls_for(token, False))
    panel.clear()
    assert panel.tokenOutput.text() == panel.urlOutput.text() == ""
    assert panel.expiryCountdown.text() == panel.tokenRulesSummary.text() == ""
    assert not panel.copyTokenButton.isEnabled()
    assert not panel.timer.isActive()


def test_countdown_in_local_time_and_utc(
    qtbot: QtBot, make_token: MakeToken, local_zone: None
) -> None:
    panel, clock = make_panel(qtbot, now=EXP - 59 * 60 - 30)
    panel.show_token(make_token(), None)
    assert panel.expiryCountdown.text() == "Works until 22:43 local (21:43 UTC) · 59 min left"
    assert panel.timer.isActive() and panel.timer.interval() == 1000
    clock.now = EXP - 90
    panel.timer.timeout.emit()
    assert panel.expiryCountdown.text().endswith(" · 1 min left")


def test_countdown_says_expired_in_red(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, clock = make_panel(qtbot)
    panel.show_token(make_token(), None)
    assert panel.expiryCountdown.property("tone") == ""
    clock.now = EXP + 3 * 60 + 10
    panel.timer.timeout.emit()
    assert panel.expiryCountdown.text() == "Expired 3 min ago"
    assert panel.expiryCountdown.property("tone") == "error"
    assert "color" in panel.expiryCountdown.styleSheet()


def test_countdown_before_not_before(qtbot: QtBot, make_token: MakeToken, local_zone: None) -> None:
    panel, _ = make_panel(qtbot, now=EXP - 3 * 3600)
    panel.show_token(make_token(nbf=EXP - 2 * 3600), None)
    text = panel.expiryCountdown.text()
    assert text.startswith("Not valid before 20:43 local (19:43 UTC) · starts in 1 h 0 min")
    assert "works until 22:43 local (21:43 UTC)" in text


def test_countdown_on_a_utc_machine_names_utc_once(
    qtbot: QtBot, make_token: MakeToken, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC0")
    time.tzset()
    try:
        panel, _ = make_panel(qtbot, now=EXP - 600)
        panel.show_token(make_token(), None)
        assert panel.expiryCountdown.text() == "Works until 21:43 UTC · 10 min left"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_rules_summary_lists_the_rules_in_order(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, _ = make_panel(qtbot)
    rules = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]},
        {"type": "any", "action": "block"},
    ]
    panel.show_token(make_token(rules=rules), None)
    assert panel.tokenRulesSummary.text() == "Allow: country US, MX → Block: any"


def test_rules_summary_without_rules_and_downloadable(qtbot: QtBot, make_token: MakeToken) -> None:
    panel, _ = make_panel(qtbot)
    panel.show_token(make_token(), None)
    assert panel.tokenRulesSummary.text() == NO_RULES
    panel.show_token(
        make_token(
            downloadable=True,
            rules=[{"type": "ip.src", "action": "block", "ip": ["203.0.113.0/24"]}],
        ),
        None,
    )
    assert panel.tokenRulesSummary.text() == "Block: IP 203.0.113.0/24 · Downloadable"


def test_unreadable_token_is_still_shown_and_copyable(qtbot: QtBot) -> None:
    panel, _ = make_panel(qtbot)
    panel.show_token("not-a-token", None)
    assert panel.tokenOutput.text() == "not-a-token"
    assert panel.copyTokenButton.isEnabled()
    assert "three parts" in panel.tokenRulesSummary.text()
    assert panel.expiryCountdown.text() == ""


def test_unknown_saved_link_kind_is_ignored(qtbot: QtBot) -> None:
    panel, _ = make_panel(qtbot)
    assert panel.set_url_kind("dash")
    assert not panel.set_url_kind("flv")
    assert panel.url_kind() == "dash"
