"""`cfstream-token`: the command-line twin of the app, over the same core.

Exit codes: 0 ok, 1 internal error, 2 usage or validation (nothing was sent), 3 API error,
4 network error, 5 keyring error. See `errors.py`.

Only the command that runs is imported (`_COMMANDS`), and the sandbox only with --sandbox:
`create` does not pay for the key, batch and profile commands, and `--help` for none of them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import cast

from .context import Context
from .errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, UsageError, report
from .parsing import build_parser, join_negative_times
from .terminal import safe_text

Command = Callable[[argparse.Namespace, Context], int]


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
        from .sandbox_cmd import run_sandbox

        return run_sandbox(args, ctx)
    if args.sandbox and command not in _SANDBOX_COMMANDS:
        raise UsageError(
            f"--sandbox works with create, keys, batch and videos only; {command} would "
            "touch your real profiles.",
            hint="Try `cfstream-token --sandbox create <uid>`, or run `cfstream-token "
            "sandbox` to keep one running.",
        )
    run = _command(command)
    if run is None:
        raise UsageError(f"Unknown command {command!r}.")
    if not args.sandbox:
        return run(args, ctx)
    from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
    from cfstream_gui.core.storage.secrets import SecretStore

    from .sandbox_cmd import sandbox_session

    # Keys made or imported in a sandbox run live in memory for that run only.
    sandbox_ctx = replace(ctx, _secrets=SecretStore(backend=MemoryKeyring()))
    with sandbox_session(sandbox_ctx):
        return run(args, sandbox_ctx)


# command -> (module of this package, its function)
_COMMANDS: dict[str, tuple[str, str]] = {
    "create": ("create", "run_create"),
    "login": ("accounts", "run_login"),
    "logout": ("accounts", "run_logout"),
    "profiles": ("accounts", "run_profiles"),
    "keys": ("keys", "run_keys"),
    "batch": ("batch", "run_batch"),
    "videos": ("videos", "run_videos"),
    "decode": ("decode", "run_decode"),
    "simulate": ("simulate_cmd", "run_simulate"),
    "check": ("check", "run_check"),
}
_SANDBOX_COMMANDS = frozenset({"create", "keys", "batch", "videos"})


def _command(name: str) -> Command | None:
    """The function that runs command `name`, its module imported now; None if unknown."""
    where = _COMMANDS.get(name)
    if where is None:
        return None
    module, function = where
    return cast(Command, getattr(importlib.import_module(f"{__package__}.{module}"), function))


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
