"""`cfstream-token create`: check the request, get a token, print what was asked.

Everything that can be refused is refused before the first request: rule syntax, times, the
request's validation errors, mp4 without --downloadable, missing credentials or keys.

The token comes from Cloudflare's `/token` (with `--key`, signed there with that held key), or
with `--local` is signed here with a held key: no request at all, unless a URL output needs the
customer code and the profile has none (then the video is fetched once to find it).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.customer_codes import detect_code
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.models import AccessRule, TokenRequest
from cfstream_gui.core.timeparse import TimeParseError, describe, from_epoch, parse_when, to_epoch
from cfstream_gui.core.validation import Severity, check_request

from .context import Context, Target, resolve_target
from .errors import EXIT_OK, UsageError
from .keys import local_profile, signing_key_for
from .output import URL_OUTPUTS, render
from .parsing import parse_rule


def run_create(args: argparse.Namespace, ctx: Context) -> int:
    now = datetime.now(UTC)
    request = build_request(args, now)
    echo_times(request, ctx)
    if args.output == "mp4" and not request.downloadable:
        raise UsageError(
            "The mp4 output is a download URL, and downloads only work with a downloadable "
            "token; add --downloadable (the video must also have downloads enabled)."
        )
    if args.local:
        return _create_local(args, request, now, ctx)
    target = resolve_target(ctx, args.profile, args.account)
    if args.key:
        # Cloudflare signs with this key: it needs the key's id and private key in the body.
        key = signing_key_for(ctx, target.profile, args.key)
        request = replace(request, key_id=key.key_id, pem=key.api_pem())
    check(request, target.account_id, now, ctx)
    token, code = asyncio.run(_fetch(request, target, args.output, ctx))
    render(
        args.output,
        token,
        customer_code=code,
        downloadable=bool(request.downloadable),
        delivery_base=target.profile.delivery_base_url,
        out=ctx.out,
    )
    return EXIT_OK


def _create_local(
    args: argparse.Namespace, request: TokenRequest, now: datetime, ctx: Context
) -> int:
    profile = local_profile(ctx, args.profile, args.account)
    check(request, profile.account_id or None, now, ctx)
    key = signing_key_for(ctx, profile, args.key)
    token = sign_locally(request, key, now=to_epoch(now))
    code = profile.customer_code
    if code is None and (args.output in URL_OUTPUTS or args.output == "json"):
        ctx.note("note: the profile has no customer code, so the video is fetched to find it")
        target = resolve_target(ctx, args.profile, args.account)
        code = asyncio.run(_lookup_code(request.video_uid, target, args.output, ctx))
    render(
        args.output,
        token,
        customer_code=code,
        downloadable=bool(request.downloadable),
        delivery_base=profile.delivery_base_url,
        out=ctx.out,
    )
    return EXIT_OK


async def _lookup_code(uid: str, target: Target, output: str, ctx: Context) -> str | None:
    async with StreamClient(target.api_token, base_url=target.base_url) as client:
        return await _customer_code(client, uid, target, ctx, output)


def build_request(args: argparse.Namespace, now: datetime) -> TokenRequest:
    rules: tuple[AccessRule, ...] = tuple(
        parse_rule(text, number) for number, text in enumerate(args.rules, start=1)
    )
    return TokenRequest(
        video_uid=args.video_uid.strip(),
        exp=_when("--exp", args.exp, now),
        nbf=_when("--nbf", args.nbf, now),
        downloadable=args.downloadable,
        access_rules=rules,
    )


def echo_times(request: TokenRequest, ctx: Context) -> None:
    """Say how typed times were understood, in UTC and local time (stderr, so stdout stays just
    the output). Times not given are Cloudflare's defaults and are not mentioned."""
    for label, epoch in (("expires", request.exp), ("not before", request.nbf)):
        if epoch is not None:
            ctx.note(f"{label} {describe(from_epoch(epoch))}")


def _when(option: str, text: str | None, now: datetime) -> int | None:
    if text is None:
        return None
    try:
        return to_epoch(parse_when(text, now=now))
    except TimeParseError as exc:
        raise UsageError(f"{option} {text!r}: {exc}") from None


def check(request: TokenRequest, account_id: str | None, now: datetime, ctx: Context) -> None:
    """Print warnings and go on; print every error and stop with exit 2."""
    problems = check_request(request, now=to_epoch(now), account_id=account_id)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for problem in problems:
        if problem.severity is not Severity.ERROR:
            ctx.note(f"warning: {problem.message}")
    if errors:
        raise UsageError(*(p.message for p in errors), hint="Fix the above; nothing was sent.")


async def _fetch(
    request: TokenRequest, target: Target, output: str, ctx: Context
) -> tuple[str, str | None]:
    """The token, and the customer code when the output needs playback URLs."""
    client = StreamClient(target.api_token, base_url=target.base_url)
    try:
        code = None
        if output in URL_OUTPUTS or output == "json":
            code = await _customer_code(client, request.video_uid, target, ctx, output)
        token = await client.create_token(target.account_id, request)
        return token, code
    finally:
        await client.aclose()


async def _customer_code(
    client: StreamClient, uid: str, target: Target, ctx: Context, output: str
) -> str | None:
    """From the profile, else detected from the video's URLs (and remembered in a saved profile;
    `find_profile` drops both when --account names another account than the profile's)."""
    if target.profile.customer_code:
        return target.profile.customer_code
    code = await detect_code(client, target.account_id, uid)
    if code is None:
        hint = (
            f"Set it with `cfstream-token profiles add {target.profile.name} --customer-code "
            "CODE` (the customer-CODE part of the video's playback URLs)."
        )
        if output != "json":
            raise UsageError("The customer code for playback URLs could not be found.", hint=hint)
        ctx.note(f"warning: no playback URLs, the customer code could not be found. {hint}")
        return None
    if target.saved:
        ctx.profiles.remember_customer_code(target.profile.name, code)
    return code
