"""The signing-keys dialog and the key-import dialog, against the sandbox on loopback with the
in-memory keyring: what a user sees and what ends up on the account and in the keyring."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm
from keyring.errors import KeyringError
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

# isort: split
import qasync  # after PySide6

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.inventory import KeyState
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.keys.service import KeyService
from cfstream_gui.core.keys.signing_key import SigningKey, import_key
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from cfstream_gui.ui.common.confirm_box import confirmation_box
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog, UnsavedKeyDialog
from cfstream_gui.ui.keys.signing_keys_dialog import OFFLINE, SigningKeysDialog
from tests.support import rsa_keys
from tests.support.rsa_keys import pkcs8_pem
from tests.ui.conftest import WAIT_MS, no_sleep

PROFILE = "work"
T = TypeVar("T")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa_keys.rsa_key()


def run(qtbot: Any, coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the qasync loop from a sync test, pumping Qt until it is done."""
    future = asyncio.ensure_future(coro)
    qtbot.waitUntil(future.done, timeout=WAIT_MS)
    return future.result()


@pytest.fixture
def client(qtbot: Any, qloop: qasync.QEventLoop, sandbox: Sandbox) -> Iterator[StreamClient]:
    api = StreamClient(sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url, env={}, sleep=no_sleep)
    yield api
    run(qtbot, api.aclose())


@pytest.fixture
def secrets() -> SecretStore:
    return SecretStore()


@pytest.fixture
def service(client: StreamClient, secrets: SecretStore, sandbox: Sandbox) -> KeyService:
    return KeyService(client, secrets, PROFILE, sandbox.DEMO_ACCOUNT_ID)


DialogFactory = Callable[..., SigningKeysDialog]


@pytest.fixture
def open_dialog(qtbot: Any, qloop: qasync.QEventLoop) -> Iterator[DialogFactory]:
    dialogs: list[SigningKeysDialog] = []

    def make(source: Any) -> SigningKeysDialog:
        dialog = SigningKeysDialog(source)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        settle(qtbot, dialog)
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:
        qtbot.waitUntil(lambda d=dialog: not d.is_busy(), timeout=WAIT_MS)
        dialog.close()


def settle(qtbot: Any, dialog: SigningKeysDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)


def click(qtbot: Any, dialog: SigningKeysDialog, name: str) -> None:
    button = dialog.findChild(type(dialog.createButton), name)
    assert button is not None and button.isEnabled(), f"{name} is not clickable"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def cell(dialog: SigningKeysDialog, row: int, column: int) -> str:
    return str(dialog.model.index(row, column).data())


def states(dialog: SigningKeysDialog) -> dict[str, KeyState]:
    return {row.key_id: row.state for row in dialog.model.rows()}


def remote_ids(qtbot: Any, client: StreamClient, sandbox: Sandbox) -> set[str]:
    return {key.id for key in run(qtbot, client.list_signing_keys(sandbox.DEMO_ACCOUNT_ID))}


def plays(sandbox: Sandbox, key: SigningKey) -> bool:
    """Does a token signed here with `key` play on the (sandbox) edge?"""
    uid = sandbox.video_uids(signed=True)[0]
    token = sign_locally(TokenRequest(video_uid=uid), key, now=int(time.time()))
    return sandbox.verify_playback_token(token, uid).allowed


class Answers:
    """Stands in for the confirmation box: records what was asked, answers as told."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, _parent: Any, _title: str, question: str, what: str, action: str) -> bool:
        self.asked.append((question, what, action))
        return self.answer


# -- the list -----------------------------------------------------------------------------------


def test_lists_account_keys_merged_with_held_ones(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    sandbox: Sandbox,
    rsa_key: rsa.RSAPrivateKey,
    open_dialog: DialogFactory,
) -> None:
    remote_only = run(qtbot, client.create_signing_key(sandbox.DEMO_ACCOUNT_ID))
    held = run(qtbot, service.create())
    orphan = service.import_key(pkcs8_pem(rsa_key), "ab" * 16)

    dialog = open_dialog(service)

    assert states(dialog) == {
        remote_only.id: KeyState.NOT_HELD,
        held.key_id: KeyState.HELD,
        orphan.key_id: KeyState.ORPHANED,
    }
    status = dialog.statusLabel.text()
    assert (
        status == "2 keys on the account, 1 held here; 1 more held here is gone from the account."
    )
    row = dialog.model.row_of(orphan.key_id)
    assert row is not None
    assert cell(dialog, row, 1) == "—"
    assert cell(dialog, row, 2) == "Held here, but gone from the account"
    assert dialog.model.index(row, 2).data(Qt.ItemDataRole.ToolTipRole) == KeyState.ORPHANED.label

    expected = {
        remote_only.id: (True, False),
        held.key_id: (True, True),
        orphan.key_id: (False, True),
    }
    for key_id, (can_revoke, can_forget) in expected.items():
        dialog.select_key(key_id)
        assert (dialog.revokeButton.isEnabled(), dialog.forgetButton.isEnabled()) == (
            can_revoke,
            can_forget,
        ), key_id
        assert dialog.detailLabel.text().startswith(key_id)


def test_offline_still_lists_the_held_keys(
    qtbot: Any,
    service: KeyService,
    sandbox: Sandbox,
    rsa_key: rsa.RSAPrivateKey,
    open_dialog: DialogFactory,
) -> None:
    held = service.import_key(pkcs8_pem(rsa_key), "cd" * 16)
    sandbox.inject_fault(Fault(disconnect=True, times=None, path_contains="/stream/keys"))

    dialog = open_dialog(service)

    assert dialog.statusLabel.text() == OFFLINE
    assert states(dialog) == {held.key_id: KeyState.HELD}
    assert cell(dialog, 0, 2) == "Held here (account not checked)"


def test_refused_token_is_explained_in_the_dialog(
    qtbot: Any, qloop: qasync.QEventLoop, sandbox: Sandbox, open_dialog: DialogFactory
) -> None:
    bad = StreamClient(
        sandbox.DEMO_EXPIRED_API_TOKEN, base_url=sandbox.base_url, env={}, sleep=no_sleep
    )

    async def factory() -> KeyService:
        return KeyService(bad, SecretStore(), PROFILE, sandbox.DEMO_ACCOUNT_ID)

    try:
        dialog = open_dialog(factory)
        assert dialog.banner.tone() == "error"
        assert (
            dialog.banner.hint() == "Check the token has Stream Edit permission for this account."
        )
        assert dialog.statusLabel.text() == "The key list could not be loaded."
        assert dialog.createButton.isEnabled()  # never stuck busy
    finally:
        run(qtbot, bad.aclose())


# -- create -------------------------------------------------------------------------------------


def test_create_keeps_the_key_in_the_keyring_and_lists_it(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    secrets: SecretStore,
    sandbox: Sandbox,
    open_dialog: DialogFactory,
) -> None:
    dialog = open_dialog(service)
    assert dialog.statusLabel.text().startswith("No signing keys on the account yet")

    click(qtbot, dialog, "createKeyButton")
    assert dialog.is_busy() and not dialog.createButton.isEnabled()
    settle(qtbot, dialog)

    (key_id,) = remote_ids(qtbot, client, sandbox)
    pem = secrets.get_signing_key(PROFILE, key_id)
    assert pem is not None and plays(sandbox, import_key(pem, key_id))
    assert states(dialog) == {key_id: KeyState.HELD}
    selected = dialog.selected_row()
    assert selected is not None and selected.key_id == key_id
    assert dialog.banner.tone() == "notice"
    assert dialog.banner.message() == (
        f"Key {key_id} is stored in your keyring. Cloudflare shows the private key only once; "
        "it cannot be fetched again."
    )
    assert dialog.statusLabel.text() == "1 key on the account, 1 held here."


def test_create_shows_the_key_once_when_the_keyring_refuses_it(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    sandbox: Sandbox,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    open_dialog: DialogFactory,
) -> None:
    dialog = open_dialog(service)

    def refuse(*_args: Any) -> None:
        raise KeyringError("the collection is locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)
    click(qtbot, dialog, "createKeyButton")
    settle(qtbot, dialog)

    (key_id,) = remote_ids(qtbot, client, sandbox)
    shown = dialog.findChild(UnsavedKeyDialog)
    assert shown is not None and shown.isVisible()
    pem = shown.keyEdit.toPlainText()
    assert plays(sandbox, import_key(pem, key_id))
    # The base64 form the CLI prints and a token request's `pem` field takes, labelled so.
    assert base64.b64decode(pem, validate=True).startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert "base64" in shown.keyLabel.text()
    assert "not saved anywhere" in shown.warningLabel.text()
    assert dialog.banner.tone() == "error" and key_id in dialog.banner.message()
    assert pem not in dialog.banner.message()
    assert states(dialog) == {key_id: KeyState.NOT_HELD}

    qtbot.mouseClick(shown.copyButton, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == pem
    shown.close()
    assert shown.keyEdit.toPlainText() == ""


def test_a_key_the_keyring_refuses_is_shown_even_after_its_dialog_closed(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    sandbox: Sandbox,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    open_dialog: DialogFactory,
) -> None:
    dialog = open_dialog(service)

    def refuse(*_args: Any) -> None:
        raise KeyringError("the collection is locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)
    click(qtbot, dialog, "createKeyButton")
    dialog.reject()  # closed while Cloudflare makes the key

    def shown_on_top() -> list[UnsavedKeyDialog]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, UnsavedKeyDialog)]

    qtbot.waitUntil(lambda: bool(shown_on_top()), timeout=WAIT_MS)
    (shown,) = shown_on_top()
    # The window deletes a closed Signing keys dialog: the key's window must not go with it.
    assert shown.parent() is not dialog
    assert shown.isVisible() and shown.keyEdit.toPlainText()
    (key_id,) = remote_ids(qtbot, client, sandbox)
    assert plays(sandbox, import_key(shown.keyEdit.toPlainText(), key_id))
    qtbot.mouseClick(shown.copyButton, Qt.MouseButton.LeftButton)  # copied: closes unasked
    shown.close()


def test_unsaved_key_window_asks_before_losing_an_uncopied_key(qtbot: Any) -> None:
    shown = UnsavedKeyDialog("ef" * 16, "PRIVATE KEY TEXT", "The keyring is locked.")
    qtbot.addWidget(shown)
    answers: list[bool] = [False, True]
    shown.confirm_discard = lambda _parent: answers.pop(0)
    shown.show()

    shown.reject()
    assert shown.isVisible() and shown.keyEdit.toPlainText() == "PRIVATE KEY TEXT"
    shown.reject()
    assert not shown.isVisible() and shown.keyEdit.toPlainText() == ""


# -- revoke and forget --------------------------------------------------------------------------


def test_the_confirmation_defaults_to_cancel(qtbot: Any) -> None:
    box, action = confirmation_box(None, "Revoke signing key", "Revoke?", "It stops.", "Revoke key")
    qtbot.addWidget(box)
    assert action.text() == "Revoke key"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel)


def test_revoke_asks_first_and_then_removes_the_key_everywhere(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    secrets: SecretStore,
    sandbox: Sandbox,
    open_dialog: DialogFactory,
) -> None:
    key = run(qtbot, service.create())
    dialog = open_dialog(service)
    dialog.select_key(key.key_id)
    sent_before = len(sandbox.requests)

    dialog.confirm = no = Answers(False)
    click(qtbot, dialog, "revokeKeyButton")
    settle(qtbot, dialog)
    question, consequences, action = no.asked[0]
    assert key.key_id in question
    assert consequences == (
        f"Every token signed with key {key.key_id} stops working, at once and for good. "
        "This cannot be undone."
    )
    assert action == "Revoke key"
    assert len(sandbox.requests) == sent_before
    assert remote_ids(qtbot, client, sandbox) == {key.key_id}

    dialog.confirm = Answers(True)
    click(qtbot, dialog, "revokeKeyButton")
    settle(qtbot, dialog)
    deletes = [r for r in sandbox.requests if r.method == "DELETE"]
    assert [r.path.rsplit("/", 1)[1] for r in deletes] == [key.key_id]
    assert remote_ids(qtbot, client, sandbox) == set()
    assert secrets.get_signing_key(PROFILE, key.key_id) is None
    assert dialog.model.rows() == []
    assert dialog.banner.message().startswith(f"Key {key.key_id} is revoked")


def test_forget_removes_only_the_local_copy(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    secrets: SecretStore,
    sandbox: Sandbox,
    open_dialog: DialogFactory,
) -> None:
    key = run(qtbot, service.create())
    dialog = open_dialog(service)
    dialog.select_key(key.key_id)

    dialog.confirm = yes = Answers(True)
    click(qtbot, dialog, "forgetKeyButton")
    settle(qtbot, dialog)

    _question, consequences, action = yes.asked[0]
    assert "stays on Cloudflare and tokens signed with it keep working" in consequences
    assert "can no longer sign with it" in consequences
    assert action == "Forget key"
    assert secrets.get_signing_key(PROFILE, key.key_id) is None
    assert remote_ids(qtbot, client, sandbox) == {key.key_id}
    assert not [r for r in sandbox.requests if r.method == "DELETE"]
    assert states(dialog) == {key.key_id: KeyState.NOT_HELD}
    assert not dialog.forgetButton.isEnabled()


# -- import -------------------------------------------------------------------------------------


def test_import_through_the_dialog_makes_an_account_key_usable(
    qtbot: Any,
    client: StreamClient,
    service: KeyService,
    secrets: SecretStore,
    sandbox: Sandbox,
    open_dialog: DialogFactory,
) -> None:
    material = run(qtbot, client.create_signing_key(sandbox.DEMO_ACCOUNT_ID))
    dialog = open_dialog(service)
    assert states(dialog) == {material.id: KeyState.NOT_HELD}

    click(qtbot, dialog, "importKeyButton")
    importer = dialog.findChild(KeyImportDialog)
    assert importer is not None and importer.isVisible()
    importer.materialEdit.setPlainText(material.jwk)  # the API's base64 JWK, with its kid
    assert importer.okButton.isEnabled()
    qtbot.mouseClick(importer.okButton, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)

    assert secrets.get_signing_key(PROFILE, material.id) is not None
    assert states(dialog) == {material.id: KeyState.HELD}
    assert dialog.banner.message() == f"Key {material.id} is now held in your keyring."


@pytest.fixture
def importer(qtbot: Any) -> KeyImportDialog:
    dialog = KeyImportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_import_dialog_takes_a_pkcs8_pem_once_given_its_key_id(
    importer: KeyImportDialog, rsa_key: rsa.RSAPrivateKey
) -> None:
    pem = pkcs8_pem(rsa_key)
    assert not importer.keyIdEdit.isVisible()

    importer.materialEdit.setPlainText(pem)
    assert importer.keyIdEdit.isVisible() and importer.keyIdEdit.isEnabled()
    assert not importer.okButton.isEnabled()
    assert "32-character key ID" in importer.statusLabel.text()

    importer.keyIdEdit.setText("not-an-id")
    assert not importer.okButton.isEnabled()
    assert "not 32 hex characters" in importer.statusLabel.text()

    importer.keyIdEdit.setText("AB" * 16)
    assert importer.okButton.isEnabled()
    assert importer.statusLabel.text() == f"RSA 2048-bit key, key ID as entered: {'ab' * 16}"
    importer.okButton.click()

    key = importer.signing_key()
    assert key is not None and key.key_id == "ab" * 16
    assert key.public_pem() == import_key(pem, "ab" * 16).public_pem()
    assert importer.materialEdit.toPlainText() == ""
    assert not importer.materialEdit.document().isUndoAvailable()


def test_import_dialog_reads_the_kid_of_a_base64_jwk(
    importer: KeyImportDialog, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key))
    jwk["kid"] = "0123456789abcdef" * 2
    importer.materialEdit.setPlainText(base64.b64encode(json.dumps(jwk).encode()).decode())

    assert importer.okButton.isEnabled()
    assert not importer.keyIdEdit.isVisible()
    assert importer.statusLabel.text() == (
        f"RSA 2048-bit key, key ID from the JWK: {'0123456789abcdef' * 2}"
    )


def test_import_dialog_refuses_an_ec_key_with_its_reason(importer: KeyImportDialog) -> None:
    ec_pem = pkcs8_pem(ec.generate_private_key(ec.SECP256R1()))
    importer.materialEdit.setPlainText(ec_pem)

    assert not importer.okButton.isEnabled()
    message = importer.statusLabel.text()
    assert message == (
        "The signing key is an EC key, but Stream signing keys are RSA; "
        "import a key created by Cloudflare Stream."
    )
    assert "#b3261e" in importer.statusLabel.styleSheet() or "#ff8a80" in (
        importer.statusLabel.styleSheet()
    )
    body = ec_pem.splitlines()[1]
    assert body not in message

    importer.reject()
    assert importer.signing_key() is None
    assert importer.materialEdit.toPlainText() == ""


def test_import_dialog_loads_a_key_file(
    importer: KeyImportDialog, rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key))
    jwk["kid"] = "fe" * 16
    path = tmp_path / "key.json"
    path.write_text(json.dumps(jwk))
    importer.choose_file = lambda _parent: str(path)

    importer.loadButton.click()

    assert importer.okButton.isEnabled()
    assert importer.statusLabel.text().endswith("fe" * 16)


def test_every_control_has_a_name_for_automation_and_screen_readers(
    service: KeyService, open_dialog: DialogFactory
) -> None:
    dialog = open_dialog(service)
    for widget in [*dialog.findChildren(type(dialog.createButton)), dialog.table]:
        assert widget.objectName() and widget.accessibleName(), widget
    importer = KeyImportDialog()
    for widget in (importer.materialEdit, importer.keyIdEdit, importer.loadButton):
        assert widget.objectName() and widget.accessibleName()
    importer.deleteLater()
    QApplication.processEvents()


def test_offline_with_no_keys_held_does_not_claim_the_account_is_empty(
    qtbot: Any, service: KeyService, sandbox: Sandbox, open_dialog: DialogFactory
) -> None:
    sandbox.inject_fault(Fault(disconnect=True, times=None, path_contains="/stream/keys"))

    dialog = open_dialog(service)

    assert dialog.statusLabel.text() == OFFLINE
    assert "No signing keys on the account" not in dialog.statusLabel.text()
