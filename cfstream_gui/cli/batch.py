"""`cfstream-token batch`: tokens for a whole file of videos, signed locally on every core.

The engine is `core.batch` (the GUI uses it too); this module reads and writes the files, shows
progress on stderr and reports every skipped row with its line number. Exit 0 when every row
was signed, 2 when some were skipped (the others are written) or nothing could be done.

Options mean what they mean everywhere: `-i/--input` and `-O/--output-file` take files, and `-`
is standard input or output; `-o/--output` is the output kind in `create`, so its old use here
for the file still works but warns. Batches always sign locally; `--local` is accepted.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from cfstream_gui.core.batch import (
    BatchDefaults,
    BatchInputError,
    BatchResult,
    BatchRow,
    RowError,
    parse_batch_input,
    write_results,
    write_results_csv,
)
from cfstream_gui.core.clients import ClientPool, default_factory
from cfstream_gui.core.timeparse import to_epoch
from cfstream_gui.core.token_service import TokenService

from .context import EXAMPLE_LINKS_NOTE, Context, require_usable_links
from .create import build_request, check
from .errors import EXIT_OK, EXIT_USAGE, UsageError
from .keys import local_profile, signing_key_for

# Skipped lines named in the summary; the rest are counted (each was reported already).
_SUMMARY_LINES = 10


STDIO = "-"


def run_batch(args: argparse.Namespace, ctx: Context) -> int:
    output = _output_file(args, ctx)
    now = datetime.now(UTC)
    # The batch signs locally: its service never needs an API client.
    service = TokenService(ClientPool(default_factory(ctx.env)))
    defaults = _defaults(args, now, service, ctx)
    rows, errors = _read_rows(args.input)
    profile = require_usable_links(local_profile(ctx, args.profile))
    key = signing_key_for(ctx, profile, args.key)
    progress = _Progress(ctx.err)
    outcome = service.sign_many(
        rows, key, defaults, profile=profile, jobs=args.jobs, progress=progress
    )
    progress.finish()
    results = outcome.results
    skipped = sorted(errors + outcome.errors, key=lambda e: e.line)
    for error in skipped:
        ctx.note(f"skipped {error}")
    code = outcome.customer_code.code
    if code is not None and results and ctx.sandbox is not None:
        ctx.note(EXAMPLE_LINKS_NOTE)
    if code is None and results:
        ctx.note(
            f"warning: profile {profile.name} has no customer code, so the URL columns are "
            f"empty; set it with `cfstream-token profiles add {profile.name} --customer-code "
            "CODE`."
        )
    _write(output, results, code, defaults, profile.delivery_base_url, ctx)
    # With the CSV on stdout, the summary must not end up inside it.
    summary_to = ctx.err if output == STDIO else ctx.out
    print(_summary(len(results), skipped, output), file=summary_to)
    return EXIT_OK if not skipped else EXIT_USAGE


def _output_file(args: argparse.Namespace, ctx: Context) -> str:
    """-O/--output-file, or the old -o/--output spelling with a warning; required, once."""
    new, old = args.output_file, args.legacy_output
    if new is not None and old is not None:
        raise UsageError("Give the output file once, with -O/--output-file FILE.")
    if new is None and old is None:
        raise UsageError(
            "batch needs an output file: -O/--output-file FILE (- for standard output)."
        )
    if old is not None:
        ctx.note(
            "warning: `batch -o/--output FILE` is now `-O/--output-file FILE`: -o means the "
            "output kind in every command. The old spelling will be removed."
        )
    output: str = new if new is not None else old
    return output


def _defaults(
    args: argparse.Namespace, now: datetime, service: TokenService, ctx: Context
) -> BatchDefaults:
    """--exp, --nbf, --rule and --downloadable, checked once for the whole batch."""
    template = build_request(_as_create_args(args), now)
    defaults = BatchDefaults(
        exp=template.exp,
        nbf=template.nbf,
        downloadable=template.downloadable,
        rules=template.access_rules,
    )
    check(service.check_batch_defaults(defaults, now=to_epoch(now)), ctx)
    return defaults


def _as_create_args(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(
        video_uid="", exp=args.exp, nbf=args.nbf, downloadable=args.downloadable, rules=args.rules
    )


def _read_rows(source: str) -> tuple[list[BatchRow], list[RowError]]:
    text = _read_input(source)
    try:
        rows, errors = parse_batch_input(text)
    except BatchInputError as exc:
        raise UsageError(f"{_name(source)}: {exc}") from None
    if not rows and not errors:
        raise UsageError(
            f"{_name(source)} lists no video IDs.",
            hint="Put one video ID per line, or use CSV with a “video” column.",
        )
    return rows, errors


def _read_input(source: str) -> str:
    if source == STDIO:
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"The input file {source} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UsageError(f"The input file {source} cannot be read: {reason}.") from None


def _name(source: str) -> str:
    return "standard input" if source == STDIO else f"The input file {source}"


def _write(
    target: str,
    results: list[BatchResult],
    code: str | None,
    defaults: BatchDefaults,
    delivery_base: str | None,
    ctx: Context,
) -> None:
    downloadable = bool(defaults.downloadable)
    if target == STDIO:
        # Plain line ends on a pipe, as the clipboard gets them; the file keeps RFC 4180's.
        write_results(
            ctx.out,
            results,
            customer_code=code,
            downloadable=downloadable,
            delivery_base=delivery_base,
            lineterminator="\n",
        )
        return
    try:
        write_results_csv(
            Path(target),
            results,
            customer_code=code,
            downloadable=downloadable,
            delivery_base=delivery_base,
        )
    except OSError as exc:
        raise UsageError(
            f"The output file {target} cannot be written: {exc.strerror or exc}."
        ) from None


def _summary(written: int, skipped: list[RowError], output: str) -> str:
    noun = "token" if written == 1 else "tokens"
    where = "standard output" if output == STDIO else output
    text = f"{written:,} {noun} written to {where}"
    if not skipped:
        return text + "."
    lines = ", ".join(str(e.line) for e in skipped[:_SUMMARY_LINES])
    if len(skipped) > _SUMMARY_LINES:
        lines += f" and {len(skipped) - _SUMMARY_LINES:,} more"
    rows = "row" if len(skipped) == 1 else "rows"
    label = "line" if len(skipped) == 1 else "lines"
    return f"{text}, {len(skipped):,} {rows} skipped ({label} {lines})."


class _Progress:
    """A counter rewritten in place on a terminal; a line every ~5% in a log."""

    def __init__(self, err: TextIO) -> None:
        self._err = err
        self._tty = err.isatty()
        self._next_step = 0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if self._tty:
            print(f"\rprocessed {done:,} of {total:,} ({percent}%)", end="", file=self._err)
            self._err.flush()
            self._shown = True
        elif percent >= self._next_step:
            print(f"processed {done:,} of {total:,} ({percent}%)", file=self._err)
            self._next_step = percent - percent % 5 + 5

    def finish(self) -> None:
        if self._shown:
            print(file=self._err)
