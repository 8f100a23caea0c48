"""Copy as code in the window: each tab is exactly the core's snippet for the form (curl, the
Python SDK, a Worker), Copy puts exactly that on the clipboard, no secret is ever in it, and
the dialog follows the form, offering no code while the form would be refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.snippets import build_snippets
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.tools.snippets_dialog import SnippetsDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support.clock import FakeClock
from tests.ui.conftest import WAIT_MS, WindowFactory
from tests.ui.test_engine_signing import choose_engine, make_key

NOW = 1_790_000_000.0
RULES = [
    AccessRule("allow", "ip.geoip.country", ("US", "CA")),
    AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
    AccessRule("block", "any"),
]


def fill_form(window: MainWindow, sandbox: Sandbox) -> None:
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    window.form.expiry.set_value(int(NOW) + 2 * 3600)
    window.form.downloadableCheck.setChecked(True)
    window.form.rulesEditor.set_rules(RULES)


def open_snippets(qtbot: Any, window: MainWindow) -> SnippetsDialog:
    qtbot.mouseClick(window.result.copyAsCodeButton, Qt.MouseButton.LeftButton)
    dialog = window.tools().snippets
    assert isinstance(dialog, SnippetsDialog) and dialog.isVisible()
    return dialog


def texts(dialog: SnippetsDialog) -> dict[str, str]:
    return {stem: edit.toPlainText() for stem, edit in dialog.edits.items()}


def test_each_tab_is_the_cores_snippet_and_copy_copies_exactly_it(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window(clock=FakeClock(NOW))
    fill_form(window, sandbox)
    dialog = open_snippets(qtbot, window)
    expected = build_snippets(
        window.form.request(),
        SigningEngine.CLOUDFLARE,
        account_id=sandbox.DEMO_ACCOUNT_ID,
        now=int(NOW),
    )
    assert texts(dialog) == {
        "Curl": expected.curl,
        "Python": expected.python,
        "Worker": expected.worker,
    }
    assert "$((now + 7200))" in expected.curl and '"downloadable": true' in expected.curl
    assert dialog.envLabel.text().startswith("curl and Python read CLOUDFLARE_API_TOKEN")
    for stem, text in texts(dialog).items():
        assert sandbox.DEMO_API_TOKEN not in text
        dialog.tabs.setCurrentIndex(list(dialog.edits).index(stem))
        qtbot.mouseClick(dialog.copyButtons[stem], Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == text
    assert dialog.statusLabel.text() == "Copied the Worker code to the clipboard."


def test_the_code_follows_the_form_and_none_is_offered_while_it_would_be_refused(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window(clock=FakeClock(NOW))
    window.form.videoIdEdit.clear()
    dialog = open_snippets(qtbot, window)
    assert dialog.message.isVisible() and "No code while the form would be refused" in (
        dialog.message.text()
    )
    assert set(texts(dialog).values()) == {""}
    assert not any(button.isEnabled() for button in dialog.copyButtons.values())

    fill_form(window, sandbox)
    assert not dialog.message.isVisible()
    assert '"US",' in dialog.edits["Curl"].toPlainText()
    window.form.rulesEditor.set_rules([AccessRule("block", "country", ("FR",))])
    assert '"FR"' in dialog.edits["Curl"].toPlainText()
    assert '"US"' not in dialog.edits["Curl"].toPlainText()

    window.form.rulesEditor.set_rules([AccessRule("allow", "ip", ("300.1.1.1",))])
    assert "300.1.1.1" in dialog.message.text()  # the rule's own sentence, in the dialog
    assert set(texts(dialog).values()) == {""}


def test_with_the_users_key_the_code_names_the_key_and_never_holds_it(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window(clock=FakeClock(NOW))
    key_id = make_key(qtbot, window)
    choose_engine(window, SigningEngine.API_KEY)
    qtbot.waitUntil(lambda: window.form.key_id() == key_id, timeout=WAIT_MS)
    fill_form(window, sandbox)
    dialog = open_snippets(qtbot, window)
    code = texts(dialog)
    assert f'"id": "{key_id}"' in code["Curl"] and f'id="{key_id}"' in code["Python"]
    assert f'const keyID = "{key_id}"' in code["Worker"]
    assert "STREAM_SIGNING_KEY_PEM" in dialog.envLabel.text()
    pem = window.controller.keys.store().get_signing_key("sandbox", key_id)
    assert pem is not None
    body = "".join(pem.strip().splitlines()[1:-1])  # the key's base64, without its armour
    for text in code.values():
        assert body[:32] not in text and "PRIVATE KEY" not in text
        assert sandbox.DEMO_API_TOKEN not in text
