"""`cfstream-token check`: does this token really play? Asks the edge, says why not.

Exit 0 when everything asked for plays (the MP4 too, for a downloadable token), 3 when the edge
refused something, 4 when it did not answer. A bare token needs to know which host plays it:
the profile's delivery base URL (a sandbox) or its customer code; no API token is needed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.core.playback_check import ASSET_LABELS, PlaybackReport, check_playback
from cfstream_gui.core.playback_target import PlaybackTargetError, playback_target
from cfstream_gui.core.simulate import SimulationError, Viewer, parse_viewer
from cfstream_gui.core.storage.profiles import Profile, ProfileError

from .context import Context
from .errors import EXIT_API, EXIT_NETWORK, EXIT_OK, UsageError


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    viewer = _viewer(args)
    profile = _profile(ctx, args.profile)
    try:
        target = playback_target(
            args.token,
            customer_code=profile.customer_code if profile else None,
            delivery_base=profile.delivery_base_url if profile else None,
        )
    except PlaybackTargetError as exc:
        raise UsageError(str(exc)) from None
    report = asyncio.run(check_playback(target, now=int(time.time()), viewer=viewer))
    if args.json:
        json.dump(_json(report), ctx.out, indent=2, ensure_ascii=True)
        ctx.out.write("\n")
    else:
        _print(report, ctx)
    return _exit_code(report)


def _viewer(args: argparse.Namespace) -> Viewer | None:
    if args.ip is None and args.country is None:
        return None
    try:
        return parse_viewer(args.ip, args.country)
    except SimulationError as exc:
        raise UsageError(str(exc)) from None


def _profile(ctx: Context, name: str | None) -> Profile | None:
    """The profile that says where a bare token plays; none is needed for a whole link."""
    try:
        return ctx.profiles.resolve(name)
    except ProfileError:
        if name is not None:
            raise
        return None


def _print(report: PlaybackReport, ctx: Context) -> None:
    ctx.say(report.headline)
    width = max(len(label) for label in ASSET_LABELS.values())
    for asset in report.assets:
        status = "---" if asset.status is None else str(asset.status)
        detail = f": {asset.detail}" if asset.detail else ""
        # The edge's reason is its own text: `say` escapes anything that could act on a terminal.
        ctx.say(f"{ASSET_LABELS[asset.kind].ljust(width)}  {status}  {asset.words}{detail}")
    for note in report.notes:
        ctx.note(f"note: {note}")


def _exit_code(report: PlaybackReport) -> int:
    failed = [a for a in report.assets if a.verdict is not EdgeVerdict.PLAYS]
    if not failed:
        return EXIT_OK
    if all(a.verdict is EdgeVerdict.UNREACHABLE for a in failed):
        return EXIT_NETWORK
    return EXIT_API


def _json(report: PlaybackReport) -> dict[str, Any]:
    return {
        "plays": report.plays,
        "verdict": report.verdict.verdict.value,
        "words": report.headline,
        "sandbox": report.sandbox,
        "assets": [
            {
                "kind": asset.kind,
                "status": asset.status,
                "verdict": asset.verdict.value,
                "words": asset.words,
                "rule": asset.rule_number,
                "detail": asset.detail,
            }
            for asset in report.assets
        ],
        "simulated": None
        if report.simulated is None
        else {"verdict": report.simulated.verdict, "reason": report.simulated.reason},
    }
