"""What the batch dialog's tests share: a signing key held in the (in-memory) keyring, a
dialog over the one token flow with a fixed clock, and starting and finishing a run."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from PySide6.QtCore import Qt

# isort: split
import qasync  # after PySide6

from cfstream_gui.core.clients import ClientPool
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.service import KeyService
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.batch.dialog import BatchDialog
from cfstream_gui.ui.batch.setup import BatchSetup
from tests.support.rsa_keys import pkcs8_pem, rsa_key
from tests.ui.conftest import WAIT_MS, client_factory

PROFILE = "work"
KEY_ID = "5a" * 16
NOW = 1_790_000_000.0  # a fixed clock: expiry times are exact
CUSTOMER = Sandbox.DEMO_CUSTOMER_CODE


@pytest.fixture(name="private_key", scope="module")
def private_key_fixture() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture(name="keys")
def keys_fixture(private_key: rsa.RSAPrivateKey) -> KeyService:
    """A key held in the keyring, loaded the way the app loads it (the client is never used:
    batches send nothing)."""
    service = KeyService(StreamClient(None, env={}), SecretStore(), PROFILE, "0" * 32)
    service.import_key(pkcs8_pem(private_key), KEY_ID)
    return service


DialogFactory = Callable[..., BatchDialog]


@pytest.fixture(name="open_dialog")
def open_dialog_fixture(
    qtbot: Any, qloop: qasync.QEventLoop, keys: KeyService
) -> Iterator[DialogFactory]:
    dialogs: list[BatchDialog] = []

    def make(
        key_ids: list[str] | None = None,
        load: Callable[[str], SigningKey] | None = None,
        **settings: Any,
    ) -> BatchDialog:
        """`settings`: BatchSetup's host_template, default_exp, clipboard_clear_seconds,
        prefill."""
        setup = BatchSetup(
            key_ids=[KEY_ID] if key_ids is None else key_ids,
            load_key=load or keys.load,
            # Signs through the one token flow; a batch never asks the API (nor this pool).
            service=TokenService(ClientPool(client_factory), clock=lambda: NOW),
            profile=Profile(PROFILE, account_id="0" * 32, customer_code=CUSTOMER),
            clock=lambda: NOW,
            **settings,
        )
        dialog = BatchDialog(setup, jobs=1)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:
        dialog.close()
        qtbot.waitUntil(lambda d=dialog: not d.is_busy(), timeout=WAIT_MS)


def video_ids(count: int) -> list[str]:
    return [uuid.uuid4().hex for _ in range(count)]


def start(qtbot: Any, dialog: BatchDialog) -> None:
    assert dialog.startButton.isEnabled()
    qtbot.mouseClick(dialog.startButton, Qt.MouseButton.LeftButton)
    assert dialog.is_busy()


def finish(qtbot: Any, dialog: BatchDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)
