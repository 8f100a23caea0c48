"""The bad-input corpus (tests/fixtures/bad_inputs.toml) through the real `cfstream-token`,
in-process, against the sandbox on loopback: each value gets the exit code and the sentence its
group expects, never a traceback, never raw control characters on the terminal, never a value
thousands of characters long echoed back; and when it is refused, the sandbox saw nothing at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Result, Run
from tests.support.corpus import KID, Entry, entries, fill, key_material

CORPUS = [entry for entry in entries() if entry.surface.startswith(("cli.", "config."))]
Feed = Callable[[str], None]
HELD_KEY = "1e" * 16  # the key a batch signs with
# The longest an echo of a value may make a line: values are shown cut, not whole.
MAX_LINE = 600


@pytest.fixture(scope="module")
def running() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sb(running: Sandbox) -> Iterator[Sandbox]:
    running.clear()
    yield running
    running.clear()


@pytest.fixture
def work(sb: Sandbox, cli: Run) -> str:
    """Profile "work" on the sandbox, its API token and one signing key in the keyring."""
    added = cli(
        "profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url", sb.base_url,
        "--customer-code", sb.DEMO_CUSTOMER_CODE, "--use",
    )  # fmt: skip
    assert added.code == 0, added.err
    secrets = SecretStore()
    secrets.set_api_token("work", sb.DEMO_API_TOKEN)
    secrets.set_signing_key("work", HELD_KEY, key_material()["RSA_PEM"])
    sb.clear()
    return "work"


def run_entry(
    entry: Entry, value: str, cli: Run, feed: Feed, sb: Sandbox, tmp: Path, config: Path
) -> Result:
    uid = sb.video_uids(signed=True)[0]
    kind = entry.surface
    if kind == "cli.create.video":
        return cli("create", "--", value)
    options = {
        "cli.create.account": "--account",
        "cli.create.exp": "--exp",
        "cli.create.nbf": "--nbf",
        "cli.create.rule": "--rule",
        "cli.create.key": "--key",
        "cli.create.profile": "--profile",
    }
    if kind in options:
        return cli("create", uid, f"{options[kind]}={value}")
    if kind == "cli.create.local_key":
        return cli("create", uid, "--local", f"--key={value}")
    if kind == "cli.create.output":
        return cli("create", uid, "-o", value)
    if kind == "cli.create.args":
        return cli("create", uid, *(arg.replace("|", " ") for arg in value.split(" ")))
    if kind == "cli.login":
        feed(value)
        return cli("login")
    if kind == "cli.keys.import":
        feed(value)
        return cli("keys", "import", "-")
    if kind == "cli.keys.import_key_id":
        feed(key_material()["RSA_PEM"])
        return cli("keys", "import", "-", f"--key-id={value}")
    if kind in ("cli.batch", "cli.batch_bytes"):
        return run_batch(kind, value, cli, tmp)
    return run_on_edited_profiles(kind, value, cli, uid, config / "profiles.json")


def run_batch(kind: str, value: str, cli: Run, tmp: Path) -> Result:
    ids, out = tmp / "ids.txt", tmp / "out" / "tokens.csv"
    out.parent.mkdir()
    if kind == "cli.batch_bytes":
        ids.write_bytes(value.encode("latin-1"))
    else:
        ids.write_text(value, encoding="utf-8")
    result = cli("batch", "--local", "-i", str(ids), "-o", str(out))
    # Written whole or not at all: nothing half-written is left beside it.
    assert [p.name for p in out.parent.iterdir()] in ([], ["tokens.csv"])
    return result


def run_on_edited_profiles(kind: str, value: str, cli: Run, uid: str, path: Path) -> Result:
    if kind == "config.profiles":
        path.write_text(value, encoding="utf-8")
        return cli("create", uid)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["profiles"]["work"].update(json.loads(value))
    path.write_text(json.dumps(data), encoding="utf-8")
    if kind == "config.profile_field_local":
        return cli("create", uid, "--local")
    if kind == "config.profile_field_links":
        return cli("create", uid, "-o", "watch")
    assert kind == "config.profile_field", f"no runner for surface {kind}"
    return cli("create", uid)


def test_the_corpus_covers_every_surface_with_at_least_300_values() -> None:
    surfaces = {
        entry.surface.split(".")[0] + "." + entry.surface.split(".")[1] for entry in entries()
    }
    assert surfaces >= {
        "cli.create", "cli.login", "cli.keys", "cli.batch", "config.profiles",
        "config.profile_field", "gui.last_form", "gui.video", "gui.account", "gui.rule",
        "gui.key_import",
    }  # fmt: skip
    assert len(entries()) >= 300
    refused = [entry for entry in entries() if not entry.sent]
    assert len(refused) >= 250  # most of it is input that must never leave the machine


@pytest.mark.parametrize("entry", CORPUS, ids=[entry.id for entry in CORPUS])
def test_each_bad_value_gets_its_outcome(
    entry: Entry,
    sb: Sandbox,
    cli: Run,
    feed_stdin: Feed,
    work: str,
    tmp_path: Path,
    config_dir: Path,
) -> None:
    value = fill(entry.value, {"UID": sb.video_uids(signed=True)[0], "UID2": "ab" * 16})

    result = run_entry(entry, value, cli, feed_stdin, sb, tmp_path, config_dir)

    assert result.code == entry.code, result.err
    assert entry.says in result.err, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    for stream in (result.out, result.err):
        assert not any(char in stream for char in "\x1b\x07\x00\r"), "raw control characters"
    # (stdout may hold a token, which is long; stderr only sentences.)
    assert all(len(line) <= MAX_LINE for line in result.err.splitlines()), "a value echoed whole"
    if not entry.sent:
        assert sb.requests == []
    assert KID not in SecretStore().list_signing_key_ids("work")  # nothing imported by mistake
