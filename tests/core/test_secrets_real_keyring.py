"""SecretStore against a real Secret Service (gnome-keyring), across two processes.

Run with:
    HOME=$(mktemp -d) dbus-run-session -- bash scripts/run-real-keyring.sh \
        .venv/bin/python -m pytest -q tests/core/test_secrets_real_keyring.py
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cfstream_gui.core.storage.secrets import SecretStore

pytestmark = [
    pytest.mark.real_keyring,
    pytest.mark.skipif(
        os.environ.get("REAL_KEYRING") != "1",
        reason="needs a real Secret Service: run under scripts/run-real-keyring.sh",
    ),
]

REPO = Path(__file__).resolve().parents[2]

# The second process builds the same store and prints what it finds. CLOUDFLARE_API_TOKEN is
# removed from its environment (conftest's isolation does not reach a child process).
READER = """
import sys
from keyring.backends import SecretService
from cfstream_gui.core.storage.secrets import SecretStore

store = SecretStore(backend=SecretService.Keyring())
from cfstream_gui.core.credentials import resolve_credentials

token = store.get_api_token(sys.argv[1])
print("<none>" if token is None else token)
credentials = resolve_credentials({}, lambda: store.get_api_token(sys.argv[1]))
print(None if credentials is None else credentials.origin)
"""


def _read_in_another_process(profile: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLOUDFLARE_API_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-c", READER, profile],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.splitlines()


def test_token_survives_into_a_second_process_and_is_deleted() -> None:
    from keyring.backends import SecretService

    store = SecretStore(backend=SecretService.Keyring())
    assert store.store_name() == "Secret Service"
    assert store.is_available()

    profile = f"real-keyring-test-{secrets.token_hex(4)}"
    token = f"real-{secrets.token_urlsafe(24)}"
    store.set_api_token(profile, token)
    try:
        assert _read_in_another_process(profile) == [token, "keyring"]
    finally:
        store.delete_api_token(profile)

    assert store.get_api_token(profile) is None
    assert _read_in_another_process(profile) == ["<none>", "None"]
    store.delete_api_token(profile)  # already gone: still fine with the real backend


def test_signing_key_and_index_on_the_real_keyring() -> None:
    from keyring.backends import SecretService

    store = SecretStore(backend=SecretService.Keyring())
    profile = f"real-keyring-test-{secrets.token_hex(4)}"
    key_id = secrets.token_hex(16)
    pem = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n"

    store.set_signing_key(profile, key_id, pem)
    try:
        assert store.get_signing_key(profile, key_id) == pem
        assert store.list_signing_key_ids(profile) == [key_id]
    finally:
        store.delete_signing_key(profile, key_id)
    assert store.get_signing_key(profile, key_id) is None
    assert store.list_signing_key_ids(profile) == []
