"""The argparse tree for `cfstream-token` and the `--rule "ACTION TYPE [VALUES]"` syntax."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from cfstream_gui import __version__
from cfstream_gui.core.batch.input import RuleSyntaxError, parse_rule_text
from cfstream_gui.core.ids import shown
from cfstream_gui.core.models import MAX_RULES, AccessRule
from cfstream_gui.core.urls import URL_KINDS

from .errors import UsageError
from .terminal import safe_text
from .tool_parsers import add_tool_commands, positive_int

OUTPUT_KINDS: tuple[str, ...] = ("token", "json", *URL_KINDS)

_DESCRIPTION = "Create Cloudflare Stream signed-URL tokens from the command line."
_EPILOG = """\
exit codes: 0 ok, 2 usage or validation error (nothing was sent), 3 Cloudflare API error,
4 network error, 5 keyring error, 1 internal error.

examples:
  cfstream-token sandbox --profile play       run a local sandbox; --profile play uses it
  cfstream-token --sandbox create ea95132c15732412d22c1476fa83f27a   (no account needed)
  cfstream-token profiles add work --account 023e105f4ecef8ad9ca31a8372d0c353 --use
  cfstream-token login --profile work
  cfstream-token create <uid> --exp 2h --rule "allow country US,MX" --rule "block any"
  cfstream-token keys create                  a signing key, kept in the keyring
  cfstream-token create <uid> --local         sign here with it: no API call, no rate limit
  cfstream-token batch -i ids.txt -O tokens.csv --exp 6h    many tokens, signed here
  cfstream-token videos --search keynote      find a video; require-signed UID on|off
  cfstream-token decode 'https://customer-...cloudflarestream.com/<token>/watch'
  cfstream-token simulate <token> --ip 2001:db8::1 --country DE      allowed or blocked
  cfstream-token check <token or link> --country DE     does it really play?
"""

_RULE_HELP = (
    'an access rule as ONE argument: "ACTION TYPE [VALUES]", ACTION allow|block, TYPE '
    "country|ip|any (or ip.geoip.country|ip.src), VALUES comma separated; e.g. "
    '"allow country US,MX", "block ip 93.184.216.0/24,2400:cb00::/32", "block any". '
    f"Repeat for more (at most {MAX_RULES}); the first rule that matches decides."
)
_WHEN_HELP = "relative (30m, 2h, 1d, 1h30m), ISO-8601 with a zone, or epoch seconds"
_KEY_HELP = (
    "signing key ID. With --local: the key to sign with (default: the profile's default key, "
    "else the only key held). Without --local: Cloudflare signs with this key's private key "
    "from the keyring"
)
_BATCH_DESCRIPTION = """\
Sign tokens for many videos on this computer with a signing key from the keyring (the API
allows only 1,200 calls per 5 minutes, so batches never use it). No request is sent.

input: one video ID per line (blank lines and # comments are skipped), or CSV whose header has
a "video" column and optionally "exp" (WHEN, as --exp) and "rules" (RULE strings separated by
";", e.g. "allow country US,MX;block any"); a row's own values replace --exp / --rule.

output: CSV with line, video, token, expires (UTC), iframe, watch, hls, dash, thumbnail, mp4.
URL columns need the profile's customer code and are empty without it. The file is written
whole or not at all, readable by you only: the tokens in it are credentials. With -O - the CSV
goes to standard output and the summary to standard error.

A row that cannot be signed is reported on stderr with its line number and skipped.
exit codes: 0 every row signed, 2 some rows skipped (the others are written) or a usage
error, 5 keyring error.
"""


class _Parser(argparse.ArgumentParser):
    """argparse echoes unrecognised arguments raw; a script passing on untrusted text must not
    reach the terminal through that. Subcommand parsers are of this class too."""

    def error(self, message: str) -> NoReturn:
        super().error(safe_text(message))

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # Python 3.11 drops a value of exactly "--" (`--nbf=--`) and hands the option an empty
        # list instead of a string, which nothing downstream expects. It is a value like any
        # other: checked, and refused with its own sentence.
        if action.nargs is None and action.option_strings and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="cfstream-token",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_sandbox_flag(parser, default=False)
    _add_debug(parser, default=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_create(commands)
    _add_login(commands)
    _add_logout(commands)
    _add_profiles(commands)
    _add_keys(commands)
    _add_batch(commands)
    add_tool_commands(commands, _subparser)  # videos, decode, simulate, check
    _add_sandbox(commands)
    return parser


def _add_debug(parser: argparse.ArgumentParser, *, default: object) -> None:
    # Also accepted after the subcommand; SUPPRESS there keeps the global value when absent.
    parser.add_argument(
        "--debug", action="store_true", default=default, help="show tracebacks for errors"
    )


def _add_sandbox_flag(parser: argparse.ArgumentParser, *, default: object) -> None:
    # Before or after the subcommand, as people type it: SUPPRESS keeps the global value.
    parser.add_argument(
        "--sandbox",
        action="store_true",
        default=default,
        help="run create, keys, batch or videos against a local sandbox started for this command "
        "(no account, nothing saved: signing keys are held in memory for the run, and local "
        "signing makes a throwaway key in the sandbox); its links are examples on "
        "Cloudflare's host, since the sandbox stops when the command ends"
        if default is not argparse.SUPPRESS
        else "a local sandbox for this command only (see cfstream-token --help)",
    )


def _subparser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    _add_debug(sub, default=argparse.SUPPRESS)
    _add_sandbox_flag(sub, default=argparse.SUPPRESS)
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
    sub.add_argument(
        "--local",
        action="store_true",
        help="sign on this computer with a signing key from the keyring: no API call, no rate "
        "limit. URL outputs need the profile's customer code; without one the video is "
        "fetched once to find it",
    )
    sub.add_argument("--key", metavar="KEY_ID", help=_KEY_HELP)


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
    add.add_argument(
        "--default-key",
        metavar="KEY_ID",
        help='signing key that create --local and batch use when --key is not given ("" to unset)',
    )
    add.add_argument("--use", action="store_true", help="make it the current profile")
    remove = _subparser(actions, "remove", "remove a profile and its stored API token")
    remove.add_argument("name", metavar="NAME")
    use = _subparser(actions, "use", "make a profile the current one")
    use.add_argument("name", metavar="NAME")


def _add_keys(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(commands, "keys", "manage signing keys for local signing")
    actions = sub.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    listing = _subparser(
        actions, "list", "list the account's signing keys and whether this computer holds them"
    )
    create = _subparser(
        actions, "create", "create a signing key on Cloudflare and keep it in the keyring"
    )
    create.add_argument(
        "--show-private-key",
        action="store_true",
        help="also print the private key (base64 PEM, as Cloudflare sends it) once to stdout, "
        "after the key ID, for use elsewhere; it cannot be fetched from Cloudflare again. "
        "`keys import` reads this output back as it is",
    )
    imported = _subparser(
        actions, "import", "keep an existing signing key's private key in the keyring"
    )
    imported.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        default="-",
        help="file with the key: Cloudflare's base64 pem or jwk, a PEM, a JWK, or the JSON "
        "that key creation returned (default: - for stdin)",
    )
    imported.add_argument(
        "--key-id", metavar="ID", help="the key's ID, when the material does not name it"
    )
    revoke = _subparser(
        actions, "revoke", "delete a key on Cloudflare: every token signed with it stops working"
    )
    revoke.add_argument("key_id", metavar="KEY_ID")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget = _subparser(
        actions, "forget", "delete a key's private key from the keyring (it stays on Cloudflare)"
    )
    forget.add_argument("key_id", metavar="KEY_ID")
    for action in (listing, create, imported, revoke, forget):
        action.add_argument("--profile", metavar="NAME", help="profile (default: the current one)")
    for action in (listing, create, revoke):
        action.add_argument("--account", metavar="ID", help="account ID (overrides the profile's)")


def _add_batch(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser(
        "batch",
        help="sign tokens for many videos locally, into a CSV file",
        description=_BATCH_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_debug(sub, default=argparse.SUPPRESS)
    _add_sandbox_flag(sub, default=argparse.SUPPRESS)
    sub.add_argument(
        "--local",
        action="store_true",
        help="accepted for symmetry with create: a batch always signs locally",
    )
    sub.add_argument(
        "--key",
        metavar="KEY_ID",
        help="signing key to sign with (default: the profile's default key, else the only "
        "key held)",
    )
    sub.add_argument("--profile", metavar="NAME", help="profile (default: the current one)")
    sub.add_argument(
        "--input", "-i", metavar="FILE", required=True, help="video IDs or CSV (- for stdin)"
    )
    sub.add_argument(
        "--output-file", "-O", metavar="FILE", help="CSV file to write (- for standard output)"
    )
    # The old spelling: -o means the output kind in create, so here it only warns (batch.py).
    sub.add_argument("--output", "-o", dest="legacy_output", help=argparse.SUPPRESS)
    sub.add_argument(
        "--exp",
        metavar="WHEN",
        help=f"expiry for rows without their own (default 1h): {_WHEN_HELP}",
    )
    sub.add_argument("--nbf", metavar="WHEN", help=f"not valid before: {_WHEN_HELP}")
    sub.add_argument(
        "--rule",
        metavar="RULE",
        action="append",
        default=[],
        dest="rules",
        help="access rule for rows without their own rules; as for create",
    )
    sub.add_argument(
        "--downloadable", action="store_true", default=None, help="allow the MP4 download URL"
    )
    sub.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        metavar="N",
        help="worker processes (default: every core)",
    )


def _add_sandbox(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = _subparser(commands, "sandbox", "run the local sandbox API until Ctrl+C")
    sub.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default: any free port)"
    )
    sub.add_argument(
        "--profile",
        metavar="NAME",
        help="save a profile NAME that points at this sandbox while it runs, so later commands "
        "(--profile NAME) share its keys and get playback links that open; it is removed, "
        "with its keys, when the sandbox stops",
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
    """`"allow country US,MX"` -> an AccessRule; the grammar is the batch file's too."""
    try:
        return parse_rule_text(text)
    except RuleSyntaxError as exc:
        raise UsageError(
            f"--rule {number} ({shown(text)}) {exc}.",
            hint='Write each rule as one argument, e.g. --rule "allow country US,MX".',
        ) from None


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
