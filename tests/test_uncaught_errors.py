"""Our test settings are a contract: an exception nobody caught, wherever Qt or asyncio met it,
fails the test that caused it, and so does a warning our own code raises.

Each case is a small inner test run in a separate pytest process with this project's
[tool.pytest.ini_options] and conftests. Every inner test passes its own assertions; only the
uncaught error (or warning) can fail it.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

INNER_CONFTEST = """
import sys
import pytest

pytest_plugins = ["tests.conftest", "tests.ui.conftest"]


@pytest.fixture
def reported(monkeypatch):
    # Passes everything on to the hook it replaced (pytest-qt's, during a test) untouched; it
    # only lets a test wait until the error has been reported.
    seen = []
    hook = sys.excepthook

    def spy(*exc_info):
        seen.append(exc_info[1])
        hook(*exc_info)

    monkeypatch.setattr(sys, "excepthook", spy)
    return seen
"""

INNER_TESTS = """
import asyncio
import gc
import threading
import warnings

import pytest
import qasync
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QPushButton

from cfstream_gui import app
from cfstream_gui.ui.common.async_support import BackgroundTasks
from cfstream_gui.ui.crash_dialog import CrashDialog
from cfstream_gui.ui.window.main_window import MainWindow


class Boom(Exception):
    pass


def boom(where):
    raise Boom(f"raised in {where}")


class Worker(QObject):
    go = Signal()

    def __init__(self, fail):
        super().__init__()
        self.fail = fail
        self.finished = False
        self.go.connect(self.run)

    @qasync.asyncSlot()
    async def run(self):
        await asyncio.sleep(0)
        self.finished = True
        if self.fail:
            boom("an async slot")


def test_control_nothing_raises(qtbot, qloop, reported):
    button = QPushButton()
    qtbot.addWidget(button)
    clicks = []
    button.clicked.connect(lambda: clicks.append(1))
    button.click()
    worker = Worker(fail=False)
    worker.go.emit()
    tasks = BackgroundTasks()
    tasks.spawn(asyncio.sleep(0), "fine")
    qtbot.waitUntil(lambda: worker.finished and not tasks.busy)
    assert clicks == [1] and reported == []


def test_plain_slot(qtbot, reported):
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(lambda: boom("a plain slot"))
    button.click()
    assert len(reported) == 1


def test_single_shot_lambda(qtbot, reported):
    QTimer.singleShot(0, lambda: boom("a singleShot lambda"))
    qtbot.waitUntil(lambda: bool(reported))


def test_async_slot(qtbot, qloop, reported):
    worker = Worker(fail=True)
    worker.go.emit()
    qtbot.waitUntil(lambda: bool(reported))
    assert worker.finished


def test_background_task(qtbot, qloop, reported):
    async def job():
        await asyncio.sleep(0)
        boom("a BackgroundTasks task")

    tasks = BackgroundTasks()
    tasks.spawn(job(), "job")
    qtbot.waitUntil(lambda: bool(reported))


def test_loop_callback(qtbot, qloop):
    ran = []

    def callback():
        ran.append(1)
        boom("a call_soon callback")

    qloop.call_soon(callback)
    qtbot.waitUntil(lambda: bool(ran))


def test_task_exception_never_retrieved(qtbot, qloop):
    async def job():
        boom("a task nobody awaited")

    task = asyncio.ensure_future(job())
    qtbot.waitUntil(task.done)
    del task
    gc.collect()


def test_thread():
    thread = threading.Thread(target=boom, args=("a thread",))
    thread.start()
    thread.join()


def test_crash_under_app_main(qapp):
    seen = {}

    def crash_then_close():
        QTimer.singleShot(0, close)
        boom("a slot under app.main")

    def close():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]
        seen["crash dialog"] = any(d.isVisible() for d in dialogs)
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow):
                window.close()

    QTimer.singleShot(0, crash_then_close)
    assert app.main(["--sandbox"]) == 0
    assert seen == {"crash dialog": True}  # the app's crash path ran, as it does for users


@pytest.mark.parametrize("module", ["cfstream_gui.core.models", "tests.ui.test_app"])
def test_warning_from_our_code(module):
    warnings.warn_explicit(f"deprecated, seen in {module}", DeprecationWarning, "x.py", 1, module)


def test_warning_inside_a_library_stays_a_warning():
    warnings.warn_explicit("library noise", DeprecationWarning, "x.py", 1, "httpx._client")
"""

# Inner test -> the text its failure must carry (None: it must pass).
EXPECTED: dict[str, str | None] = {
    "test_control_nothing_raises": None,
    "test_plain_slot": "Boom: raised in a plain slot",
    "test_single_shot_lambda": "Boom: raised in a singleShot lambda",
    "test_async_slot": "Boom: raised in an async slot",
    "test_background_task": "Boom: raised in a BackgroundTasks task",
    "test_loop_callback": "Boom: raised in a call_soon callback",
    "test_task_exception_never_retrieved": "Boom: raised in a task nobody awaited",
    "test_thread": "Boom: raised in a thread",
    "test_crash_under_app_main": "Boom: raised in a slot under app.main",
    "test_warning_from_our_code[cfstream_gui.core.models]": (
        "DeprecationWarning: deprecated, seen in cfstream_gui.core.models"
    ),
    "test_warning_from_our_code[tests.ui.test_app]": (
        "DeprecationWarning: deprecated, seen in tests.ui.test_app"
    ),
    "test_warning_inside_a_library_stays_a_warning": None,
}


@dataclass(frozen=True)
class Outcome:
    passed: bool
    text: str  # what the failure and error reports say, all phases


def our_pytest_settings() -> str:
    """This project's [tool.pytest.ini_options], verbatim."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.pytest.ini_options]")
    end = text.find("\n[", start)
    return text[start:] if end == -1 else text[start:end]


def read_junit(report: Path) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        problems = [*case.iter("failure"), *case.iter("error")]
        text = "\n".join(f"{p.get('message', '')}\n{p.text or ''}" for p in problems)
        found[case.attrib["name"]] = Outcome(passed=not problems, text=text)
    return found


def verdict(outcome: Outcome | None, message: str | None) -> str:
    if outcome is None:
        return "did not run"
    if message is None:
        return "passed" if outcome.passed else f"failed:\n{outcome.text}"
    if outcome.passed:
        return "passed"
    if message not in outcome.text or "AssertionError" in outcome.text:
        return f"failed for another reason:\n{outcome.text}"
    # Blamed on the test that caused it, and only that one.
    strays = [other for other in EXPECTED.values() if other and other != message]
    blamed = [other for other in strays if other in outcome.text]
    return f"also reports {blamed}" if blamed else "failed"


def test_uncaught_errors_and_our_warnings_fail_the_test_that_caused_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inner process starts in a temporary directory: make it import this checkout's
    # packages (cfstream_gui, tests), not whichever checkout the venv was installed from.
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    pytester.makepyprojecttoml(our_pytest_settings())
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)

    result = pytester.runpytest_subprocess(
        "test_inner.py", "-p", "no:cacheprovider", "--timeout=60", "--timeout-method=thread",
        "--junitxml=report.xml",
        timeout=100,
    )  # fmt: skip

    found = read_junit(pytester.path / "report.xml")
    verdicts = {name: verdict(found.get(name), message) for name, message in EXPECTED.items()}
    expected = {name: "passed" if m is None else "failed" for name, m in EXPECTED.items()}
    assert verdicts == expected, result.stdout.str()
    assert sorted(found) == sorted(EXPECTED)
    # The library's warning was raised and reported, just not as an error.
    assert "DeprecationWarning: library noise" in result.stdout.str()
