"""Render the signing-key and batch dialogs to docs/screenshots/keys-*.png and batch-*.png, the
same bytes every run (scripts/screenshot_kit.py pins the clock, IDs, keys, screen and palette).

Runs against a throwaway sandbox with an in-memory keyring, so it never touches a real account
or the user's keyring. The Signing keys and Batch windows fill a 1366x768 screen; the smaller
dialogs keep their own size. Offscreen:

    .venv/bin/python scripts/screenshots_keys.py [--out-dir docs/screenshots] [--theme dark]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
from collections.abc import Callable
from pathlib import Path

import screenshot_kit as kit
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm
from PySide6.QtWidgets import QPlainTextEdit, QWidget

# isort: split
import qasync  # after PySide6

from cfstream_gui.core.clients import ClientPool, default_factory
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.service import KeyService
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.token_service import TokenService
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.batch.dialog import BatchDialog
from cfstream_gui.ui.batch.setup import BatchSetup
from cfstream_gui.ui.common.confirm_box import confirmation_box
from cfstream_gui.ui.keys.import_dialog import KeyImportDialog, UnsavedKeyDialog
from cfstream_gui.ui.keys.signing_keys_dialog import SigningKeysDialog

PROFILE = "sandbox"
NOW = kit.NOW
# The IDs of this script's videos, keys and imports: the same every run.
IDS = kit.SeededIds("screenshots-keys")
# An EC key (the wrong kind for Stream) needs no seeded generator: it is a scalar.
EC_SCALAR = 0x5C12EE45


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the dialog did not settle")


async def shoot(widget: QWidget, shots: kit.Shots, name: str) -> None:
    widget.show()
    await asyncio.sleep(0.1)  # let layouts and style sheets settle
    shots.save(widget, name)


async def shoot_without_key(
    edit: QPlainTextEdit, stand_in: str, widget: QWidget, shots: kit.Shots, name: str
) -> None:
    """Take the picture with `stand_in` shown where the key material is: no private key, not
    even a throwaway one, belongs in a picture. Signals are held so the dialog keeps the state
    (valid, needs an ID, wrong kind) that the real material put it in."""
    material = edit.toPlainText()
    edit.blockSignals(True)
    edit.setPlainText(stand_in)
    await shoot(widget, shots, name)
    edit.setPlainText(material)
    edit.blockSignals(False)


PEM_STAND_IN = (
    "-----BEGIN PRIVATE KEY-----\n"
    "(the key's body is left out of this picture)\n"
    "-----END PRIVATE KEY-----"
)
BASE64_STAND_IN = "{start}… (the rest is left out of this picture)"


def local_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


async def keys_shots(sandbox: Sandbox, shots: kit.Shots) -> KeyService:
    client = StreamClient(sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url, env={})
    service = KeyService(client, SecretStore(MemoryKeyring()), PROFILE, sandbox.DEMO_ACCOUNT_ID)
    await client.create_signing_key(sandbox.DEMO_ACCOUNT_ID)  # on the account, not held
    await service.create()
    service.import_key(local_pem(kit.seeded_rsa_key("orphan")), "ab" * 16)  # not on the account

    dialog = SigningKeysDialog(service)
    kit.fit_screen(dialog)
    dialog.show()
    await until(lambda: not dialog.is_busy())
    dialog.createButton.click()
    await until(lambda: not dialog.is_busy())
    await shoot(dialog, shots, "keys-list")

    row = dialog.model.rows()[1]
    box, _ = confirmation_box(
        dialog,
        "Revoke signing key",
        f"Revoke signing key {row.key_id}?",
        f"Every token signed with key {row.key_id} stops working, at once and for good. "
        "This cannot be undone.",
        "Revoke key",
    )
    await shoot(box, shots, "keys-revoke-confirm")
    box.close()

    importer = KeyImportDialog(dialog)
    await shoot(importer, shots, "keys-import-empty")
    jwk = json.loads(RSAAlgorithm.to_jwk(kit.seeded_rsa_key("jwk")))
    jwk["kid"] = IDS.hex32()
    material = importer.materialEdit
    material.setPlainText(base64.b64encode(json.dumps(jwk).encode()).decode())
    jwk_start = BASE64_STAND_IN.format(start=material.toPlainText()[:24])
    await shoot_without_key(material, jwk_start, importer, shots, "keys-import-jwk")
    material.setPlainText(local_pem(kit.seeded_rsa_key("needs-id")))
    await shoot_without_key(material, PEM_STAND_IN, importer, shots, "keys-import-needs-id")
    material.setPlainText(local_pem(ec.derive_private_key(EC_SCALAR, ec.SECP256R1())))
    await shoot_without_key(material, PEM_STAND_IN, importer, shots, "keys-import-ec")
    importer.reject()

    unsaved = UnsavedKeyDialog(
        IDS.hex32(),
        base64.b64encode(local_pem(kit.seeded_rsa_key("unsaved")).encode()).decode(),
        "The keyring could not save the key: the collection is locked.",
        dialog,
    )
    pem_start = BASE64_STAND_IN.format(start=unsaved.keyEdit.toPlainText()[:24])
    await shoot_without_key(unsaved.keyEdit, pem_start, unsaved, shots, "keys-unsaved")
    unsaved.copied = True
    unsaved.reject()
    dialog.close()
    await dialog.wait_idle()
    await client.aclose()
    return service


async def batch_shots(service: KeyService, shots: kit.Shots) -> None:
    held = [row.key_id for row in (await service.inventory()).rows if row.state.can_sign]
    # A batch signs here and never asks the API: the pool's clients are never made.
    tokens = TokenService(ClientPool(default_factory({})), clock=lambda: NOW)
    profile = Profile(
        PROFILE, account_id=Sandbox.DEMO_ACCOUNT_ID, customer_code=Sandbox.DEMO_CUSTOMER_CODE
    )
    dialog = BatchDialog(BatchSetup(held, service.load, tokens, profile, clock=lambda: NOW))
    kit.fit_screen(dialog)
    await shoot(dialog, shots, "batch-empty")
    ids = [IDS.hex32() for _ in range(50)]
    lines = [*ids[:2], "not-a-video", *ids[2:40], "12345", *ids[40:]]
    dialog.inputEdit.setPlainText("\n".join(lines))
    dialog.startButton.click()
    await until(lambda: not dialog.is_busy())
    await shoot(dialog, shots, "batch-done")
    dialog.close()
    await dialog.wait_idle()

    no_code = Profile(PROFILE, account_id=Sandbox.DEMO_ACCOUNT_ID)
    none = BatchDialog(BatchSetup([], service.load, tokens, no_code, clock=lambda: NOW))
    kit.fit_screen(none)
    none.expEdit.setText("30h")
    await shoot(none, shots, "batch-no-key")
    none.close()


async def main(shots: kit.Shots) -> None:
    shots.out_dir.mkdir(parents=True, exist_ok=True)
    keys = kit.seeded_key_source("keys-dialogs")
    with Sandbox(clock=kit.fixed_clock, keys=keys) as sandbox:
        service = await keys_shots(sandbox, shots)
        await batch_shots(service, shots)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=kit.DEFAULT_OUT)
    parser.add_argument("--theme", choices=kit.THEMES, default="light")
    args = parser.parse_args()
    kit.prepare(args.theme)
    app = kit.application(args.theme)
    app.setQuitOnLastWindowClosed(False)  # each dialog is closed after its shot
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(kit.Shots(args.out_dir, args.theme)))
