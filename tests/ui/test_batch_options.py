"""The batch dialog offers what `cfstream-token batch` takes: a not-before time, access rules
and the MP4 download, besides the key and the expiry; each reaches every token, and bad input
is said at its field before anything is signed."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import jwt
import pytest

from cfstream_gui.core.batch import parse_rule_list
from cfstream_gui.core.models import AccessRule
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.batch.dialog import BatchDialog
from cfstream_gui.ui.batch.options import rules_text
from tests.ui.batch_kit import (  # noqa: F401 - fixtures
    NOW,
    DialogFactory,
    finish,
    keys_fixture,
    open_dialog_fixture,
    private_key_fixture,
    start,
    video_ids,
)
from tests.ui.conftest import WAIT_MS, WindowFactory

US_CA_THEN_BLOCK = [
    {"type": "ip.geoip.country", "action": "allow", "country": ["US", "CA"]},
    {"type": "any", "action": "block"},
]


def test_not_before_rules_and_downloads_reach_every_token(
    qtbot: Any,
    open_dialog: DialogFactory,
    tmp_path: Path,
) -> None:
    dialog = open_dialog()
    ids = video_ids(3)
    dialog.inputEdit.setPlainText("\n".join(ids))
    dialog.options.nbfEdit.setText("-5m")
    dialog.options.rulesEdit.setText("allow country us, ca; block any")
    dialog.options.downloadableCheck.setChecked(True)
    assert dialog.options.nbfMessage.text().startswith("From ")
    assert "2 rules" in dialog.options.rulesMessage.text()

    start(qtbot, dialog)
    finish(qtbot, dialog)

    results = dialog.results.results()
    assert [r.video_uid for r in results] == ids
    for result in results:
        claims = jwt.decode(result.token, options={"verify_signature": False})
        assert claims["nbf"] == int(NOW) - 300
        assert claims["accessRules"] == US_CA_THEN_BLOCK
        assert claims["downloadable"] is True
    target = tmp_path / "tokens.csv"
    dialog.choose_save_path = lambda _parent: str(target)
    dialog.saveButton.click()
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert all(row["mp4"].endswith("/downloads/default.mp4") for row in rows), rows[0]


@pytest.mark.parametrize(
    ("field", "text", "at", "said"),
    [
        ("rulesEdit", "allow planet mars", "rules", "Rule 1 ('allow planet mars') type 'planet'"),
        ("rulesEdit", "allow country US; deny any", "rules", "Rule 2 ('deny any') action 'deny'"),
        ("rulesEdit", "allow country ZZ", "rules", "ZZ is not an ISO 3166-1 country code"),
        ("rulesEdit", "; ".join(["block any"] * 6), "rules", "at most 5"),
        ("nbfEdit", "whenever", "nbf", "whenever"),
        # Starting after the tokens expire (in 1 h): the expiry is what has to move.
        ("nbfEdit", "2h", "exp", "not after the start time"),
    ],
)
def test_bad_options_are_said_at_their_field_and_nothing_can_start(
    open_dialog: DialogFactory,
    field: str,
    text: str,
    at: str,
    said: str,
) -> None:
    dialog = open_dialog()
    dialog.inputEdit.setPlainText(video_ids(1)[0])
    assert dialog.startButton.isEnabled()
    getattr(dialog.options, field).setText(text)
    message = getattr(dialog.options, f"{at}Message")
    assert said in message.text(), message.text()
    assert getattr(dialog.options, f"{at}Edit").property("invalid") == "error"
    assert not dialog.startButton.isEnabled()
    getattr(dialog.options, field).clear()  # empty means "none": fine again
    assert dialog.startButton.isEnabled()


def test_rules_written_out_read_back_the_same() -> None:
    rules = (
        AccessRule("allow", "ip.geoip.country", ("US", "CA")),
        AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
        AccessRule("block", "any"),
    )
    text = rules_text(rules)
    assert text == "allow country US,CA; allow ip 203.0.113.0/24,2001:db8::/32; block any"
    assert parse_rule_list(text) == rules


def test_the_window_offers_its_rules_and_download_choice_to_the_batch(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    window.form.rulesEditor.set_rules(
        [AccessRule("allow", "ip.geoip.country", ("US", "CA")), AccessRule("block", "any")]
    )
    window.form.downloadableCheck.setChecked(True)
    window.menu_actions.batch.trigger()
    qtbot.waitUntil(lambda: window.keys.batch_dialog is not None, timeout=WAIT_MS)
    dialog = window.keys.batch_dialog
    assert isinstance(dialog, BatchDialog)
    assert dialog.options.rulesEdit.text() == "allow country US,CA; block any"
    assert dialog.options.downloadableCheck.isChecked()
    assert dialog.options.nbfEdit.text() == ""
    dialog.close()
