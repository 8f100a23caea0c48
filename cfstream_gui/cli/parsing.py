"""The argparse tree for `cfstream-token` and the `--rule "ACTION TYPE [VALUES]"` syntax."""

from __future__ import annotations

import argparse
import re

from cfstream_gui import __version__
from cfstream_gui.core.models import MAX_RULES, RULE_TYPE_ALIASES, AccessRule, Action
from cfstream_gui.core.urls import URL_KINDS
from cfstream_gui.core.validation import normalize_rule, parse_rule_values

from .errors import UsageError

OUTPUT_KINDS: tuple[str, ...] = ("token", "json", *URL_KINDS)

_DESCRIPTION = "Create Cloudflare Stream signed-URL tokens from the command line."
_EPILOG = """\
exit codes: 0 ok, 2 usage or validation error (nothing was sent), 3 Cloudflare API error,
4 network error, 5 keyring error, 1 internal error.

examples:
  cfstream-token sandbox                      run a local sandbox, list its demo video IDs
  cfstream-token --sandbox create ea95132c15732412d22c1476fa83f27a   (no account needed)
  cfstream-token profiles add work --account 023e105f4ecef8ad9ca31a8372d0c353 --use
  cfstream-token login --profile work
  cfstream-token create <uid> --exp 2h --rule "allow country US,MX" --rule "block any"
"""

_RULE_HELP = (
    'an access rule as ONE argument: "ACTION TYPE [VALUES]", ACTION allow|block, TYPE '
    "country|ip|any (or ip.geoip.country|ip.src), VALUES comma separated; e.g. "
    '"allow country US,MX", "block ip 93.184.216.0/24,2400:cb00::/32", "block any". '
    f"Repeat for more (at most {MAX_RULES}); the first rule that matches decides."
)
_WHEN_HELP = "relative (30m, 2h, 1d, 1h30m), ISO-8601 with a zone, or epoch seconds"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cfstream-token",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run against a local sandbox started for this command (no account, nothing saved)",
    )
    _add_debug(parser, default=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_create(commands)
    _add_login(commands)
    _add_logout(commands)
    _add_profiles(commands)
    _add_sandbox(commands)
    return parser


def _add_debug(parser: argparse.ArgumentParser, *, default: object) -> None:
    # Also accepted after the subcommand; SUPPRESS there keeps the global value when absent.
    parser.add_argument(
        "--debug", action="store_true", default=default, help="show tracebacks for errors"
    )


def _subparser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    _add_debug(sub, default=argparse.SUPPRESS)
    return sub


def _add_create(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(commands, "create", "create a signed token for one video")
    sub.add_argument("video_uid", metavar="VIDEO_UID", help="the video's 32-character ID")
    sub.add_argument("--profile", metavar="NAME", help="profile to use (default: the current one)")
    sub.add_argument("--account", metavar="ID", help="account ID (overrides the profile's)")
    sub.add_argument("--exp", metavar="WHEN", help=f"expiry (default 1h after now): {_WHEN_HELP}")
    sub.add_argument("--nbf", metavar="WHEN", help=f"not valid before: {_WHEN_HELP}")
    sub.add_argument(
        "--downloadable",
        action="store_true",
        default=None,  # None = not sent, so Cloudflare's default applies
        help="allow the MP4 download URL (the video must have downloads enabled)",
    )
    sub.add_argument(
        "--rule", metavar="RULE", action="append", default=[], dest="rules", help=_RULE_HELP
    )
    sub.add_argument(
        "--output",
        "-o",
        choices=OUTPUT_KINDS,
        default="token",
        metavar="KIND",
        help="what to print: token (default), json (token, claims, expiry and URLs) or one "
        f"playback URL: {', '.join(URL_KINDS)}",
    )


def _add_login(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(
        commands,
        "login",
        "store a Cloudflare API token in the system keyring (read from stdin, or prompted)",
    )
    sub.add_argument("--profile", metavar="NAME", help="profile (default: the current one)")
    sub.add_argument("--account", metavar="ID", help="account ID for the profile")


def _add_logout(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(commands, "logout", "delete a profile's API token from the keyring")
    sub.add_argument("--profile", metavar="NAME", help="profile (default: the current one)")


def _add_profiles(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(commands, "profiles", "list, add, remove or switch profiles")
    actions = sub.add_subparsers(dest="profiles_command", metavar="ACTION", required=True)
    _subparser(actions, "list", "show the profiles (never their tokens)")
    add = _subparser(actions, "add", "add a profile, or change an existing one")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--account", metavar="ID", help="account ID (required for a new profile)")
    add.add_argument(
        "--customer-code", metavar="CODE", help="the customer-<CODE> part of playback URLs"
    )
    add.add_argument("--base-url", metavar="URL", help="API base URL (default: Cloudflare's)")
    add.add_argument("--use", action="store_true", help="make it the current profile")
    remove = _subparser(actions, "remove", "remove a profile and its stored API token")
    remove.add_argument("name", metavar="NAME")
    use = _subparser(actions, "use", "make a profile the current one")
    use.add_argument("name", metavar="NAME")


def _add_sandbox(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(commands, "sandbox", "run the local sandbox API until Ctrl+C")
    sub.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default: any free port)"
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 0-65535")
    return port


def parse_rule(text: str, number: int) -> AccessRule:
    """`"allow country US,MX"` -> an AccessRule with the API's type name.

    Only the shape is checked here; what the values mean is `check_request`'s job, so a bad
    country code gets the same message in the CLI as in the GUI. `number` is 1-based.
    """
    parts = text.split(maxsplit=2)
    if len(parts) < 2:
        raise UsageError(
            f"--rule {number} ({text!r}) needs an action and a type.",
            hint='Write it as one argument, e.g. --rule "allow country US,MX".',
        )
    action, type_name = parts[0].lower(), parts[1].lower()
    if action not in {a.value for a in Action}:
        raise UsageError(
            f"--rule {number} action {parts[0]!r} is not allow or block.",
            hint='A rule starts with its action, e.g. --rule "block ip 192.0.2.0/24".',
        )
    rule_type = RULE_TYPE_ALIASES.get(type_name)
    if rule_type is None:
        known = ", ".join(sorted(RULE_TYPE_ALIASES))
        raise UsageError(f"--rule {number} type {parts[1]!r} is not one of: {known}.")
    values_text = parts[2] if len(parts) > 2 else ""
    if rule_type.values_key is None:
        # parse_rule_values drops values for `any`; keep them so validation can say they are wrong.
        values = [part for part in re.split(r"[,\s]+", values_text) if part]
    else:
        values = parse_rule_values(rule_type.value, values_text)
    return normalize_rule(AccessRule(action=action, type=rule_type.value, values=tuple(values)))


_TIME_OPTIONS = ("--exp", "--nbf")
_NEGATIVE_TIME = re.compile(r"-\d")


def join_negative_times(argv: list[str]) -> list[str]:
    """`--nbf -5m` as `--nbf=-5m`: argparse would otherwise read `-5m` as an unknown option."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else ""
        if arg == "--":
            joined.extend(argv[index:])
            break
        if arg in _TIME_OPTIONS and _NEGATIVE_TIME.match(following):
            joined.append(f"{arg}={following}")
            index += 2
            continue
        joined.append(arg)
        index += 1
    return joined
