"""One token flow: the CLI, the window and both batch paths resolve the customer code for their
links the same way, because they all ask core.token_service (issue 7).

A saved profile "work" points at the sandbox with the API token and a signing key held in the
(in-memory) keyring, as a user's would be after `login` and `keys create`.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt

from cfstream_gui.cli.main import main as cli_main
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.signing_key import import_key
from cfstream_gui.core.models import SigningEngine
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.batch.dialog import BatchDialog
from cfstream_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WAIT_MS, WindowFactory
from tests.ui.test_engine_signing import choose_engine, create, fill_video

PROFILE_CODE = "profilecode00000"
T = TypeVar("T")


def host_code(url: str) -> str:
    host = urlsplit(url).hostname or ""
    assert host.startswith("customer-") and host.endswith(".cloudflarestream.com"), url
    return host.removeprefix("customer-").removesuffix(".cloudflarestream.com")


def save_work_profile(sandbox: Sandbox, code: str | None) -> str:
    """The profile, its API token and a signing key the sandbox knows; the key's ID."""
    ProfileStore().save(
        Profile(
            name="work",
            account_id=sandbox.DEMO_ACCOUNT_ID,
            customer_code=code,
            api_base_url=sandbox.base_url,
        )
    )
    ProfileStore().use("work")
    secrets = SecretStore()
    secrets.set_api_token("work", sandbox.DEMO_API_TOKEN)

    async def new_key() -> tuple[str, str]:
        async with StreamClient(sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url) as client:
            material = await client.create_signing_key(sandbox.DEMO_ACCOUNT_ID)
        return material.id, material.pem

    key_id, pem = off_the_loop(lambda: asyncio.run(new_key()))
    secrets.set_signing_key("work", key_id, import_key(pem, key_id).pem)
    return key_id


def off_the_loop(fn: Callable[[], T]) -> T:
    """Run `fn` in a thread of its own: the window's qasync loop is running in this one, and
    the CLI (like any script) starts its own event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    code = off_the_loop(lambda: cli_main(list(argv)))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.strip()


def csv_watch_codes(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {host_code(row["watch"]) for row in csv.DictReader(handle)}


def window_link(qtbot: Any, window: MainWindow, uid: str, engine: SigningEngine) -> str:
    choose_engine(window, engine)
    fill_video(window, uid)
    if engine.uses_key:
        qtbot.waitUntil(lambda: window.form.key_id() is not None, timeout=WAIT_MS)
    create(qtbot, window)
    window.result.set_url_kind("watch")
    url = window.result.urlOutput.text()
    assert url, "the window shows no link"
    return url


def batch_in_window(qtbot: Any, window: MainWindow, uid: str, target: Path) -> set[str]:
    window.menu_actions.batch.trigger()
    qtbot.waitUntil(lambda: window.keys.batch_dialog is not None, timeout=WAIT_MS)
    dialog = window.keys.batch_dialog
    assert isinstance(dialog, BatchDialog)
    dialog.inputEdit.setPlainText(uid)
    qtbot.waitUntil(dialog.startButton.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.startButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saveButton.isEnabled(), timeout=WAIT_MS)
    dialog.choose_save_path = lambda _parent: str(target)  # what the file dialog would return
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: window.keys.batch_dialog is None, timeout=WAIT_MS)
    return csv_watch_codes(target)


def test_every_entry_point_uses_the_profiles_code_for_its_own_account(
    qtbot: Any,
    make_window: WindowFactory,
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    save_work_profile(sandbox, PROFILE_CODE)
    uid = sandbox.video_uids(signed=True)[0]
    ids = tmp_path / "ids.txt"
    ids.write_text(uid + "\n")

    codes = {
        "cli create": host_code(cli(capsys, "create", uid, "-o", "watch")),
        "cli create --local": host_code(cli(capsys, "create", uid, "--local", "-o", "watch")),
    }
    cli(capsys, "batch", "--local", "--input", str(ids), "--output", str(tmp_path / "cli.csv"))
    (codes["cli batch"],) = csv_watch_codes(tmp_path / "cli.csv")

    window = make_window(use_sandbox_profile=False)
    assert window.account.profile_name() == "work"
    codes["window, Cloudflare's key"] = host_code(
        window_link(qtbot, window, uid, SigningEngine.CLOUDFLARE)
    )
    codes["window, signed here"] = host_code(window_link(qtbot, window, uid, SigningEngine.LOCAL))
    (codes["window batch"],) = batch_in_window(qtbot, window, uid, tmp_path / "window.csv")

    assert codes == dict.fromkeys(codes, PROFILE_CODE)
    assert not [r for r in sandbox.requests if r.method == "GET"]  # the profile knew it


def test_a_code_learnt_by_one_entry_point_serves_the_others(
    qtbot: Any,
    make_window: WindowFactory,
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    save_work_profile(sandbox, None)
    uid = sandbox.video_uids(signed=True)[0]

    # The first URL output reads the video once and keeps what it learnt in the profile.
    learnt = host_code(cli(capsys, "create", uid, "-o", "watch"))
    assert learnt == sandbox.DEMO_CUSTOMER_CODE
    assert ProfileStore().get("work").customer_code == learnt
    reads = len([r for r in sandbox.requests if r.method == "GET"])

    ids = tmp_path / "ids.txt"
    ids.write_text(uid + "\n")
    cli(capsys, "batch", "--local", "--input", str(ids), "--output", str(tmp_path / "out.csv"))
    window = make_window(use_sandbox_profile=False)
    local = host_code(window_link(qtbot, window, uid, SigningEngine.LOCAL))

    assert csv_watch_codes(tmp_path / "out.csv") == {learnt}
    assert local == learnt
    assert len([r for r in sandbox.requests if r.method == "GET"]) == reads  # never again
