"""A pytest plugin: an exception nobody caught fails the test that caused it.

pytest-qt already fails a test when Qt hands an exception to `sys.excepthook`: a plain slot, a
`QTimer.singleShot` callback, a qasync `asyncSlot` (its task's done-callback calls the hook) and
`BackgroundTasks` (which forwards to the hook). Two paths slip past it, and this plugin closes them:

- `app.main()` installs the app's `CrashHandler` over pytest-qt's hook. In tests the handler
  still shows its dialog and writes its log, then also reports to the hook it replaced.
- asyncio hands some errors to the loop's exception handler, which only logs them: an exception
  in a `call_soon` callback, a task whose exception nobody retrieved, a task destroyed while
  pending. An ERROR record from the `asyncio` or `qasync` loggers fails the test.

An exception in a thread is pytest's PytestUnhandledThreadExceptionWarning, an error under our
`filterwarnings`.

A test that expects an uncaught exception replaces `sys.excepthook` with a recorder for its
duration (monkeypatch), as tests/ui/test_batch_dialog.py does.

Never set `qt_no_exception_capture` in pyproject.toml: pytest-qt reads any non-empty value,
`false` included, as "turn capture off". tests/test_uncaught_errors.py proves all of the above.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Generator
from types import TracebackType

import pytest

from cfstream_gui.ui.crash_dialog import CrashHandler

# The loggers asyncio's and qasync's loops report unhandled errors to.
LOOP_LOGGERS = ("asyncio", "qasync")


class _LoopErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.reports.append(self.format(record))

    def fail_if_any(self, when: str) -> None:
        # Cleared before failing: a record logged between two tests (a task collected late)
        # is reported once, by the next test, not by every test after it.
        reports, self.reports = self.reports, []
        if reports:
            pytest.fail(
                f"{when.upper()} ERROR: the event loop reported errors nobody handled:\n"
                + "\n\n".join(reports),
                pytrace=False,
            )


_loop_errors = _LoopErrors()


def pytest_configure(config: pytest.Config) -> None:
    for name in LOOP_LOGGERS:
        logging.getLogger(name).addHandler(_loop_errors)


def pytest_unconfigure(config: pytest.Config) -> None:
    for name in LOOP_LOGGERS:
        logging.getLogger(name).removeHandler(_loop_errors)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    yield
    _loop_errors.fail_if_any("setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    yield
    _loop_errors.fail_if_any("call")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    yield
    _loop_errors.fail_if_any("teardown")


@pytest.fixture(autouse=True)
def crash_handler_reports_to_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's crash handler, once installed, also hands the error to the hook it replaced
    (pytest-qt's, during a test), so a crash under `app.main()` fails the test."""
    handle = CrashHandler.__call__

    def handle_then_forward(
        self: CrashHandler,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        handle(self, exc_type, exc, tb)
        replaced = self._previous
        if replaced is not None and sys.excepthook is self:
            replaced(exc_type, exc, tb)

    monkeypatch.setattr(CrashHandler, "__call__", handle_then_forward)
