"""`cfstream-token decode`: what a token grants, to whom, until when, and who signed it.

Offline: the only thing it may read is the keyring, for the one signing key the token names,
to check the signature. A keyring that cannot be read costs the check, never the decode.
Anything that is not a token exits 2 with a sentence.
"""

from __future__ import annotations

import argparse
import json
import time

from cfstream_gui.core.inspection import TokenInspectError, TokenReport, find_token, inspect_token
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.signing_key import SigningKey, import_key
from cfstream_gui.core.storage.profiles import ProfileError
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.core.token_moments import Moment
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.core.validation import Severity

from .context import Context
from .errors import EXIT_OK, UsageError


def run_decode(args: argparse.Namespace, ctx: Context) -> int:
    now = int(time.time())
    try:
        token, _ = find_token(args.token)
    except TokenInspectError as exc:
        raise UsageError(str(exc)) from None
    report = inspect_token(args.token, now, _held_key(ctx, args.profile, token))
    if args.json:
        json.dump(report.to_json(now), ctx.out, indent=2, ensure_ascii=True)
        ctx.out.write("\n")
    else:
        _print_report(report, now, ctx)
    for problem in report.problems:
        label = "warning" if problem.severity is Severity.WARNING else "problem"
        ctx.note(f"{label}: {problem.message}")
    return EXIT_OK


def _held_key(ctx: Context, profile_name: str | None, token: str) -> dict[str, SigningKey]:
    """The signing key the token names, if the profile's keyring holds it."""
    kid = decode_token(token).kid
    if kid is None:
        return {}
    try:
        profile = ctx.profiles.resolve(profile_name)
        pem = ctx.secrets.get_signing_key(profile.name, kid)
    except ProfileError:
        if profile_name is not None:
            raise
        return {}
    except SecretStoreError as exc:
        ctx.note(f"note: the keyring could not be read, so the signature is not checked: {exc}")
        return {}
    if pem is None:
        return {}
    try:
        return {kid: import_key(pem, kid)}
    except KeyImportError as exc:
        ctx.note(f"note: the key held for {kid} cannot be read, so nothing was checked: {exc}")
        return {}


def _print_report(report: TokenReport, now: int, ctx: Context) -> None:
    rows = [
        ("video", report.video_uid or "(none)"),
        ("signing key", report.key_id or "(none)"),
        ("not before", _when(report.not_before)),
        ("expires", _when(report.expires)),
        ("valid", report.validity_phrase(now)),
        ("downloadable", "yes" if report.downloadable else "no"),
    ]
    if report.customer_code:
        rows.append(("customer code", report.customer_code))
    words = report.rules_in_words or ("none: every viewer may watch",)
    rules = [f"{n}. {text}" if report.rules_in_words else text for n, text in enumerate(words, 1)]
    rows.append(("rules", rules[0]))
    rows += [("", line) for line in rules[1:]]
    rows.append(("signature", report.signature.message))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        # Claims are the token's own text: `say` escapes anything that could act on a terminal.
        ctx.say(f"{label.ljust(width)}  {value}")


def _when(moment: Moment | None) -> str:
    if moment is None:
        return "(not set)"
    given = moment.given if isinstance(moment.given, str) else None
    suffix = f'  (given as the string "{given}")' if given is not None else ""
    return moment.described + suffix
