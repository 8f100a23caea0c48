"""The batch dialog: pasted video IDs signed locally with a key held in the (in-memory) keyring,
every token checked with the key's public half, bad lines listed, cancel honoured."""

from __future__ import annotations

import csv
import io
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from cfstream_gui.core import token_service
from cfstream_gui.core.batch import OUTPUT_COLUMNS
from cfstream_gui.core.keys.service import KeyService
from tests.ui.batch_kit import (  # noqa: F401 - fixtures
    CUSTOMER,
    KEY_ID,
    NOW,
    DialogFactory,
    finish,
    keys_fixture,
    open_dialog_fixture,
    private_key_fixture,
    start,
    video_ids,
)
from tests.ui.conftest import WAIT_MS


def test_signs_fifty_pasted_ids_and_every_token_verifies(
    qtbot: Any, open_dialog: DialogFactory, private_key: rsa.RSAPrivateKey
) -> None:
    dialog = open_dialog()
    ids = video_ids(50)
    lines = [*ids[:2], "not-a-video", *ids[2:40], "", "# a comment", "12345", *ids[40:]]
    dialog.inputEdit.setPlainText("\n".join(lines))

    start(qtbot, dialog)
    finish(qtbot, dialog)

    results = dialog.results.results()
    assert [r.video_uid for r in results] == ids
    public = private_key.public_key()
    for result in results:
        claims = jwt.decode(
            result.token, public, algorithms=["RS256"], options={"verify_exp": False}
        )
        assert jwt.get_unverified_header(result.token)["kid"] == KEY_ID
        assert claims["sub"] == result.video_uid
        assert claims["exp"] == result.expires == int(NOW) + 3600
    assert dialog.results.rowCount() == 50
    assert dialog.progressBar.value() == dialog.progressBar.maximum() == 50
    assert dialog.statusLabel.text() == "Signed 50 tokens; 2 lines skipped (listed below)."
    problems = dialog.problemsLabel.text().splitlines()
    assert problems == [
        "Line 3: video ID 'not-a-video' is not 32 hex characters like Cloudflare's IDs.",
        "Line 44: video ID '12345' is not 32 hex characters like Cloudflare's IDs.",
    ]
    assert dialog.problemsScroll.isVisible()
    assert dialog.saveButton.isEnabled() and dialog.copyButton.isEnabled()


def test_csv_rows_keep_their_own_expiry_and_bad_rules_are_listed(
    qtbot: Any, open_dialog: DialogFactory
) -> None:
    dialog = open_dialog()
    first, second = video_ids(2)
    dialog.inputEdit.setPlainText(
        f"video,exp,rules\n{first},2h,allow country US\n{second},,allow planet Mars\n"
    )
    dialog.expEdit.setText("30m")

    start(qtbot, dialog)
    finish(qtbot, dialog)

    (result,) = dialog.results.results()
    assert (result.line, result.expires) == (2, int(NOW) + 7200)
    claims = jwt.decode(result.token, options={"verify_signature": False})
    assert claims["accessRules"] == [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US"]}
    ]
    assert dialog.problemsLabel.text().startswith("Line 3: rule 1 ('allow planet Mars')")


def test_save_and_copy_give_the_same_csv(
    qtbot: Any, open_dialog: DialogFactory, tmp_path: Path
) -> None:
    dialog = open_dialog()
    ids = video_ids(3)
    dialog.inputEdit.setPlainText("\n".join(ids))
    start(qtbot, dialog)
    finish(qtbot, dialog)
    target = tmp_path / "tokens.csv"
    dialog.choose_save_path = lambda _parent: str(target)

    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.copyButton, Qt.MouseButton.LeftButton)

    saved = target.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(saved)))
    assert [row["video"] for row in rows] == ids
    assert tuple(rows[0]) == OUTPUT_COLUMNS
    assert rows[0]["watch"].startswith(f"https://customer-{CUSTOMER}.cloudflarestream.com/")
    assert target.stat().st_mode & 0o077 == 0
    assert QGuiApplication.clipboard().text() == saved.replace("\r\n", "\n")
    assert dialog.banner.message() == "Saved 3 tokens to tokens.csv."


def test_the_settings_shape_the_expiry_the_links_and_the_clipboard(
    qtbot: Any, open_dialog: DialogFactory
) -> None:
    clipboard = QGuiApplication.clipboard()
    dialog = open_dialog(
        host_template="https://play-{code}.example.com",
        default_exp="3h",
        clipboard_clear_seconds=1,
    )
    assert dialog.expEdit.text() == "3h"
    ids = video_ids(2)
    dialog.inputEdit.setPlainText("\n".join(ids))
    start(qtbot, dialog)
    finish(qtbot, dialog)
    assert {r.expires for r in dialog.results.results()} == {int(NOW) + 3 * 3600}

    qtbot.mouseClick(dialog.copyButton, Qt.MouseButton.LeftButton)

    rows = list(csv.DictReader(io.StringIO(clipboard.text())))
    assert [row["video"] for row in rows] == ids
    assert rows[0]["watch"] == f"https://play-{CUSTOMER}.example.com/{rows[0]['token']}/watch"
    data = clipboard.mimeData()
    assert data is not None and bytes(data.data("x-kde-passwordManagerHint").data()) == b"secret"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=WAIT_MS)


def test_cancel_stops_the_batch_and_keeps_nothing(qtbot: Any, open_dialog: DialogFactory) -> None:
    dialog = open_dialog()
    dialog.inputEdit.setPlainText("\n".join(video_ids(100)))  # four chunks of 25
    # Hold the worker after its first chunk until Cancel has been clicked, so the click always
    # lands mid-batch (the slot runs in the worker thread).
    cancelled = threading.Event()
    dialog.progressed.connect(
        lambda _done, _total: cancelled.wait(WAIT_MS / 1000), Qt.ConnectionType.DirectConnection
    )

    start(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.progressBar.value() == 25, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.cancelButton, Qt.MouseButton.LeftButton)
    cancelled.set()
    finish(qtbot, dialog)

    assert dialog.statusLabel.text() == "Cancelled: no tokens were kept."
    assert dialog.results.rowCount() == 0
    assert not dialog.saveButton.isEnabled()
    assert dialog.startButton.isEnabled()  # ready to run again


def test_without_a_held_key_nothing_can_start(qtbot: Any, open_dialog: DialogFactory) -> None:
    dialog = open_dialog(key_ids=[])
    dialog.inputEdit.setPlainText(video_ids(1)[0])

    assert not dialog.startButton.isEnabled()
    assert not dialog.keyCombo.isEnabled()
    assert "create or import one" in dialog.keyMessage.text()
    assert dialog.keyMessage.isVisible()


def test_an_expiry_beyond_24_hours_is_refused_before_signing(
    qtbot: Any, open_dialog: DialogFactory
) -> None:
    dialog = open_dialog()
    dialog.inputEdit.setPlainText(video_ids(1)[0])
    assert dialog.startButton.isEnabled()
    assert dialog.expMessage.text().startswith("Until ")

    dialog.expEdit.setText("30h")
    assert not dialog.startButton.isEnabled()
    assert "more than 24 hours from now" in dialog.expMessage.text()
    dialog.expEdit.setText("soon")
    assert not dialog.startButton.isEnabled()
    assert dialog.expMessage.isVisible()


def test_a_key_gone_from_the_keyring_is_reported(
    qtbot: Any, open_dialog: DialogFactory, keys: KeyService
) -> None:
    dialog = open_dialog()
    keys.forget(KEY_ID)
    dialog.inputEdit.setPlainText(video_ids(1)[0])

    start(qtbot, dialog)
    finish(qtbot, dialog)

    assert dialog.banner.tone() == "error"
    assert dialog.banner.message().startswith(f"Signing key {KEY_ID} is not held")
    assert dialog.startButton.isEnabled()


def test_an_unexpected_failure_ends_the_run_and_reaches_the_crash_dialog(
    qtbot: Any, open_dialog: DialogFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog()
    dialog.inputEdit.setPlainText("\n".join(video_ids(3)))
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _type, error, _tb: reported.append(error))

    def broken_pool(*_args: Any, **_kwargs: Any) -> Any:
        raise BrokenProcessPool("A child process terminated abruptly")

    monkeypatch.setattr(token_service, "sign_batch", broken_pool)
    start(qtbot, dialog)
    finish(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(reported), timeout=WAIT_MS)

    assert [type(error) for error in reported] == [BrokenProcessPool]  # the crash dialog's hook
    assert dialog.statusLabel.text() == (
        "Signing stopped by an unexpected error; no tokens were kept."
    )
    assert not dialog.cancelButton.isEnabled()
    assert not dialog.inputEdit.isReadOnly()
    assert dialog.results.rowCount() == 0

    monkeypatch.undo()  # the pool works again: the same dialog can simply try again
    start(qtbot, dialog)
    finish(qtbot, dialog)
    assert dialog.statusLabel.text() == "Signed 3 tokens."


def test_every_control_has_a_name(open_dialog: DialogFactory) -> None:
    dialog = open_dialog()
    controls = [
        dialog.inputEdit,
        dialog.keyCombo,
        dialog.expEdit,
        dialog.startButton,
        dialog.cancelButton,
        dialog.progressBar,
        dialog.resultsTable,
        dialog.problemsLabel,
        dialog.saveButton,
        dialog.copyButton,
        dialog.closeButton,
    ]
    for widget in controls:
        assert widget.objectName() and widget.accessibleName(), widget
