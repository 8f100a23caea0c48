"""`cfstream-token keys ...`: signing keys on the account and their private keys in the keyring.

Cloudflare shows a key's private half once, when it is created; from then on the keyring holds
it and `create --local` / `batch` sign with it. Key material goes to the keyring, or to stdout
when the user asks for it (`--show-private-key`) or when the keyring failed right after
creation; never to stderr, never into a message.

With `--sandbox` the keyring is an in-memory one that lives for that one run (`MemoryKeyring`), so
sandbox keys never reach the real keyring; a local signing run makes a throwaway key there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import TypeVar

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.ids import is_hex_id
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.inventory import KeyRow
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyNotSavedError, KeyService
from cfstream_gui.core.keys.signing_key import SigningKey, unsaved_api_pem
from cfstream_gui.core.storage.profiles import Profile, ProfileError
from cfstream_gui.core.validation import Severity, check_signing_key_id

from .context import SANDBOX_PROFILE, Context, Target, require_account_id, resolve_target
from .errors import EXIT_KEYRING, EXIT_OK, EXIT_USAGE, UsageError
from .terminal import safe_text

_T = TypeVar("_T")

# The sandbox run's keyring (now shared with the GUI); the old name stays for importers.


REVOKE_PROMPT = "Every token signed with this key stops working. Revoke {key_id}? [y/N] "


def run_keys(args: argparse.Namespace, ctx: Context) -> int:
    command = args.keys_command
    with key_errors():
        if command == "list":
            return _list(args, ctx)
        if command == "create":
            return _create(args, ctx)
        if command == "import":
            return _import(args, ctx)
        if command == "revoke":
            return _revoke(args, ctx)
        if command == "forget":
            return _forget(args, ctx)
    raise UsageError(f"Unknown keys action {command!r}.")


@contextmanager
def key_errors() -> Iterator[None]:
    """Key problems the user can fix become usage errors (exit 2); their messages never hold
    key material."""
    try:
        yield
    except KeyNotHeldError as exc:
        raise UsageError(
            str(exc), hint="See the held keys with `cfstream-token keys list`."
        ) from None
    except KeyImportError as exc:
        hint = "Pass the key's 32-character ID with --key-id." if exc.needs_key_id else None
        raise UsageError(str(exc), hint=hint) from None


# --- who: profile, credentials, service ---------------------------------------------------------


def local_profile(ctx: Context, name: str | None, account: str | None = None) -> Profile:
    """The profile whose keyring entries a local command uses; no API token is needed."""
    if account is not None:
        account = require_account_id(account)
    if ctx.sandbox is not None:
        return Profile(
            name=SANDBOX_PROFILE,
            account_id=account or ctx.sandbox.DEMO_ACCOUNT_ID,
            customer_code=ctx.sandbox.DEMO_CUSTOMER_CODE,
            api_base_url=ctx.sandbox.base_url,
        )
    profile = ctx.profiles.resolve(name)
    return replace(profile, account_id=account) if account else profile


def _service(ctx: Context, target: Target) -> tuple[KeyService, StreamClient]:
    client = StreamClient(target.credentials, base_url=target.base_url, env=ctx.env)
    service = KeyService(client, ctx.secrets, target.profile.name, target.account_id)
    return service, client


async def _with_service(
    ctx: Context, target: Target, action: Callable[[KeyService], Awaitable[_T]]
) -> _T:
    """`action` on the target's key service, its API client closed afterwards."""
    service, client = _service(ctx, target)
    try:
        return await action(service)
    finally:
        await client.aclose()


def _local_service(ctx: Context, profile: Profile) -> KeyService:
    # Keyring-only methods never touch the client, so it needs no token.
    client = StreamClient(None, env=ctx.env)
    return KeyService(client, ctx.secrets, profile.name, profile.account_id)


# --- commands ------------------------------------------------------------------------------------


def _list(args: argparse.Namespace, ctx: Context) -> int:
    target = resolve_target(ctx, args.profile, args.account)
    inventory = asyncio.run(_with_service(ctx, target, KeyService.inventory))
    if not inventory.account_checked:
        ctx.note(
            "warning: Cloudflare could not be asked, so only the keys held here are listed "
            "and their state on the account is unknown."
        )
    if not inventory.rows:
        if inventory.account_checked:
            print(
                f"No signing keys for profile {target.profile.name}. Create one with "
                "`cfstream-token keys create`.",
                file=ctx.out,
            )
        return EXIT_OK
    _print_table(list(inventory.rows), target.profile.default_key_id, ctx)
    return EXIT_OK


def _print_table(rows: list[KeyRow], default_key: str | None, ctx: Context) -> None:
    table = [("", "KEY ID", "CREATED", "STATE")]
    for row in rows:
        created = row.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if row.created else "-"
        marker = "*" if default_key and row.key_id == default_key.lower() else ""
        # Key IDs come from the account's list: escaped before the widths are measured.
        table.append((marker, safe_text(row.key_id), created, row.state.label))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        cells = zip(line, widths, strict=True)
        ctx.say("  ".join(cell.ljust(width) for cell, width in cells).rstrip())
    if default_key:
        print("* the profile's default key", file=ctx.out)


def _create(args: argparse.Namespace, ctx: Context) -> int:
    target = resolve_target(ctx, args.profile, args.account)
    try:
        key = asyncio.run(_with_service(ctx, target, KeyService.create))
    except KeyNotSavedError as exc:
        return _not_saved(exc, ctx)
    print(key.key_id, file=ctx.out)
    if args.show_private_key:
        print(key.api_pem(), file=ctx.out)
    ctx.note(
        f"Created signing key {key.key_id}. Its private key is now in {_store(ctx)} for profile "
        f"{target.profile.name}; Cloudflare will never show it again."
    )
    return EXIT_OK


def _not_saved(exc: KeyNotSavedError, ctx: Context) -> int:
    """The key exists on the account and nowhere else: hand it over on stdout, this once."""
    ctx.note(f"keyring error: {exc}")
    # The shape --show-private-key prints, so `keys import` takes it back as it is.
    print(exc.key_id, file=ctx.out)
    print(unsaved_api_pem(exc.key, exc.material), file=ctx.out)
    ctx.note(
        "The key ID and the private key (base64 PEM, as Cloudflare sent it) are on stdout; "
        "store them now. `cfstream-token keys import` reads them back as they are."
    )
    return EXIT_KEYRING


def _import(args: argparse.Namespace, ctx: Context) -> int:
    profile = local_profile(ctx, args.profile)
    text, key_id = _as_printed(_read_key_text(args.file, ctx), args.key_id)
    service = _local_service(ctx, profile)
    try:
        key = service.import_key(text, key_id)
    except KeyImportError as exc:
        # A PEM carries no key ID; at a terminal, ask for it rather than fail.
        if not (exc.needs_key_id and args.file != "-" and sys.stdin.isatty()):
            raise
        print(KEY_ID_PROMPT, end="", file=ctx.err, flush=True)
        key = service.import_key(text, sys.stdin.readline().strip() or None)
    print(
        f"Imported signing key {key.key_id}: its private key is in {_store(ctx)} for profile "
        f"{profile.name}.",
        file=ctx.out,
    )
    return EXIT_OK


def _as_printed(text: str, given: str | None) -> tuple[str, str | None]:
    """The key material, and its ID, from text in the shape `keys create --show-private-key`
    prints (the key ID on a line of its own, then the base64 PEM): what we print, we read back.
    Other text is left as it is, with the ID from --key-id."""
    first, _, rest = text.strip().partition("\n")
    named = first.strip().lower()
    if not rest.strip() or not is_hex_id(named):
        return text, given
    if given is not None and given.strip().lower() != named:
        raise UsageError(
            f"The key ID you gave ({safe_text(given.strip())}) differs from the key ID on the "
            f"first line of the key ({named}); leave --key-id out or give the right one."
        )
    return rest, named


KEY_ID_PROMPT = "This key carries no ID. Its 32-character key ID (from `keys list`): "


def _read_key_text(source: str, ctx: Context) -> str:
    if source == "-":
        if sys.stdin.isatty():
            ctx.note("Paste the private key, then press Ctrl+D on an empty line:")
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not readable text"
        raise UsageError(f"The key file {source} cannot be read: {reason}.") from None


def _revoke(args: argparse.Namespace, ctx: Context) -> int:
    key_id = _key_id_argument(args.key_id)
    target = resolve_target(ctx, args.profile, args.account)
    if not args.yes and not _confirmed(key_id, ctx):
        print("Not revoked.", file=ctx.out)
        return EXIT_USAGE
    asyncio.run(_with_service(ctx, target, lambda keys: keys.revoke(key_id)))
    print(
        f"Revoked signing key {key_id}: every token signed with it stops working, and its "
        "private key is gone from the keyring.",
        file=ctx.out,
    )
    _drop_default(ctx, target, key_id)
    return EXIT_OK


def _confirmed(key_id: str, ctx: Context) -> bool:
    if not sys.stdin.isatty():
        raise UsageError(
            f"Revoking {key_id} makes every token signed with it stop working, and there is no "
            "terminal to ask for confirmation.",
            hint=f"Run `cfstream-token keys revoke {key_id} --yes` if you are sure.",
        )
    print(REVOKE_PROMPT.format(key_id=key_id), end="", file=ctx.err, flush=True)
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def _drop_default(ctx: Context, target: Target, key_id: str) -> None:
    """A revoked key cannot be anyone's default any more. Changed under the profiles lock on
    the profile as stored now, so a concurrent change to it is not overwritten."""
    if not target.saved:
        return
    cleared = False

    def drop(stored: Profile | None) -> Profile:
        nonlocal cleared
        if stored is None:  # removed meanwhile: nothing to clear, and nothing to re-create
            raise ProfileError(f"Profile {target.profile.name} is gone.")
        if (stored.default_key_id or "").lower() != key_id:
            return stored
        cleared = True
        return replace(stored, default_key_id=None)

    with contextlib.suppress(ProfileError):
        ctx.profiles.update(target.profile.name, drop)
    if cleared:
        ctx.note(f"note: profile {target.profile.name} has no default signing key now.")


def _forget(args: argparse.Namespace, ctx: Context) -> int:
    profile = local_profile(ctx, args.profile)
    key_id = _key_id_argument(args.key_id)
    _local_service(ctx, profile).forget(key_id)
    print(
        f"Forgot signing key {key_id}: its private key is gone from the keyring, but the key "
        "still exists on Cloudflare and tokens signed with it keep working. Revoke it with "
        f"`cfstream-token keys revoke {key_id}` to stop them.",
        file=ctx.out,
    )
    return EXIT_OK


def _key_id_argument(text: str) -> str:
    """KEY_ID as typed, lower-cased; refused (exit 2) when it cannot be a key ID, before it
    reaches a request path or a keyring entry name."""
    key_id = text.strip().lower()
    errors = [p.message for p in check_signing_key_id(key_id) if p.severity is Severity.ERROR]
    if errors:
        raise UsageError(*errors)
    return key_id


def _store(ctx: Context) -> str:
    if ctx.sandbox is not None:
        return "memory (this sandbox run only)"
    return ctx.secrets.store_name()


# --- the key a local signing command uses -----------------------------------------------------


def signing_key_for(ctx: Context, profile: Profile, key_id: str | None) -> SigningKey:
    """`key_id`, else the profile's default key, else the only key held; exit 2 otherwise.

    In a sandbox run with no key held, a throwaway key is made in the sandbox first."""
    service = _local_service(ctx, profile)
    with key_errors():
        if key_id is not None:  # `--key ""` (an unset variable in a script) is a mistake
            return service.load(_key_id_argument(key_id))
        if profile.default_key_id:
            return service.load(profile.default_key_id)
        held = ctx.secrets.list_signing_key_ids(profile.name)
        if len(held) == 1:
            return service.load(held[0])
        if not held and ctx.sandbox is not None:
            return _throwaway_key(ctx, profile)
    if not held:
        raise UsageError(
            f"Profile {profile.name} holds no signing key to sign with.",
            hint="Create one with `cfstream-token keys create`, or import one with "
            "`cfstream-token keys import FILE`.",
        )
    raise UsageError(
        f"Profile {profile.name} holds {len(held)} signing keys: {', '.join(held)}.",
        hint=f"Choose one with --key KEY_ID, or set a default with `cfstream-token profiles add "
        f"{profile.name} --default-key KEY_ID`.",
    )


def _throwaway_key(ctx: Context, profile: Profile) -> SigningKey:
    target = resolve_target(ctx, None, profile.account_id)
    key = asyncio.run(_with_service(ctx, target, KeyService.create))
    ctx.note(f"note: made signing key {key.key_id} in the sandbox, held in memory for this run")
    return key
