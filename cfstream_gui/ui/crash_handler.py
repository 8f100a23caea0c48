"""The crash path: an unexpected exception becomes a dialog with the details and a Copy button,
and a log entry in the user log dir. Known secrets are cut out of both first.

Installed by `app.main` as `sys.excepthook`, before the window's first paint; qasync hands
exceptions from async slots to the same hook, so a bug in a slot is reported the same way as one
in a plain callback. The dialog itself (`crash_dialog.py`) is loaded by the first crash.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from cfstream_gui import APP_NAME, __version__

if TYPE_CHECKING:
    from cfstream_gui.ui.crash_dialog import CrashDialog

logger = logging.getLogger(__name__)

LOG_FILE = "crash.log"
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
SecretSource = Callable[[], Iterable[str]]

# Whatever looks like a credential even when we were not told about it.
_PATTERNS = (
    (re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1<hidden>"),
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "<private key hidden>",
    ),
    # The API's `pem`: base64 of a PEM, i.e. base64 of "-----BEGIN".
    # (line-wrapped too: runs of base64 broken by newlines)
    (
        re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/=]*(?:\r?\n[A-Za-z0-9+/=]{16,}(?=\r?\n|$))*", re.M),
        "<private key hidden>",
    ),
    # A DER key in base64 (what a .der file pasted as text looks like) starts with "MII".
    (
        re.compile(r"MII[A-Za-z0-9+/=]{300,}(?:\r?\n[A-Za-z0-9+/=]{16,}(?=\r?\n|$))*", re.M),
        "<private key hidden>",
    ),
    # A private JWK's secret members, as JSON ...
    (re.compile(r'("(?:d|p|q|dp|dq|qi)"\s*:\s*)"[^"]*"'), r'\1"<hidden>"'),
    # ... or as the API's base64 `jwk` (a long base64 run starting like '{"'; a JWT has dots).
    (re.compile(r"eyJ[A-Za-z0-9+/=]{300,}"), "<private key hidden>"),
)


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret.strip()) >= 4:
            text = text.replace(secret.strip(), "<hidden>")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    lines = traceback.format_exception(exc_type, exc, tb)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    header = f"{APP_NAME} {__version__}, Python {sys.version.split()[0]}, {stamp}\n\n"
    return header + "".join(lines)


class CrashHandler:
    """The `sys.excepthook`. `secrets` is asked at crash time for the values to hide."""

    def __init__(
        self,
        secrets: SecretSource = lambda: (),
        log_dir: Path | None = None,
        parent: Callable[[], QWidget | None] = lambda: None,
    ) -> None:
        self._secrets = secrets
        self._log_dir = log_dir
        self._parent = parent
        self.dialog: CrashDialog | None = None
        self._previous: ExceptHook | None = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            secrets = list(self._secrets())
        except Exception:  # the hook must never raise: asking for secrets is best effort
            secrets = []
        details = redact(crash_report(exc_type, exc, tb), secrets)
        logger.error("unexpected error:\n%s", details)
        log_path = self._write_log(details)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return
        from cfstream_gui.ui.crash_dialog import CrashDialog  # the widget, once it is needed

        # Non-blocking: a nested exec() here would run inside the qasync loop's callback.
        self.dialog = CrashDialog(details, log_path, self._parent())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()

    def _write_log(self, details: str) -> Path | None:
        import platformdirs

        directory = self._log_dir or platformdirs.user_log_path(APP_NAME)
        path = directory / LOG_FILE
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Owner-only, like everything else the app writes: a report is about the user's work.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(fd, 0o600)  # also a log left readable by an older version
            with open(fd, "a", encoding="utf-8") as handle:
                handle.write(details.rstrip() + "\n\n")
        except OSError as exc:
            logger.warning("could not write %s: %s", path, exc)
            return None
        return path
