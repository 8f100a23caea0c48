"""`python -m cfstream_gui.sandbox [--port N] [--videos N]`: run the sandbox in the foreground."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TextIO

from cfstream_gui.core.urls import is_loopback_host
from cfstream_gui.sandbox.service import Sandbox


def describe(sandbox: Sandbox) -> str:
    """What a first-time user needs to point the app or the CLI at a running sandbox."""
    lines = [
        f"Sandbox Stream API at {sandbox.base_url}",
        f"  playback links  {sandbox.delivery_base}/<token or video ID>/watch",
        f"  account ID      {Sandbox.DEMO_ACCOUNT_ID}",
        f"  API token       {Sandbox.DEMO_API_TOKEN}   (demo only, not a Cloudflare token)",
        f"  expired token   {Sandbox.DEMO_EXPIRED_API_TOKEN}",
        f"  customer code   {Sandbox.DEMO_CUSTOMER_CODE}",
        "  videos:",
    ]
    videos = sandbox.videos
    for video in videos[:_LISTED]:
        signed = "signed URLs required" if video["requireSignedURLs"] else "public"
        state = video["status"]["state"]
        lines.append(f"    {video['uid']}  {video['meta']['name']} ({signed}, {state})")
    if len(videos) > _LISTED:
        lines.append(
            f"    ... and {len(videos) - _LISTED:,} more (cfstream-token videos lists them all)"
        )
    return "\n".join(lines)


# A seeded library of thousands is browsed with `cfstream-token videos`, not in the banner.
_LISTED = 12


def serve(host: str, port: int, out: TextIO, stop: threading.Event, *, videos: int = 0) -> None:
    """Run until `stop` is set (Ctrl+C sets nothing: it interrupts the wait instead)."""
    with Sandbox(host=host, port=port, videos=videos) as sandbox:
        print(describe(sandbox), file=out)
        try:
            print("Press Ctrl+C to stop.", file=out, flush=True)
            # Short waits: on Windows a bare wait() would not notice Ctrl+C.
            while not stop.wait(0.5):
                continue
        except KeyboardInterrupt:
            print("\nStopping the sandbox.", file=out)


REMOTE_WARNING = (
    "WARNING: the sandbox is listening on {host}, not only on this computer. Anyone who can "
    "reach it can use it with the demo API token (the same in every copy, and in this "
    "program's source), create and revoke signing keys, and read tokens sent to it over plain "
    "HTTP. Stop it (Ctrl+C) as soon as you are done."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cfstream_gui.sandbox",
        description="Run a local stand-in for the Cloudflare Stream API on loopback.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1); anything but this computer needs "
        "--allow-remote",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="let --host be an address other computers can reach (the sandbox hands out demo "
        "credentials over plain HTTP, so only do this on a network you trust)",
    )
    parser.add_argument(
        "--videos",
        type=_count,
        default=0,
        metavar="N",
        help="add N generated videos to the demo library (the same ones every time), to try "
        "browsing and searching a large account",
    )
    args = parser.parse_args(argv)
    if not is_loopback_host(args.host):
        if not args.allow_remote:
            print(
                f"Refusing --host {args.host!r}: other computers could reach the sandbox, which "
                "serves demo credentials over plain HTTP. Use 127.0.0.1 (the default), or add "
                "--allow-remote if that is really what you want.",
                file=sys.stderr,
            )
            return 2
        print(REMOTE_WARNING.format(host=repr(args.host)), file=sys.stderr, flush=True)
    try:
        serve(args.host, args.port, sys.stdout, threading.Event(), videos=args.videos)
    except OSError as exc:
        print(
            f"Could not start the sandbox on {args.host}:{args.port}: {exc.strerror}.",
            file=sys.stderr,
        )
        return 1
    return 0


# Each generated video is a few kilobytes in memory; beyond this the sandbox would take minutes
# to start and gigabytes to hold, which is not what a try-out needs.
MAX_VIDEOS = 100_000


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) > MAX_VIDEOS:
        raise argparse.ArgumentTypeError(f"give a number of videos from 0 to {MAX_VIDEOS:,}")
    return int(text)


if __name__ == "__main__":
    sys.exit(main())
