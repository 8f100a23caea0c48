"""The Accounts dialog in the real window against the sandbox over loopback: add (the token is
checked before anything is saved, and what it can do is said), edit, rename, remove, switch;
bad input named at its field and never sent; a slow check cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.errors import PasswordSetError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QWidget

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.accounts.dialog import AccountsDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory, saved_sandbox_profile

KEY_ID = "e9db990a82666dd571c77f944a5c5c8d"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n-----END RSA PRIVATE KEY-----\n"


def open_dialog(
    qtbot: Any, window: MainWindow, button: str = "manageAccountsButton"
) -> AccountsDialog:
    widget = getattr(window.account, button)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    dialog = window.accounts.accounts_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill(qtbot: Any, dialog: AccountsDialog, **values: str) -> None:
    edits = {
        "name": dialog.fields.nameEdit,
        "account": dialog.fields.accountIdEdit,
        "token": dialog.fields.apiTokenEdit,
        "code": dialog.fields.customerCodeEdit,
        "base_url": dialog.fields.baseUrlEdit,
    }
    if "base_url" in values:
        dialog.fields.advancedToggle.setChecked(True)
    for key, text in values.items():
        edits[key].clear()
        qtbot.keyClicks(edits[key], text)


def save(qtbot: Any, dialog: AccountsDialog) -> None:
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)


def close(qtbot: Any, window: MainWindow, dialog: AccountsDialog) -> None:
    qtbot.mouseClick(dialog.closeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.accounts.accounts_dialog is None, timeout=WAIT_MS)


def secrets() -> SecretStore:
    return SecretStore()  # the test's in-memory keyring (tests/conftest.py)


def test_adding_an_account_checks_the_token_saves_it_and_switches_the_window(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()  # the sandbox: "Add your Cloudflare account" is offered
    assert window.account.sandboxNote.isVisible()
    dialog = open_dialog(qtbot, window, "addAccountButton")
    assert dialog.selected_name() is None  # on a blank new account
    fill(
        qtbot,
        dialog,
        name="work",
        account=sandbox.DEMO_ACCOUNT_ID,
        token=sandbox.DEMO_API_TOKEN,
        base_url=sandbox.base_url,
    )
    save(qtbot, dialog)

    assert not dialog.banner.isVisible(), dialog.banner.message()
    said = dialog.checkLabel.text()
    assert "Cloudflare accepts this API token" in said
    assert "Stream Read" in said and "needs Stream Edit" in said
    assert sandbox.DEMO_CUSTOMER_CODE in said
    assert dialog.statusLabel.text() == "Saved “work”."
    saved = ProfileStore().get("work")
    assert saved.customer_code == sandbox.DEMO_CUSTOMER_CODE  # found on a video
    assert saved.api_base_url == sandbox.base_url
    assert secrets().get_api_token("work") == sandbox.DEMO_API_TOKEN
    assert sandbox.DEMO_API_TOKEN not in ProfileStore().path.read_text()
    assert not [r for r in sandbox.requests if r.method != "GET"]  # the check changed nothing

    close(qtbot, window, dialog)
    assert window.account.profile_name() == "work"
    assert window.account.account_id() == sandbox.DEMO_ACCOUNT_ID
    assert not window.account.sandboxNote.isVisible()
    qtbot.waitUntil(lambda: window.controller.tokens.credentials() is not None, timeout=WAIT_MS)
    assert window.controller.tokens.api_token() == sandbox.DEMO_API_TOKEN


def test_a_refused_token_saves_nothing_and_keeps_what_was_typed(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    wrong = "cfut_WrongWrongWrong0000000000000000000000"
    fill(
        qtbot,
        dialog,
        name="work",
        account=sandbox.DEMO_ACCOUNT_ID,
        token=wrong,
        base_url=sandbox.base_url,
    )
    save(qtbot, dialog)

    assert dialog.banner.isVisible() and "Nothing was saved" in dialog.banner.hint()
    assert wrong not in dialog.banner.message() + dialog.banner.hint()
    assert ProfileStore().list() == [] and secrets().get_api_token("work") is None
    assert dialog.fields.draft().api_token == wrong and dialog.fields.draft().name == "work"


def test_an_expired_token_is_said_and_saves_nothing(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    fill(
        qtbot,
        dialog,
        name="work",
        account=sandbox.DEMO_ACCOUNT_ID,
        token=sandbox.DEMO_EXPIRED_API_TOKEN,
        base_url=sandbox.base_url,
    )
    save(qtbot, dialog)
    assert "expired" in dialog.banner.message()
    assert ProfileStore().list() == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "../etc", "account": "0" * 32, "token": "tok3n-distinct"}, "profileNameMessage"),
        (
            {"name": "w", "account": "acc/../x", "token": "tok3n-distinct"},
            "profileAccountIdMessage",
        ),
        ({"name": "w", "account": "0" * 32, "token": "two words"}, "profileApiTokenMessage"),
        (
            {"name": "w", "account": "0" * 32, "token": "tok3n-distinct", "code": "a.b"},
            "profileCustomerCodeMessage",
        ),
        (
            {
                "name": "w",
                "account": "0" * 32,
                "token": "tok3n-distinct",
                "base_url": "http://evil.example.com",
            },
            "profileBaseUrlMessage",
        ),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_is_sent(
    qtbot: Any,
    make_window: WindowFactory,
    sandbox: Sandbox,
    values: dict[str, str],
    message: str,
) -> None:
    window = make_window()
    sandbox.clear()
    dialog = open_dialog(qtbot, window)
    fill(qtbot, dialog, **values)
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)

    shown = dialog.fields.messages
    visible = [m.objectName() for m in shown.values() if m.isVisible()]
    assert visible == [message]
    assert not dialog.is_busy() and sandbox.requests == []
    assert ProfileStore().list() == []
    assert "fix the marked fields" in dialog.statusLabel.text()
    if "token" in values:
        assert values["token"] not in " ".join(m.text() for m in shown.values())


def test_a_new_account_without_a_token_asks_for_one(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    sandbox.clear()
    dialog = open_dialog(qtbot, window)
    fill(qtbot, dialog, name="work", account=sandbox.DEMO_ACCOUNT_ID)
    save(qtbot, dialog)
    assert dialog.fields.messages["API token"].isVisible()
    assert sandbox.requests == [] and ProfileStore().list() == []


@pytest.fixture
def work(sandbox: Sandbox) -> Iterator[Profile]:
    profile = saved_sandbox_profile(sandbox, "work")
    store = secrets()
    store.set_api_token("work", sandbox.DEMO_API_TOKEN)
    store.set_signing_key("work", KEY_ID, PEM)
    yield profile


def test_renaming_the_windows_account_moves_its_secrets_and_the_window_follows(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, work: Profile
) -> None:
    window = make_window(use_sandbox_profile=False)
    assert window.account.profile_name() == "work"
    dialog = open_dialog(qtbot, window)
    assert dialog.selected_name() == "work"
    qtbot.waitUntil(
        lambda: "Kept in the keyring" in dialog.fields.apiTokenEdit.placeholderText(),
        timeout=WAIT_MS,
    )
    assert dialog.fields.apiTokenEdit.text() == ""  # a kept token is never shown
    fill(qtbot, dialog, name="office")
    save(qtbot, dialog)

    assert [p.name for p in ProfileStore().list()] == ["office"]
    assert secrets().get_api_token("office") == sandbox.DEMO_API_TOKEN
    assert secrets().get_signing_key("office", KEY_ID) == PEM
    assert secrets().get_api_token("work") is None
    close(qtbot, window, dialog)
    assert window.account.profile_name() == "office"
    qtbot.waitUntil(lambda: window.controller.tokens.credentials() is not None, timeout=WAIT_MS)


def test_removing_asks_first_then_removes_the_keyring_entries(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, work: Profile
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    dialog.accountsList.choose("work")
    dialog.confirm = lambda *args: False
    qtbot.mouseClick(dialog.removeButton, Qt.MouseButton.LeftButton)
    assert ProfileStore().exists("work") and secrets().get_api_token("work")

    questions: list[str] = []

    def yes(*args: Any) -> bool:
        questions.append(args[2])
        return True

    dialog.confirm = yes
    qtbot.mouseClick(dialog.removeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not dialog.is_busy() and not ProfileStore().exists("work"), timeout=WAIT_MS
    )
    assert "“work”" in questions[0]
    assert secrets().get_api_token("work") is None
    assert secrets().list_signing_key_ids("work") == []
    assert dialog.statusLabel.text() == (
        "Removed profile work, its API token and 1 signing key from the keyring."
    )
    close(qtbot, window, dialog)
    assert window.account.profileCombo.findData("work") == -1


def test_use_in_window_switches_the_windows_account(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, work: Profile
) -> None:
    window = make_window()
    assert window.account.profile_name() == "sandbox"
    dialog = open_dialog(qtbot, window)
    dialog.accountsList.choose("work")
    qtbot.mouseClick(dialog.useButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.accounts.accounts_dialog is None, timeout=WAIT_MS)
    assert window.account.profile_name() == "work"


def test_what_was_typed_for_each_account_survives_looking_at_another(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, work: Profile
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    fill(qtbot, dialog, name="client-a", account="1" * 32)
    dialog.accountsList.choose("work")
    assert dialog.fields.draft().name == "work"
    dialog.accountsList.choose("")
    assert dialog.fields.draft().name == "client-a"
    assert dialog.fields.draft().account_id == "1" * 32


def test_a_slow_check_can_be_cancelled_and_saves_nothing(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    fill(
        qtbot,
        dialog,
        name="work",
        account=sandbox.DEMO_ACCOUNT_ID,
        token=sandbox.DEMO_API_TOKEN,
        base_url=sandbox.base_url,
    )
    sandbox.set_latency(5)
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    assert dialog.is_busy() and dialog.cancelButton.isEnabled()
    assert not dialog.saveButton.isEnabled()
    qtbot.mouseClick(dialog.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)
    assert dialog.statusLabel.text() == "Cancelled: nothing was saved."
    assert ProfileStore().list() == []
    assert dialog.fields.draft().name == "work"
    sandbox.set_latency(0)


class NoSetKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the collection is locked")


def test_a_keyring_that_refuses_the_token_keeps_it_for_this_session(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    keyring.set_keyring(NoSetKeyring())  # the conftest puts the test's keyring back
    window = make_window()
    dialog = open_dialog(qtbot, window)
    fill(
        qtbot,
        dialog,
        name="work",
        account=sandbox.DEMO_ACCOUNT_ID,
        token=sandbox.DEMO_API_TOKEN,
        base_url=sandbox.base_url,
    )
    save(qtbot, dialog)
    assert ProfileStore().exists("work")
    assert "this session only" in dialog.banner.message()
    close(qtbot, window, dialog)
    assert window.account.profile_name() == "work"
    assert window.controller.tokens.api_token() == sandbox.DEMO_API_TOKEN


def part_of_a_control(widget: QWidget, container: QWidget) -> bool:
    """A clear button inside a line edit, a combo box's popup list, a table's corner button:
    Qt's own pieces of a control that is named itself."""
    parent = widget.parentWidget()
    while parent is not None and parent is not container:
        if isinstance(parent, QLineEdit | QAbstractItemView | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def test_every_control_has_a_name_for_scripts_and_screen_readers(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    qtbot.mouseClick(window.form.browseVideosButton, Qt.MouseButton.LeftButton)
    browser = window.accounts.video_browser
    assert browser is not None
    for container in (dialog, browser, window.account, window.form.publicWarning):
        for widget in container.findChildren(QWidget):
            interactive = isinstance(widget, QAbstractButton | QLineEdit | QAbstractItemView)
            if interactive and not part_of_a_control(widget, container):
                name = (
                    f"{type(widget).__name__} {widget.objectName()!r} in {container.objectName()}"
                )
                assert widget.objectName(), name
                assert widget.accessibleName(), name
