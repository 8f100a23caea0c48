"""`login`, `logout` and `profiles ...`: who we are, and where the API token is kept.

The API token only ever goes to the keyring (SecretStore); profiles.json holds the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from dataclasses import replace
from functools import partial
from typing import TextIO

from cfstream_gui.core.cloudflare import DEFAULT_BASE_URL, ApiError, StreamClient
from cfstream_gui.core.credentials import (
    Credentials,
    Origin,
    from_environment,
    resolve_credentials,
)
from cfstream_gui.core.ids import is_hex_id
from cfstream_gui.core.storage.profiles import (
    ACCOUNT_ID_ENV,
    DEFAULT_PROFILE_NAME,
    Profile,
    check_profile_name,
)
from cfstream_gui.core.storage.removal import Removal, remove_profile
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.core.urls import parse_customer_code
from cfstream_gui.core.validation import Severity, check_account_id

from .context import Context, base_url_for, keyring_unavailable
from .errors import EXIT_OK, UsageError
from .terminal import safe_text

BASE_URL_ENV = "CLOUDFLARE_BASE_URL"


def run_login(args: argparse.Namespace, ctx: Context) -> int:
    # `--profile ""` is a mistake to point out, not a way to say "the default".
    name = _named(args.profile) or ctx.profiles.current_name() or DEFAULT_PROFILE_NAME
    check_profile_name(name)
    if not ctx.secrets.is_available():
        # Before the token is typed: it could not be kept, and is neither read nor sent.
        raise keyring_unavailable(ctx, f"the API token for profile {name} cannot be stored")
    existing = saved_profile(ctx, name)
    account = args.account or (existing.account_id if existing else None)
    account = (account or ctx.env.get(ACCOUNT_ID_ENV, "")).strip() or None
    if account is not None:
        _check_account(account, ctx)
    changes = {"account_id": account or ""}
    base_url = base_url_for(replace(existing or Profile(name=name), **changes), ctx.env)
    changes.update(_base_url_change(existing, name, base_url, ctx))
    credentials = _read_token(sys.stdin)
    asyncio.run(_verify(credentials, base_url, account, ctx))
    _keep(ctx, name, existing, changes, credentials)
    store = ctx.secrets.store_name()
    print(f"Logged in: the API token for profile {name} is stored in {store}.", file=ctx.out)
    if "api_base_url" in changes:
        ctx.note(f"note: profile {name} keeps the API base URL {base_url} (from {BASE_URL_ENV}).")
    if account is None:
        ctx.note(
            f"note: profile {name} has no account ID yet; add it with "
            f"`cfstream-token profiles add {name} --account ID`."
        )
    return EXIT_OK


def _base_url_change(
    existing: Profile | None, name: str, base_url: str, ctx: Context
) -> dict[str, str]:
    """The API base URL the token is checked against, to keep in the profile when it came from
    CLOUDFLARE_BASE_URL: otherwise the next command, without the variable, would take the
    token to Cloudflare instead."""
    if existing is not None and existing.api_base_url:
        if ctx.env.get(BASE_URL_ENV, "").strip():
            ctx.note(
                f"note: {BASE_URL_ENV} is ignored: profile {name} keeps its own API base URL "
                f"{existing.api_base_url}."
            )
        return {}
    return {} if base_url == DEFAULT_BASE_URL else {"api_base_url": base_url}


def _keep(
    ctx: Context,
    name: str,
    existing: Profile | None,
    changes: dict[str, str],
    credentials: Credentials,
) -> None:
    """The token, then the profile. A keyring that refuses the token (the likelier failure)
    leaves no profile behind; a profiles file that refuses a new profile takes its token back
    out, so a failed login never leaves half a profile."""
    ctx.secrets.set_api_token(name, credentials.api_token)
    try:
        # Only the fields login decides change: what another process saved meanwhile stays.
        ctx.profiles.update(name, lambda stored: replace(stored or Profile(name=name), **changes))
        if ctx.profiles.current_name() is None:
            ctx.profiles.use(name)
    except BaseException:
        if existing is None:
            with contextlib.suppress(SecretStoreError):
                ctx.secrets.delete_api_token(name)
        raise


def saved_profile(ctx: Context, name: str) -> Profile | None:
    return next((p for p in ctx.profiles.list() if p.name == name), None)


def _read_token(stdin: TextIO) -> Credentials:
    if stdin.isatty():
        text = getpass.getpass("Cloudflare API token (input hidden): ")
    else:
        text = stdin.read()
    if not text.strip():
        raise UsageError(
            "No API token was given.",
            hint="Paste it at the prompt, or pipe it in: `cfstream-token login < token.txt`.",
        )
    return Credentials.of(text, Origin.TYPED)  # InvalidApiToken (exit 2) if it cannot be sent


async def _verify(
    credentials: Credentials, base_url: str, account: str | None, ctx: Context
) -> None:
    # With an account ID the account endpoint is asked first (account-owned tokens need it).
    async with StreamClient(credentials, base_url=base_url, env=ctx.env) as client:
        status = await client.verify_token(account)
    if not status.is_active:
        raise ApiError(
            f"Cloudflare says this API token is {status.status}, so it was not stored.",
            hint="Create a new token with Stream Edit permission and log in with that one.",
        )


def _named(profile: str | None) -> str | None:
    """A --profile given explicitly, checked (an empty name is an error, not "default")."""
    if profile is not None:
        check_profile_name(profile)
    return profile


def run_logout(args: argparse.Namespace, ctx: Context) -> int:
    name = _named(args.profile) or ctx.profiles.current_name()
    if name is None:
        raise UsageError("There is no current profile; say which with --profile NAME.")
    ctx.secrets.delete_api_token(name)
    print(f"Logged out: no API token is stored for profile {name} any more.", file=ctx.out)
    return EXIT_OK


def run_profiles(args: argparse.Namespace, ctx: Context) -> int:
    command = args.profiles_command
    if command == "list":
        return _list(ctx)
    if command == "add":
        return _add(args, ctx)
    if command == "remove":
        return _remove(args.name, ctx)
    if command == "use":
        ctx.profiles.use(args.name)
        print(f"Now using profile {args.name}.", file=ctx.out)
        return EXIT_OK
    raise UsageError(f"Unknown profiles action {command!r}.")


def _remove(name: str, ctx: Context) -> int:
    # Secrets first, so a keyring failure (exit 5) leaves the profile for a retry to finish.
    removal = remove_profile(ctx.profiles, ctx.secrets, name)
    print(_removed(removal), file=ctx.out)
    return EXIT_OK


def _removed(removal: Removal) -> str:
    """What was removed, and nothing that was not: no token is claimed that was never stored."""
    name, keys = removal.name, removal.signing_keys
    counted = f"{keys} signing {'key' if keys == 1 else 'keys'}"
    if removal.api_token and keys:
        secrets = f"its API token and {counted}"
    elif removal.api_token:
        secrets = "its API token"
    else:
        secrets = "its signing key" if keys == 1 else f"its {counted}"
    if not removal.profile:
        one = removal.api_token + keys == 1
        were, them = ("was", "it") if one else ("were", "them")
        left = f"{secrets} {were} still in the keyring"
        return f"There was no profile {name}, but {left}: removed {them}."
    if not removal.secrets:
        return f"Removed profile {name}; it had no API token or signing key in the keyring."
    joiner = ", " if removal.api_token and keys else " and "
    return f"Removed profile {name}{joiner}{secrets} from the keyring."


# What `profiles list` says of each profile's API token.
_TOKEN_STATES = {
    Origin.KEYRING: "stored",
    Origin.ENVIRONMENT: "from environment",
    Origin.TYPED: "typed",
    Origin.SANDBOX: "sandbox",
}
_UNKNOWN_TOKEN = "unknown (keyring unavailable)"


def _list(ctx: Context) -> int:
    profiles = ctx.profiles.list()
    if not profiles:
        print(
            "No profiles yet. Add one with `cfstream-token profiles add NAME --account ID`.",
            file=ctx.out,
        )
        return EXIT_OK
    current = ctx.profiles.current_name()
    states, problem = _token_states(ctx, [profile.name for profile in profiles])
    rows = [("", "NAME", "ACCOUNT", "CUSTOMER CODE", "API TOKEN")]
    for profile in profiles:
        marker = "*" if profile.name == current else ""
        # profiles.json may have been edited by hand: escaped before widths are measured.
        name, account = safe_text(profile.name), safe_text(profile.account_id or "-")
        code = safe_text(profile.customer_code or "-")
        rows.append((marker, name, account, code, states[profile.name]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(),
            file=ctx.out,
        )
    if problem is not None:
        ctx.note(f"note: whether each profile has an API token is unknown: {problem}")
    return EXIT_OK


def _token_states(ctx: Context, names: list[str]) -> tuple[dict[str, str], str | None]:
    """Each profile's API token state, and why the keyring could not tell, if it could not.
    The profiles are listed either way: they live in a file, not in the keyring."""
    states = dict.fromkeys(names, _UNKNOWN_TOKEN)
    if from_environment(ctx.env) is None and not ctx.secrets.is_available():
        store = ctx.secrets.store_name()
        return states, f"the system keyring is unavailable (keyring backend: {store})."
    for name in names:
        try:
            credentials = resolve_credentials(ctx.env, partial(ctx.secrets.get_api_token, name))
        except SecretStoreError as exc:
            # One failure is enough: asking again would only repeat it (or an unlock prompt).
            return states, str(exc)
        states[name] = "none" if credentials is None else _TOKEN_STATES[credentials.origin]
    return states, None


def _add(args: argparse.Namespace, ctx: Context) -> int:
    name = args.name
    check_profile_name(name)
    # Stripped like everywhere else the account ID is read: a stray space would be sent along.
    account = args.account.strip() if args.account is not None else None
    if account is None and not ctx.profiles.exists(name):
        raise _needs_account(name)  # early, before any warning about the rest
    if account is not None:
        _check_account(account, ctx)
    if args.base_url is not None:
        # Refuses plain http to anything but loopback before it is saved, not at first use.
        base_url_for(Profile(name=name, api_base_url=args.base_url), {})
    given = {
        "account_id": account,
        "customer_code": _customer_code(args.customer_code),
        "api_base_url": args.base_url,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if args.default_key is not None:
        changes["default_key_id"] = _default_key(args.default_key, name, ctx)  # "" clears it

    def change(stored: Profile | None) -> Profile:
        # Applied to the profile as stored under the lock, so what another process changed
        # meanwhile (a customer code the window learnt) survives; only the options given change.
        if stored is None and account is None:
            raise _needs_account(name)  # removed since the check above
        return replace(stored or Profile(name=name), **changes)

    existing = ctx.profiles.update(name, change)
    if args.use:
        ctx.profiles.use(name)
    verb = "Updated" if existing else "Added"
    suffix = " and made it current" if args.use else ""
    print(f"{verb} profile {name}{suffix}.", file=ctx.out)
    return EXIT_OK


def _needs_account(name: str) -> UsageError:
    return UsageError(
        f"A new profile needs an account ID: `cfstream-token profiles add {name} --account ID`."
    )


def _check_account(account: str, ctx: Context) -> None:
    problems = check_account_id(account)
    errors = [p.message for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise UsageError(*errors)
    for problem in problems:
        ctx.note(f"warning: {problem.message}")


def _default_key(text: str, profile: str, ctx: Context) -> str | None:
    """The key ID to keep as the default ("" clears it), warning when no private key for it
    is held: local signing would then fail until it is imported."""
    key_id = text.strip().lower()
    if not key_id:
        return None
    if not is_hex_id(key_id):
        raise UsageError(
            f"The default key {text!r} is not 32 hex characters like Cloudflare's key IDs; "
            "copy the ID `cfstream-token keys list` shows."
        )
    if key_id not in ctx.secrets.list_signing_key_ids(profile):
        ctx.note(
            f"warning: no private key for {key_id} is held for profile {profile}; import it "
            f"with `cfstream-token keys import --profile {profile} FILE` before signing locally."
        )
    return key_id


def _customer_code(text: str | None) -> str | None:
    """The code from `abc123`, `customer-abc123` or a whole customer-abc123... URL."""
    if text is None:
        return None
    code = parse_customer_code(text)
    if code is None:
        raise UsageError(
            f"The customer code {text!r} should be letters and digits only, the CODE in "
            "customer-CODE.cloudflarestream.com."
        )
    return code
