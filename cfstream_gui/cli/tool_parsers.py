"""The argparse part of `videos`, `decode`, `simulate` and `check`.

Kept apart from `parsing.py` so neither grows past a readable size; like it, this imports
nothing heavy, since building the parser happens on every run, `--help` included.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # argparse's action class cannot be subscripted at run time
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    Subparser: TypeAlias = Callable[[Commands, str, str], argparse.ArgumentParser]

_TOKEN_OR_URL = "a token, or a playback link or embed snippet with one in it"
_VIEWER_IP = "the viewer's IPv4 or IPv6 address, e.g. 203.0.113.7 or 2001:db8::1"
_VIEWER_COUNTRY = "the viewer's two-letter country code, e.g. DE (XX: unknown, T1: Tor)"
_AS_VIEWER = (
    ". A sandbox's edge judges that viewer; Cloudflare's judges this computer, so for it the "
    "token's rules are simulated for that viewer"
)


def add_tool_commands(commands: Commands, subparser: Subparser) -> None:
    _add_videos(commands, subparser)
    _add_decode(commands, subparser)
    _add_simulate(commands, subparser)
    _add_check(commands, subparser)


def _add_profile(parser: argparse.ArgumentParser, *, account: bool) -> None:
    parser.add_argument("--profile", metavar="NAME", help="profile (default: the current one)")
    if account:
        parser.add_argument("--account", metavar="ID", help="account ID (overrides the profile's)")


def _add_videos(commands: Commands, subparser: Subparser) -> None:
    sub = subparser(
        commands,
        "videos",
        "list the account's videos, newest first (all of them, 1,000 per request), or turn "
        "signed URLs on or off for one",
    )
    sub.add_argument("--search", metavar="TEXT", help="only videos whose name contains TEXT")
    sub.add_argument("--limit", type=positive_int, metavar="N", help="at most N videos")
    sub.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    _add_profile(sub, account=True)
    actions = sub.add_subparsers(dest="videos_command", metavar="ACTION")
    toggle = subparser(
        actions,
        "require-signed",
        "require signed URLs for a video (on), or let anyone with its link watch it (off)",
    )
    toggle.add_argument("video_uid", metavar="VIDEO_UID", help="the video's 32-character ID")
    toggle.add_argument("state", choices=("on", "off"), metavar="on|off")
    _add_profile(toggle, account=True)


def _add_decode(commands: Commands, subparser: Subparser) -> None:
    sub = subparser(
        commands,
        "decode",
        "show what a token grants: video, key, times (UTC and local), rules in plain words; "
        "the signature is checked when its key is held in the keyring. Exit 2 for anything "
        "that is not a token",
    )
    sub.add_argument("token", metavar="TOKEN_OR_URL", help=_TOKEN_OR_URL)
    sub.add_argument(
        "--json", action="store_true", help="print JSON (exp and nbf as given and as epoch)"
    )
    sub.add_argument("--profile", metavar="NAME", help="whose held keys check the signature")


def _add_simulate(commands: Commands, subparser: Subparser) -> None:
    sub = subparser(
        commands,
        "simulate",
        "which access rule a viewer meets first, and whether they are allowed or blocked, "
        "for a token's rules or for --rule rules",
    )
    sub.add_argument("token", metavar="TOKEN_OR_URL", nargs="?", help=_TOKEN_OR_URL)
    sub.add_argument(
        "--rule",
        metavar="RULE",
        action="append",
        default=[],
        dest="rules",
        help='instead of a token: a rule as for create, e.g. "allow country US"; repeat in order',
    )
    sub.add_argument("--ip", metavar="IP", help=_VIEWER_IP)
    sub.add_argument("--country", metavar="CC", help=_VIEWER_COUNTRY)
    sub.add_argument("--json", action="store_true", help="print the outcome as JSON")


def _add_check(commands: Commands, subparser: Subparser) -> None:
    sub = subparser(
        commands,
        "check",
        "ask the edge whether a token really plays (thumbnail, HLS manifest, and the MP4 for "
        "a downloadable token) and say why not. Exit 0 plays, 3 refused, 4 no answer",
    )
    sub.add_argument("token", metavar="TOKEN_OR_URL", help=_TOKEN_OR_URL)
    sub.add_argument("--ip", metavar="IP", help=f"ask as this viewer: {_VIEWER_IP}{_AS_VIEWER}")
    sub.add_argument(
        "--country", metavar="CC", help=f"ask as a viewer in: {_VIEWER_COUNTRY}{_AS_VIEWER}"
    )
    sub.add_argument("--json", action="store_true", help="print the answers as JSON")
    sub.add_argument(
        "--profile",
        metavar="NAME",
        help="for a bare token: whose customer code or delivery base URL plays it",
    )


def positive_int(text: str) -> int:
    """A whole number of at least 1 (`--limit`, `--jobs`), or argparse's usage error."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number
