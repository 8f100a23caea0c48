"""`python -m cfstream_gui.sandbox [--port N]`: run the sandbox in the foreground."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TextIO

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
    for video in sandbox.videos:
        signed = "signed URLs required" if video["requireSignedURLs"] else "public"
        state = video["status"]["state"]
        lines.append(f"    {video['uid']}  {video['meta']['name']} ({signed}, {state})")
    return "\n".join(lines)


def serve(host: str, port: int, out: TextIO, stop: threading.Event) -> None:
    """Run until `stop` is set (Ctrl+C sets nothing: it interrupts the wait instead)."""
    with Sandbox(host=host, port=port) as sandbox:
        print(describe(sandbox), file=out)
        try:
            print("Press Ctrl+C to stop.", file=out, flush=True)
            # Short waits: on Windows a bare wait() would not notice Ctrl+C.
            while not stop.wait(0.5):
                continue
        except KeyboardInterrupt:
            print("\nStopping the sandbox.", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cfstream_gui.sandbox",
        description="Run a local stand-in for the Cloudflare Stream API on loopback.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, sys.stdout, threading.Event())
    except OSError as exc:
        print(
            f"Could not start the sandbox on {args.host}:{args.port}: {exc.strerror}.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
