"""`cfstream-token keys ...` against the sandbox, with the (in-memory) keyring autouse fixture."""

from __future__ import annotations

import base64
import io
import re
import sys
from pathlib import Path

import pytest

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Run


class TtyInput(io.StringIO):
    """Typed answers at a terminal prompt."""

    def isatty(self) -> bool:
        return True


def create_key(cli: Run, *extra: str) -> tuple[str, str]:
    """(key id, base64 pem) of a new key, via --show-private-key."""
    result = cli("keys", "create", "--show-private-key", *extra)
    assert result.code == 0, result.err
    key_id, pem = result.out.split()
    assert pem not in result.err
    return key_id, pem


def listed(cli: Run) -> dict[str, str]:
    """key id -> state label, from `keys list`."""
    result = cli("keys", "list")
    assert result.code == 0, result.err
    states: dict[str, str] = {}
    for line in result.out.splitlines()[1:]:
        cells = re.split(r"\s{2,}", line.lstrip("* "))
        if len(cells) == 3 and re.fullmatch(r"[0-9a-f]{32}", cells[0]):
            states[cells[0]] = cells[2]
    return states


def test_create_list_forget_import_revoke_round_trip(
    sb: Sandbox, cli: Run, work: str, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    result = cli("keys", "create")
    assert result.code == 0, result.err
    key_id = result.out.strip()
    assert len(key_id) == 32 and result.out == key_id + "\n"
    assert "never show it again" in result.err
    assert SecretStore().list_signing_key_ids(work) == [key_id]
    assert listed(cli) == {key_id: "Held here"}

    other_id, other_pem = create_key(cli)
    forgotten = cli("keys", "forget", other_id)
    assert forgotten.code == 0, forgotten.err
    assert "still exists on Cloudflare" in forgotten.out
    assert listed(cli)[other_id].startswith("Not held here")

    key_file = tmp_path / "key.txt"
    key_file.write_text(other_pem)
    imported = cli("keys", "import", "--key-id", other_id, str(key_file))
    assert imported.code == 0, imported.err
    assert listed(cli) == {key_id: "Held here", other_id: "Held here"}

    revoked = cli("keys", "revoke", key_id, "--yes")
    assert revoked.code == 0, revoked.err
    assert listed(cli) == {other_id: "Held here"}
    assert SecretStore().list_signing_key_ids(work) == [other_id]
    secrets_held = list(memory_keyring.store.values())
    assert all(other_pem not in text for text in (result.err, forgotten.err, revoked.err))
    assert secrets_held  # the imported key really went to the keyring


def test_import_reads_stdin_and_asks_for_a_missing_key_id(
    sb: Sandbox, cli: Run, work: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_id, pem = create_key(cli)
    cli("keys", "forget", key_id)

    monkeypatch.setattr(sys, "stdin", io.StringIO(pem))
    missing = cli("keys", "import")
    assert missing.code == 2
    assert "--key-id" in missing.err
    assert pem not in missing.err

    monkeypatch.setattr(sys, "stdin", io.StringIO(pem))
    result = cli("keys", "import", "--key-id", key_id.upper(), "-")
    assert result.code == 0, result.err
    assert listed(cli) == {key_id: "Held here"}


def test_importing_garbage_is_2_and_echoes_nothing(cli: Run, work: str, tmp_path: Path) -> None:
    secret_looking = "MIIEpAIBAAKCAQEAsecretsecretsecret"
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"-----BEGIN RSA PRIVATE KEY-----\n{secret_looking}\n")

    result = cli("keys", "import", "--key-id", "a" * 32, str(key_file))

    assert result.code == 2
    assert "END" in result.err
    assert secret_looking not in result.err + result.out


def test_revoke_without_yes_and_without_a_terminal_refuses(
    sb: Sandbox, cli: Run, work: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_id, _ = create_key(cli)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # a pipe is no confirmation

    result = cli("keys", "revoke", key_id)

    assert result.code == 2
    assert "--yes" in result.err
    assert listed(cli) == {key_id: "Held here"}


@pytest.mark.parametrize(("answer", "code", "kept"), [("n\n", 2, True), ("y\n", 0, False)])
def test_revoke_asks_at_a_terminal(
    sb: Sandbox,
    cli: Run,
    work: str,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
    kept: bool,
) -> None:
    key_id, _ = create_key(cli)
    monkeypatch.setattr(sys, "stdin", TtyInput(answer))

    result = cli("keys", "revoke", key_id)

    assert result.code == code
    assert f"Every token signed with this key stops working. Revoke {key_id}? [y/N]" in result.err
    assert (key_id in listed(cli)) is kept


def test_revoking_the_default_key_clears_the_default(
    sb: Sandbox, cli: Run, work: str, config_dir: Path
) -> None:
    key_id, _ = create_key(cli)
    assert cli("profiles", "add", work, "--default-key", key_id).code == 0
    assert key_id in (config_dir / "profiles.json").read_text()

    result = cli("keys", "revoke", key_id, "--yes")

    assert result.code == 0, result.err
    assert key_id not in (config_dir / "profiles.json").read_text()


def test_forgetting_a_key_not_held_is_2(cli: Run, work: str) -> None:
    result = cli("keys", "forget", "b" * 32)

    assert result.code == 2
    assert "not held" in result.err


def test_default_key_must_look_like_a_key_id(cli: Run, work: str) -> None:
    result = cli("profiles", "add", work, "--default-key", "my-key")

    assert result.code == 2
    assert "32 hex" in result.err


def test_sandbox_keys_never_reach_the_real_keyring(cli: Run, memory_keyring: MemoryKeyring) -> None:
    result = cli("--sandbox", "keys", "create")

    assert result.code == 0, result.err
    assert "memory" in result.err
    assert memory_keyring.store == {}


def test_list_when_cloudflare_cannot_be_reached_says_so(sb: Sandbox, cli: Run, work: str) -> None:
    sb.inject_fault(Fault(disconnect=True, times=None, path_contains="/stream/keys"))
    result = cli("keys", "list")
    assert result.code == 0, result.err
    assert "could not be asked" in result.err
    # Nothing held and the account unknown: that is not "no signing keys".
    assert "No signing keys" not in result.out


def test_import_from_a_file_asks_for_a_missing_key_id_at_a_terminal(
    sb: Sandbox, cli: Run, work: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_id, pem = create_key(cli)
    cli("keys", "forget", key_id)
    key_file = tmp_path / "key.pem"
    key_file.write_text(base64.b64decode(pem).decode())  # a PEM file: no ID inside

    monkeypatch.setattr(sys, "stdin", TtyInput(key_id + "\n"))
    result = cli("keys", "import", str(key_file))

    assert result.code == 0, result.err
    assert "key ID" in result.err  # it asked
    assert listed(cli) == {key_id: "Held here"}
