"""`cfstream-token`: the command-line twin of the app, over the same core.

Exit codes: 0 ok, 1 internal error, 2 usage or validation (nothing was sent), 3 API error,
4 network error, 5 keyring error. See `errors.py`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace

from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.secrets import SecretStore

from .accounts import run_login, run_logout, run_profiles
from .batch import run_batch
from .check import run_check
from .context import Context
from .create import run_create
from .decode import run_decode
from .errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, UsageError, report
from .keys import run_keys
from .parsing import build_parser, join_negative_times
from .sandbox_cmd import run_sandbox, sandbox_session
from .simulate_cmd import run_simulate
from .terminal import safe_text
from .videos import run_videos


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(join_negative_times(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help, --version, or argparse's own usage error (2)
        return _code(exc.code)
    ctx = Context(out=sys.stdout, err=sys.stderr, env=os.environ)
    handler = _debug_logging(ctx) if args.debug else None
    try:
        return _dispatch(args, ctx)
    except BrokenPipeError:
        # The reader went away (`cfstream-token ... | head`): nothing is wrong, stop quietly.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (Exception, KeyboardInterrupt) as exc:
        return report(exc, ctx.err, debug=args.debug)
    finally:
        if handler is not None:
            logging.getLogger("cfstream_gui").removeHandler(handler)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture stdout)
        pass


def _dispatch(args: argparse.Namespace, ctx: Context) -> int:
    command: str = args.command
    if command == "sandbox":
        return run_sandbox(args, ctx)
    if args.sandbox:
        if command not in _SANDBOX_COMMANDS:
            raise UsageError(
                f"--sandbox works with create, keys, batch and videos only; {command} would "
                "touch your real profiles.",
                hint="Try `cfstream-token --sandbox create <uid>`, or run `cfstream-token "
                "sandbox` to keep one running.",
            )
        # Keys made or imported in a sandbox run live in memory for that run only.
        sandbox_ctx = replace(ctx, _secrets=SecretStore(backend=MemoryKeyring()))
        with sandbox_session(sandbox_ctx):
            return _COMMANDS[command](args, sandbox_ctx)
    run = _COMMANDS.get(command)
    if run is None:
        raise UsageError(f"Unknown command {command!r}.")
    return run(args, ctx)


_COMMANDS: dict[str, Callable[[argparse.Namespace, Context], int]] = {
    "create": run_create,
    "login": run_login,
    "logout": run_logout,
    "profiles": run_profiles,
    "keys": run_keys,
    "batch": run_batch,
    "videos": run_videos,
    "decode": run_decode,
    "simulate": run_simulate,
    "check": run_check,
}
_SANDBOX_COMMANDS = frozenset({"create", "keys", "batch", "videos"})


def _code(code: str | int | None) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(safe_text(code), file=sys.stderr)
    return EXIT_INTERNAL


class _SafeFormatter(logging.Formatter):
    """Log lines may quote a server; they reach the terminal only through `safe_text`."""

    def format(self, record: logging.LogRecord) -> str:
        return safe_text(super().format(record), multiline=True)


def _debug_logging(ctx: Context) -> logging.Handler:
    # Our own modules only: they never log secrets; third-party debug output is not vetted.
    handler = logging.StreamHandler(ctx.err)
    handler.setFormatter(_SafeFormatter("debug: %(name)s: %(message)s"))
    logger = logging.getLogger("cfstream_gui")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return handler
