"""Exit codes and the one place where an exception becomes a sentence on stderr.

Scripts branch on the exit code, people read the sentence: each failure class gets its own code
and at most a couple of lines, never a traceback (unless --debug) and never a secret.
"""

from __future__ import annotations

import traceback
from typing import TextIO

from cfstream_gui.core.cloudflare import ApiError, NetworkError
from cfstream_gui.core.credentials import InvalidApiToken
from cfstream_gui.core.storage.profiles import ProfileError
from cfstream_gui.core.timeparse import TimeParseError
from cfstream_gui.core.validation import ValidationError

from .terminal import safe_text

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2  # also argparse's own code; nothing was sent
EXIT_API = 3
EXIT_NETWORK = 4
EXIT_KEYRING = 5
EXIT_INTERRUPTED = 130  # the shell convention for Ctrl+C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell expects from a closed pipe


class UsageError(Exception):
    """The command line asks for something we cannot do; raised before the token is asked for.

    Each of `messages` becomes an "error:" line; `hint`, when set, says what to type instead.
    """

    def __init__(self, *messages: str, hint: str | None = None) -> None:
        super().__init__(*messages)
        self.messages = messages
        self.hint = hint

    def __str__(self) -> str:
        return " ".join(self.messages)


def report(exc: BaseException, err: TextIO, *, debug: bool = False) -> int:
    """Write `exc` to `err` as the user should see it and return the exit code for it.

    Messages may carry a server's words or a typed value, so every line is made safe for the
    terminal first (`safe_text`)."""
    if debug:
        trace = "".join(traceback.format_exception(exc))
        err.write(safe_text(trace, multiline=True))
    lines, code = _explain(exc, debug=debug)
    for line in lines:
        print(safe_text(line), file=err)
    return code


def _explain(exc: BaseException, *, debug: bool) -> tuple[list[str], int]:
    """The lines to print for `exc`, and its exit code."""
    # Here rather than at the top: a run that never touches the keyring does not load its store.
    from cfstream_gui.core.storage.secrets import SecretStoreError

    if isinstance(exc, KeyboardInterrupt):
        return ["interrupted"], EXIT_INTERRUPTED
    if isinstance(exc, UsageError):
        return [f"error: {m}" for m in exc.messages] + _hint(exc.hint), EXIT_USAGE
    if isinstance(exc, InvalidApiToken):  # input, refused before anything was sent
        return [f"error: {exc}"], EXIT_USAGE
    if isinstance(exc, ValidationError):
        return [f"error: {problem.message}" for problem in exc.problems], EXIT_USAGE
    if isinstance(exc, TimeParseError | ProfileError):
        return [f"error: {exc}"], EXIT_USAGE
    if isinstance(exc, SecretStoreError):
        return [f"keyring error: {exc}"], EXIT_KEYRING
    # NetworkError is an ApiError too, so it must be looked at first.
    if isinstance(exc, NetworkError):
        return [f"network error: {exc.message}", *_hint(exc.hint)], EXIT_NETWORK
    if isinstance(exc, ApiError):
        return [f"error: {_with_cloudflare_said(exc)}", *_hint(exc.hint)], EXIT_API
    lines = [f"internal error: {type(exc).__name__}"]
    if not debug:
        lines.append("run with --debug for details")
    return lines, EXIT_INTERNAL


def _with_cloudflare_said(exc: ApiError) -> str:
    """The core's sentence, plus Cloudflare's own "code N: text" when the sentence lacks it.
    (A rate limit's hint already says how long to wait.)"""
    if not exc.cf_message or exc.cf_message.rstrip(". ") in exc.message:
        return exc.message
    said = f"code {exc.code}: {exc.cf_message}" if exc.code is not None else exc.cf_message
    return f"{exc.message} Cloudflare said: {said}"


def _hint(hint: str | None) -> list[str]:
    return [f"hint: {hint}"] if hint else []
