"""`cfstream-token create`: check the request, get a token, print what was asked.

Everything that can be refused is refused before the first request: rule syntax, times, the
request's validation errors, mp4 without --downloadable, missing credentials or keys.

The token is made by the core's token service, as in the window: from Cloudflare's `/token`
(with `--key`, signed there with that held key), or with `--local` signed here with a held key:
no request at all, unless a URL output needs the customer code and it is not known (then the
video is fetched once to find it).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from cfstream_gui.core.clients import ClientPool, default_factory
from cfstream_gui.core.ids import shown
from cfstream_gui.core.models import AccessRule, SigningEngine, TokenRequest
from cfstream_gui.core.timeparse import TimeParseError, describe, from_epoch, parse_when, to_epoch
from cfstream_gui.core.token_service import (
    CodeSource,
    CustomerCodeUnknown,
    LinkNeed,
    TokenJob,
    TokenResult,
    TokenService,
    customer_code_hint,
)
from cfstream_gui.core.urls import customer_code_message, is_customer_code
from cfstream_gui.core.validation import Problem, Severity

from .context import (
    EXAMPLE_LINKS_NOTE,
    Context,
    Target,
    require_usable_links,
    resolve_target,
)
from .downloads import DownloadsCheck, downloads_check, downloads_problem
from .errors import EXIT_OK, UsageError
from .output import URL_OUTPUTS, render
from .parsing import parse_rule


def run_create(args: argparse.Namespace, ctx: Context) -> int:
    now = datetime.now(UTC)
    request = build_request(args, now)
    if args.output == "mp4" and not request.downloadable:
        raise UsageError(
            "The mp4 output is a download URL, and downloads only work with a downloadable "
            "token; add --downloadable (the video must also have downloads enabled)."
        )
    service = TokenService(ClientPool(default_factory(ctx.env)), profiles=ctx.profiles)
    job = _job(args, request, service, ctx)
    require_usable_links(job.profile)  # a link's token must not travel over plain http
    if job.links is LinkNeed.REQUIRED:
        # A link is what was asked for: a (hand-edited) customer code that cannot make one is
        # refused now, not after Cloudflare has made a token nobody gets to see.
        require_customer_code(service.known_code(job.profile, job.account_id, None).code, job)
    check(service.check(job, now=to_epoch(now)), ctx)
    downloads = downloads_check(args, job, ctx) if args.output == "mp4" else None
    result, problem = asyncio.run(_make(service, job, downloads))
    echo_times(request, ctx)  # only now: a refused request has no expiry to speak of
    if job.links is LinkNeed.LOOKUP and result.customer_code.source is CodeSource.NONE:
        hint = customer_code_hint(job.profile.name)
        ctx.note(f"warning: no playback URLs: {result.links_note}. {hint}")
    if problem is not None:
        ctx.note(problem)
    if ctx.sandbox is not None and result.urls is not None:
        ctx.note(EXAMPLE_LINKS_NOTE)
    render(args.output, result, ctx.out)
    return EXIT_OK


def _job(
    args: argparse.Namespace, request: TokenRequest, service: TokenService, ctx: Context
) -> TokenJob:
    """Who makes the token, with what: the same job the window would hand the service."""
    links = _link_need(args.output)
    if args.local:
        from .keys import local_profile, signing_key_for  # held keys load cryptography

        profile = local_profile(ctx, args.profile, args.account)
        job = TokenJob(
            request=request,
            engine=SigningEngine.LOCAL,
            profile=profile,
            account_id=profile.account_id,
            key=signing_key_for(ctx, profile, args.key),
            links=links,
        )
        if links in (LinkNeed.LOOKUP, LinkNeed.REQUIRED) and (
            service.known_code(profile, profile.account_id, None).code is None
        ):
            ctx.note("note: the profile has no customer code, so the video is fetched to find it")
            target = resolve_target(ctx, args.profile, args.account)
            return _with_target(job, target)
        return job
    target = resolve_target(ctx, args.profile, args.account)
    # `--key ""` is refused, not read as "no key": it is a script's unset variable, and
    # Cloudflare's key would then sign a token meant to be signed with the user's own.
    with_key = args.key is not None
    engine = SigningEngine.API_KEY if with_key else SigningEngine.CLOUDFLARE
    key = None
    if with_key:
        from .keys import signing_key_for

        key = signing_key_for(ctx, target.profile, args.key)
    job = TokenJob(request=request, engine=engine, profile=target.profile, key=key, links=links)
    return _with_target(job, target)


def require_customer_code(code: str | None, job: TokenJob) -> None:
    if code is not None and not is_customer_code(code):
        raise UsageError(
            f"Profile {job.profile.name}: {customer_code_message(code)}",
            hint=f"Fix it with `cfstream-token profiles add {job.profile.name} --customer-code "
            "CODE`, or in the profiles file.",
        )


def _with_target(job: TokenJob, target: Target) -> TokenJob:
    return replace(
        job,
        profile=target.profile,
        account_id=target.account_id,
        credentials=target.credentials,
        remember_code=target.saved,
    )


def _link_need(output: str) -> LinkNeed:
    if output in URL_OUTPUTS:
        return LinkNeed.REQUIRED
    return LinkNeed.LOOKUP if output == "json" else LinkNeed.NONE


async def _make(
    service: TokenService, job: TokenJob, downloads: DownloadsCheck | None
) -> tuple[TokenResult, str | None]:
    """The token, then (for the mp4 output) what the video's downloads say about its link."""
    try:
        result = await service.make(job)
        problem = await downloads_problem(service, downloads) if downloads else None
        return result, problem
    except CustomerCodeUnknown as exc:
        raise UsageError(str(exc), hint=exc.hint) from None
    finally:
        await service.aclose()


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
    the output), once the token carries them. Times not given are Cloudflare's defaults and are
    not mentioned."""
    for label, epoch in (("expires", request.exp), ("not before", request.nbf)):
        if epoch is not None:
            ctx.note(f"{label} {describe(from_epoch(epoch))}")


def _when(option: str, text: str | None, now: datetime) -> int | None:
    if text is None:
        return None
    try:
        return to_epoch(parse_when(text, now=now))
    except TimeParseError as exc:
        raise UsageError(f"{option} {shown(text)}: {exc}") from None


def check(problems: list[Problem], ctx: Context) -> None:
    """Print warnings and go on; print every error and stop with exit 2."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for problem in problems:
        if problem.severity is not Severity.ERROR:
            ctx.note(f"warning: {problem.message}")
    if errors:
        raise UsageError(*(p.message for p in errors), hint="Fix the above; nothing was sent.")
