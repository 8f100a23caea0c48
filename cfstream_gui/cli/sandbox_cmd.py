"""The local sandbox from the command line: in-process for `--sandbox create`, or in the
foreground with `cfstream-token sandbox` for other programs (or the GUI) to talk to."""

from __future__ import annotations

import argparse
import shlex
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from cfstream_gui.sandbox import Sandbox

from .context import Context
from .errors import EXIT_OK, UsageError


@contextmanager
def sandbox_session(ctx: Context, *, port: int = 0, quiet: bool = False) -> Iterator[Sandbox]:
    """A started sandbox that `ctx` resolves credentials against until the block ends."""
    sb = Sandbox(port=port)
    try:
        sb.start()
    except OSError as exc:
        where = f"port {port}" if port else "a free port"
        raise UsageError(
            f"The sandbox could not listen on {where}: {exc.strerror or exc}.",
            hint="Pick another port with --port, or leave it out to use any free one.",
        ) from None
    ctx.sandbox = sb
    if not quiet:
        ctx.note("using the local sandbox")
    try:
        yield sb
    finally:
        ctx.sandbox = None
        sb.stop()


def run_sandbox(args: argparse.Namespace, ctx: Context) -> int:
    with sandbox_session(ctx, port=args.port, quiet=True) as sb:
        print_banner(sb, ctx.out)
        ctx.out.flush()  # a pipe reader (a script, the tests) needs the URL now
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            ctx.note("sandbox stopped")
    return EXIT_OK


def print_banner(sb: Sandbox, out: TextIO) -> None:
    videos = sb.videos
    ready = [v for v in videos if v.get("readyToStream")]
    example = next((v for v in ready if v.get("requireSignedURLs")), (ready or videos)[0])["uid"]
    lines = [
        f"Sandbox Stream API running at {sb.base_url}",
        f"  playback links {sb.delivery_base}/<token>/watch",
        f"  account ID     {sb.DEMO_ACCOUNT_ID}",
        f"  API token      {sb.DEMO_API_TOKEN}",
        f"  customer code  {sb.DEMO_CUSTOMER_CODE}",
        "  videos:",
    ]
    lines += [f"    {v['uid']}  {_describe_video(v, sb)}" for v in videos]
    env = (
        f"CLOUDFLARE_BASE_URL={shlex.quote(sb.base_url)} "
        f"CLOUDFLARE_API_TOKEN={shlex.quote(sb.DEMO_API_TOKEN)}"
    )
    lines += [
        "",
        "Try it from another terminal:",
        f"  {env} cfstream-token create {example} --account {sb.DEMO_ACCOUNT_ID} --output json",
        "",
        "Press Ctrl+C to stop.",
    ]
    print("\n".join(lines), file=out)


def _describe_video(video: dict[str, Any], sb: Sandbox) -> str:
    name = str(video.get("meta", {}).get("name") or "")
    notes = []
    if video.get("requireSignedURLs"):
        notes.append("signed URLs required")
    if sb.downloads_enabled(str(video["uid"])):
        notes.append("downloads enabled")
    if not video.get("readyToStream"):
        notes.append("still encoding")
    return f"{name} ({', '.join(notes)})" if notes else name
