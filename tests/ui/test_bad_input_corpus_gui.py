"""The window's share of the bad-input corpus (tests/fixtures/bad_inputs.toml, `gui.*`): fields
typed into, a hand-edited last_form.json, key material pasted into the import dialog. Each is
refused where the user sees it (the reason Create is unavailable, the dialog's status), the
window opens whatever the saved form holds, and the sandbox sees no request at all, not even
when Create is pressed the way a script would, past the disabled button."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from cfstream_gui.core.storage.form_state import FORM_FILE, FormStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.crash_dialog import CrashDialog
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.support.corpus import Entry, entries, fill
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name

FIELDS = [entry for entry in entries("gui.") if entry.surface != "gui.key_import"]
PASTED_KEYS = entries("gui.key_import")
# The window reads profiles.json too: the same broken files must not stop it from opening.
PROFILE_FILES = [entry for entry in entries("config.profiles") if "ghost" not in entry.says]


def press_create_anyway(qtbot: Any, window: MainWindow) -> None:
    """What a script driving the controller could do while the button is disabled."""
    task = asyncio.ensure_future(window.controller.create())
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    task.result()


def reason(window: MainWindow) -> str:
    return str(by_name(window, QLabel, "createStatusLabel").text())


def open_on_saved_form(make_window: WindowFactory, text: str, config_dir: Path) -> MainWindow:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / FORM_FILE).write_text(text, encoding="utf-8")
    return make_window()


@pytest.mark.parametrize("entry", FIELDS, ids=[entry.id for entry in FIELDS])
def test_each_bad_value_in_the_window_is_refused_and_sends_nothing(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, config_dir: Path, entry: Entry
) -> None:
    value = fill(entry.value, {"UID": sandbox.video_uids(signed=True)[0]})
    if entry.surface == "gui.last_form":
        window = open_on_saved_form(make_window, value, config_dir)
        restored = FormStore().load()
        assert (restored is not None) == (entry.says == "restored")
        assert len(window.form.rules()) <= 20  # a damaged file's thousand rules are not shown
    else:
        window = make_window()
        window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
        if entry.surface == "gui.video":
            window.form.videoIdEdit.setText(value)
        elif entry.surface == "gui.account":
            window.account.accountIdEdit.setText(value)
        else:
            kind, _, values = value.partition(" ")
            model = window.form.rulesEditor.model
            assert model.insertRows(0, 1)
            model.setData(model.index(0, 1), kind)
            model.setData(model.index(0, 2), values)
        assert not by_name(window, QPushButton, "createTokenButton").isEnabled()
        assert entry.says in reason(window)
        assert reason(window).isprintable() and len(reason(window)) < 600

    press_create_anyway(qtbot, window)

    assert sandbox.requests == []
    assert not window.findChildren(CrashDialog)
    assert by_name(window, QLabel, "createStatusLabel").text().isprintable()


@pytest.mark.parametrize("entry", PASTED_KEYS, ids=[entry.id for entry in PASTED_KEYS])
def test_each_bad_key_pasted_in_the_import_dialog_is_refused_with_its_reason(
    qtbot: Any, entry: Entry
) -> None:
    dialog = KeyImportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    value = fill(entry.value, {})

    dialog.materialEdit.setPlainText(value)

    assert not dialog.okButton.isEnabled()
    status = dialog.statusLabel.text()
    assert entry.says in status
    assert status.isprintable() and len(status) < 600
    assert len(value) < 80 or value[40:80] not in status  # key material is never quoted back
    dialog.reject()
    assert dialog.signing_key() is None
    assert dialog.materialEdit.toPlainText() == ""
    assert SecretStore().list_signing_key_ids("sandbox") == []


@pytest.mark.parametrize("entry", PROFILE_FILES, ids=[entry.id for entry in PROFILE_FILES])
def test_the_window_opens_on_a_broken_profiles_file_and_says_what_is_wrong(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, config_dir: Path, entry: Entry
) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "profiles.json").write_text(
        fill(entry.value, {"ACCOUNT": sandbox.DEMO_ACCOUNT_ID}), encoding="utf-8"
    )

    window = make_window()  # with the sandbox's own profile, which needs no file

    assert window.banner.tone() == "error"
    assert entry.says in window.banner.message()
    assert window.banner.message().isprintable() and len(window.banner.message()) < 600
    assert not window.findChildren(CrashDialog)
    assert window.account.profile_name() == "sandbox"
    assert sandbox.requests == []
