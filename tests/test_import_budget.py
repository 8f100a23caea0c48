"""What start-up loads, checked in a fresh process each time (issue 9): the window's first paint
and the CLI's commands import only what they need, so they start fast and stay small.

No timings here (those are `make bench`'s): each test runs the real thing, then reads
`sys.modules`. A module named below turning up means someone imported it at the top of a module
on the path again; import it where it is used instead (see docs/architecture.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import cfstream_gui
from cfstream_gui.sandbox import Sandbox

ROOT = Path(cfstream_gui.__file__).resolve().parents[1]

# Loaded only when a feature needs it; none of them is needed to show the window or to ask
# Cloudflare for a token with CLOUDFLARE_API_TOKEN set.
LATER = {
    "keyring": "the keyring: read by a worker thread once the window runs, by the CLI only "
    "without CLOUDFLARE_API_TOKEN",
    "cfstream_gui.core.storage.secrets": "the keyring's store",
    "jwt": "PyJWT: local signing and JWK keys only",
    "cryptography": "key parsing and local signing only",
    "pycountry": "country names: the first country rule",
    "filelock": "the first write of a config file",
    "multiprocessing": "batch signing's worker processes",
    "cfstream_gui.sandbox": "--sandbox only",
}
# The window's first paint needs Qt and the widgets, nothing of the event loop or the network.
FIRST_PAINT_LATER = {
    **LATER,
    "qasync": "the event loop: after the first paint",
    "asyncio": "the event loop: after the first paint",
    "ssl": "TLS: the first API client",
    "httpx": "the first API client",
    "cfstream_gui.ui.window.controller": "wired after the first paint",
    "cfstream_gui.core.token_service": "wired after the first paint",
    "cfstream_gui.ui.crash_dialog": "the first crash (the hook itself is installed)",
    "cfstream_gui.ui.keys.key_dialogs": "the Keys and Tools menus",
    "cfstream_gui.ui.keys.signing_keys_dialog": "Keys → Signing keys…",
    "cfstream_gui.ui.keys.import_dialog": "Keys → Import key…",
    "cfstream_gui.ui.batch.dialog": "Tools → Batch…",
}
NOT_IN_THE_CLI = {
    "PySide6": "the command line never loads Qt",
    "qasync": "the command line never loads Qt",
}
OTHER_COMMANDS = {
    "cfstream_gui.cli.keys": "`keys` (and --local / --key)",
    "cfstream_gui.cli.batch": "`batch`",
    "cfstream_gui.cli.accounts": "`login`, `logout`, `profiles`",
    "cfstream_gui.cli.sandbox_cmd": "`sandbox` and --sandbox",
}


def loaded_by(code: str, env: Mapping[str, str] | None = None) -> dict[str, object]:
    """Run `code` in a fresh interpreter (this checkout's package, offscreen Qt, no Cloudflare
    variables of ours); it must end by printing `report(...)`. Returns that report."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    child_env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child_env.update(env or {})
    prelude = (
        "import json, sys\n"
        "def report(**extra):\n"
        "    print('REPORT ' + json.dumps({'modules': sorted(sys.modules), **extra}),"
        " file=sys.stderr, flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env,
        cwd=ROOT,
        check=False,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("REPORT ")]
    assert done.returncode == 0 and lines, done.stderr[-2000:]
    result: dict[str, object] = json.loads(lines[-1].removeprefix("REPORT "))
    result["stdout"] = done.stdout
    return result


def offenders(report: Mapping[str, object], forbidden: Mapping[str, str]) -> dict[str, str]:
    """The forbidden packages (or any module inside them) that were loaded, with why not."""
    modules = report["modules"]
    assert isinstance(modules, list)
    return {
        name: why
        for name, why in forbidden.items()
        if any(m == name or m.startswith(name + ".") for m in modules)
    }


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield str(tmp_path_factory.mktemp("config"))


# -- the window -------------------------------------------------------------------------------


def test_importing_the_app_loads_no_more_than_the_first_paint_needs() -> None:
    report = loaded_by("import cfstream_gui.app\nreport()\n")
    assert offenders(report, FIRST_PAINT_LATER) == {}


def test_the_windows_first_paint_comes_before_the_loop_the_core_and_the_network(
    config_dir: str,
) -> None:
    """The real `app.main()`: at the window's first paint, nothing slow is loaded yet. The
    window is closed right there; it must still be wired, saved and shut down cleanly."""
    code = (
        "from PySide6.QtCore import QEvent, QObject\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from cfstream_gui import app\n"
        "from cfstream_gui.ui.window.main_window import MainWindow\n"
        # Wait for the paint however long it takes: the test must not depend on the speed of
        # the machine.
        "app.FIRST_PAINT_LIMIT_MS = 600_000\n"
        "seen = {}\n"
        "class Watch(QObject):\n"
        "    def eventFilter(self, obj, event):\n"
        "        if event.type() == QEvent.Type.Paint and isinstance(obj, MainWindow)"
        " and not seen:\n"
        "            seen['modules'] = sorted(sys.modules)\n"
        "            seen['attached'] = obj.is_attached()\n"
        "            seen['can_create'] = obj.createTokenButton.isEnabled()\n"
        "            obj.close()  # asked before the controller exists: carried out after\n"
        "        return False\n"
        "qapp = QApplication([])\n"
        "watch = Watch()\n"
        "qapp.installEventFilter(watch)\n"
        "code = app.main([])\n"
        "windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]\n"
        "print('REPORT ' + json.dumps({'modules': seen['modules'], 'code': code,"
        " 'attached_at_paint': seen['attached'], 'create_at_paint': seen['can_create'],"
        " 'shut_down': [w.is_shut_down() for w in windows]}), file=sys.stderr)\n"
    )
    report = loaded_by(code, {"CFSTREAM_CONFIG_DIR": config_dir})
    assert offenders(report, FIRST_PAINT_LATER) == {}
    assert report["attached_at_paint"] is False
    assert report["create_at_paint"] is False  # not offered before the form was looked at
    assert report["code"] == 0 and report["shut_down"] == [True]


def test_the_sandbox_waits_for_the_first_paint_too(config_dir: str) -> None:
    code = (
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from cfstream_gui import app\n"
        "from cfstream_gui.ui.window.main_window import MainWindow\n"
        "app.FIRST_PAINT_LIMIT_MS = 600_000\n"
        "seen = {}\n"
        "class Watch(QObject):\n"
        "    def eventFilter(self, obj, event):\n"
        "        if event.type() == QEvent.Type.Paint and isinstance(obj, MainWindow)"
        " and not seen:\n"
        "            seen['modules'] = sorted(sys.modules)\n"
        "            QTimer.singleShot(0, lambda: seen.setdefault('video',"
        " obj.form.videoIdEdit.text()))\n"
        "            QTimer.singleShot(0, obj.close)\n"
        "        return False\n"
        "qapp = QApplication([])\n"
        "watch = Watch()\n"
        "qapp.installEventFilter(watch)\n"
        "code = app.main(['--sandbox'])\n"
        "print('REPORT ' + json.dumps({'modules': seen['modules'], 'code': code}),"
        " file=sys.stderr)\n"
    )
    report = loaded_by(code, {"CFSTREAM_CONFIG_DIR": config_dir})
    assert offenders(report, FIRST_PAINT_LATER) == {}
    assert report["code"] == 0


# -- the command line -------------------------------------------------------------------------


def test_help_loads_no_command_and_nothing_slow(config_dir: str) -> None:
    report = loaded_by(
        "from cfstream_gui.cli.main import main\ncode = main(['--help'])\nreport(code=code)\n",
        {"CFSTREAM_CONFIG_DIR": config_dir},
    )
    assert report["code"] == 0 and "usage: cfstream-token" in str(report["stdout"])
    not_for_help = {
        **LATER,
        **NOT_IN_THE_CLI,
        **OTHER_COMMANDS,
        "cfstream_gui.cli.create": "`create`",
        "httpx": "the API client",
        "asyncio": "the API client",
        "ssl": "the API client",
    }
    assert offenders(report, not_for_help) == {}


def test_create_with_a_token_in_the_environment_loads_no_keyring(config_dir: str) -> None:
    """A real `create` against the sandbox: the token comes from CLOUDFLARE_API_TOKEN, so the
    keyring (and its store) stays unloaded, as do signing, key parsing and the other commands."""
    with Sandbox() as sandbox:
        report = loaded_by(
            "from cfstream_gui.cli.main import main\n"
            f"code = main(['create', {sandbox.video_uids(signed=True)[0]!r}])\n"
            "report(code=code)\n",
            {
                "CFSTREAM_CONFIG_DIR": config_dir,
                "CLOUDFLARE_API_TOKEN": sandbox.DEMO_API_TOKEN,
                "CLOUDFLARE_ACCOUNT_ID": sandbox.DEMO_ACCOUNT_ID,
                "CLOUDFLARE_BASE_URL": sandbox.base_url,
            },
        )
    assert report["code"] == 0
    assert str(report["stdout"]).strip().count(".") == 2  # the token, and only it
    assert offenders(report, {**LATER, **NOT_IN_THE_CLI, **OTHER_COMMANDS}) == {}


def test_every_cli_module_imports_without_qt() -> None:
    report = loaded_by(
        "import importlib, pkgutil, cfstream_gui.cli as cli\n"
        "for m in pkgutil.walk_packages(cli.__path__, 'cfstream_gui.cli.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "report()\n"
    )
    assert offenders(report, NOT_IN_THE_CLI) == {}


# -- the core ---------------------------------------------------------------------------------


def test_the_token_service_and_a_batch_worker_load_no_network_and_no_keyring() -> None:
    """What the window wires after its paint, and what each batch worker process imports
    before its first signature (it loads the signer then)."""
    report = loaded_by(
        "import cfstream_gui.core.token_service, cfstream_gui.core.batch.signing\nreport()\n"
    )
    later = {**LATER, **NOT_IN_THE_CLI, "httpx": "the first API client"}
    assert offenders(report, later) == {}
