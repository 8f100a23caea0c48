"""`cfstream-token videos`: list the account's videos, or switch signed URLs for one.

The list pages through the whole library (1,000 per request, `core.videos.VideoPager`), so
`| grep` sees every video; --limit stops early. Names are the account's own text and reach the
terminal only through `safe_text` (JSON is ASCII-escaped).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC
from typing import Any

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.validation import Severity, check_video_uid
from cfstream_gui.core.video_ids import parse_video_reference
from cfstream_gui.core.videos import VideoPager, VideoSummary

from .context import Context, Target, resolve_target
from .errors import EXIT_OK, UsageError
from .terminal import safe_text


def run_videos(args: argparse.Namespace, ctx: Context) -> int:
    if args.videos_command == "require-signed":
        return _require_signed(args, ctx)
    target = resolve_target(ctx, args.profile, args.account)
    videos, total = asyncio.run(_list(ctx, target, args.search, args.limit))
    if args.json:
        json.dump([_json(video) for video in videos], ctx.out, indent=2, ensure_ascii=True)
        ctx.out.write("\n")
    elif videos:
        _print_table(videos, ctx)
    ctx.note(_summary(len(videos), total, args.search))
    return EXIT_OK


async def _list(
    ctx: Context, target: Target, search: str | None, limit: int | None
) -> tuple[list[VideoSummary], int | None]:
    client = StreamClient(target.credentials, base_url=target.base_url, env=ctx.env)
    try:
        pager = VideoPager(client, target.account_id, search=search, limit=limit)
        videos: list[VideoSummary] = []
        async for page in pager:
            videos += page.videos
            if page.note:
                ctx.note(f"warning: {page.note}")
        return videos, pager.total
    finally:
        await client.aclose()


def _summary(shown: int, total: int | None, search: str | None) -> str:
    matching = f" matching {safe_text(repr(search))}" if search else ""
    if total is not None and total > shown:
        return f"{shown:,} of {total:,} videos{matching} (use --limit to see more)"
    return f"{shown:,} video{'' if shown == 1 else 's'}{matching}"


def _json(video: VideoSummary) -> dict[str, Any]:
    created = video.created.astimezone(UTC) if video.created else None
    return {
        "uid": video.uid,
        "name": video.name,
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if created else None,
        "state": video.state,
        "readyToStream": video.ready,
        "requireSignedURLs": video.require_signed_urls,
        "duration": video.duration,
    }


def _print_table(videos: list[VideoSummary], ctx: Context) -> None:
    rows = [("UID", "CREATED (UTC)", "SIGNED", "STATE", "NAME")]
    for video in videos:
        created = video.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if video.created else "-"
        signed = "yes" if video.require_signed_urls else "no"
        # The account's own text: escaped before the widths are measured.
        rows.append((video.uid, created, signed, safe_text(video.state), safe_text(video.name)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        ctx.say("  ".join([*cells, row[4]]).rstrip())


def _require_signed(args: argparse.Namespace, ctx: Context) -> int:
    uid = parse_video_reference(args.video_uid).uid  # a pasted link will do as well
    errors = [p.message for p in check_video_uid(uid) if p.severity is Severity.ERROR]
    if errors:
        raise UsageError(*errors)
    target = resolve_target(ctx, args.profile, args.account)
    required = args.state == "on"
    video = asyncio.run(_switch(ctx, target, uid, required))
    name = VideoSummary.from_api(video).name or video["uid"]
    if required:
        outcome = "now requires signed URLs: only tokens play it"
    else:
        outcome = "no longer requires signed URLs: anyone with its link can watch"
    ctx.say(f"{name} ({video['uid']}) {outcome}.")
    return EXIT_OK


async def _switch(ctx: Context, target: Target, uid: str, required: bool) -> dict[str, Any]:
    client = StreamClient(target.credentials, base_url=target.base_url, env=ctx.env)
    try:
        return await client.set_require_signed_urls(target.account_id, uid, required)
    finally:
        await client.aclose()
