"""What `keys create` prints, `keys import` reads back: `--show-private-key > k.txt` then
`keys import k.txt`, and the key handed over when the keyring refused it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import keyring
import pytest
from keyring.errors import PasswordSetError

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Run


def printed_key(cli: Run, tmp_path: Path) -> tuple[str, Path]:
    """`keys create --show-private-key > k.txt`, then the key forgotten here: (key id, k.txt)."""
    created = cli("keys", "create", "--show-private-key")
    assert created.code == 0, created.err
    key_file = tmp_path / "k.txt"
    key_file.write_text(created.out)
    key_id = created.out.split()[0]
    assert cli("keys", "forget", key_id).code == 0
    assert SecretStore().list_signing_key_ids("work") == []
    return key_id, key_file


def signs_with(cli: Run, sb: Sandbox, uid: str, key_id: str) -> bool:
    result = cli("create", uid, "--local", "--key", key_id)
    assert result.code == 0, result.err
    token = result.out.strip()
    return decode_token(token).kid == key_id and sb.verify_playback_token(token, uid).allowed


def test_printed_key_file_imports_as_it_is(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, tmp_path: Path
) -> None:
    key_id, key_file = printed_key(cli, tmp_path)

    imported = cli("keys", "import", str(key_file))

    assert imported.code == 0, imported.err
    assert key_id in imported.out
    assert SecretStore().list_signing_key_ids("work") == [key_id]
    assert signs_with(cli, sb, signed_uid, key_id)  # the real key, not just an entry


def test_printed_key_imports_from_stdin(
    sb: Sandbox,
    cli: Run,
    work: str,
    signed_uid: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key_id, key_file = printed_key(cli, tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(key_file.read_text()))

    imported = cli("keys", "import")

    assert imported.code == 0, imported.err
    assert signs_with(cli, sb, signed_uid, key_id)


def test_a_matching_key_id_is_accepted_in_any_case(
    sb: Sandbox, cli: Run, work: str, tmp_path: Path
) -> None:
    key_id, key_file = printed_key(cli, tmp_path)

    imported = cli("keys", "import", "--key-id", key_id.upper(), str(key_file))

    assert imported.code == 0, imported.err
    assert SecretStore().list_signing_key_ids("work") == [key_id]


def test_a_different_key_id_is_refused_and_nothing_is_kept(
    sb: Sandbox, cli: Run, work: str, tmp_path: Path
) -> None:
    key_id, key_file = printed_key(cli, tmp_path)
    other = "0123456789abcdef0123456789abcdef"

    result = cli("keys", "import", "--key-id", other, str(key_file))

    assert result.code == 2
    assert other in result.err and key_id in result.err
    assert key_file.read_text().split()[1] not in result.err + result.out
    assert SecretStore().list_signing_key_ids("work") == []


def test_a_first_line_that_is_not_a_key_id_is_not_taken_for_one(
    cli: Run, work: str, tmp_path: Path
) -> None:
    _, key_file = printed_key(cli, tmp_path)
    key_file.write_text("not-a-key-id\n" + key_file.read_text().split()[1])

    result = cli("keys", "import", str(key_file))

    assert result.code == 2
    assert SecretStore().list_signing_key_ids("work") == []


class KeepsTokensNotKeys(MemoryKeyring):
    """A keyring that keeps the API token but refuses a signing key, as a full or read-only
    collection might; the key then exists only on the account and on stdout."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if username.startswith("signing-key:"):
            raise PasswordSetError("the collection is read-only")
        super().set_password(service, username, password)


def test_a_key_the_keyring_refused_is_handed_over_in_the_importable_shape(
    sb: Sandbox,
    cli: Run,
    work: str,
    signed_uid: str,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    refusing = KeepsTokensNotKeys()
    refusing.store.update(memory_keyring.store)  # the profile's API token
    keyring.set_keyring(refusing)

    created = cli("keys", "create")

    assert created.code == 5
    key_id = created.out.split()[0]
    assert "reads them back" in created.err
    key_file = tmp_path / "k.txt"
    key_file.write_text(created.out)

    keyring.set_keyring(memory_keyring)  # the keyring works again
    imported = cli("keys", "import", str(key_file))
    assert imported.code == 0, imported.err
    assert signs_with(cli, sb, signed_uid, key_id)
