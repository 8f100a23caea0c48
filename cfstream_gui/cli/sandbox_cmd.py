"""The local sandbox from the command line: in-process for `--sandbox create`, or in the
foreground with `cfstream-token sandbox` for other programs (or the GUI) to talk to.

Where links point (the one rule): where the token plays. A real account's links are on
Cloudflare's `customer-<CODE>` host. A sandbox that keeps running serves its own playback pages,
so a profile pointing at it (the window's, or the one `cfstream-token sandbox --profile NAME`
saves) gets loopback links that open. A one-shot `--sandbox` run stops when the command ends:
its links are Cloudflare-shaped examples, and it says so.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any, TextIO
from urllib.parse import urlsplit

from cfstream_gui.core.storage.profiles import Profile, ProfileError, check_profile_name
from cfstream_gui.core.storage.removal import remove_profile
from cfstream_gui.core.storage.secrets import SecretStoreError
from cfstream_gui.core.urls import is_loopback_host
from cfstream_gui.sandbox import Sandbox

from .accounts import saved_profile
from .context import SANDBOX_PROFILE, Context
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
    if args.profile is not None:
        _check_profile_can_be_used(ctx, args.profile)  # before anything starts
    with sandbox_session(ctx, port=args.port, quiet=True) as sb, _saved_profile(ctx, sb, args):
        # Ctrl+C is how this command ends, even as soon as the banner is out.
        try:
            with _stop_on_sigterm():
                print_banner(sb, ctx.out, profile=args.profile)
                ctx.out.flush()  # a pipe reader (a script, the tests) needs the URL now
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            ctx.note("sandbox stopped")
    return EXIT_OK


# --- a profile that points at the running sandbox ------------------------------------------------


def _check_profile_can_be_used(ctx: Context, name: str) -> None:
    check_profile_name(name)
    if name == SANDBOX_PROFILE:
        raise UsageError(
            f"The profile name {name} belongs to one-shot --sandbox runs and the window's "
            "sandbox; choose another, e.g. --profile play."
        )
    existing = saved_profile(ctx, name)
    if existing is not None and not _points_at_a_sandbox(existing):
        raise UsageError(
            f"Profile {name} is yours and points at {existing.api_base_url or 'Cloudflare'}, "
            "not at a sandbox; it was left as it is.",
            hint="Choose another name for the sandbox's profile, e.g. --profile play.",
        )
    if not ctx.secrets.is_available():
        raise SecretStoreError(
            f"The system keyring is unavailable (keyring backend: {ctx.secrets.store_name()}), "
            f"so profile {name} could hold neither the sandbox's demo token nor the keys made "
            "through it. Leave out --profile to use the sandbox one command at a time, or "
            "install and unlock a keyring such as GNOME Keyring or KWallet."
        )


def _points_at_a_sandbox(profile: Profile) -> bool:
    """A profile this command saved: the demo account, with its API and its playback pages
    on this computer. (`profiles add` cannot set playback pages, so a profile someone made
    by hand for a sandbox is theirs, and is left alone.)"""
    demo = profile.account_id == Sandbox.DEMO_ACCOUNT_ID
    return demo and _on_loopback(profile.api_base_url) and _on_loopback(profile.delivery_base_url)


def _on_loopback(url: str | None) -> bool:
    try:
        parts = urlsplit(url or "")
        return parts.scheme == "http" and is_loopback_host(parts.hostname or "")
    except ValueError:
        return False


@contextmanager
def _saved_profile(ctx: Context, sb: Sandbox, args: argparse.Namespace) -> Iterator[None]:
    """Profile `args.profile` pointing at `sb` (its demo token in the keyring) while the block
    runs, removed with its keys afterwards: a sandbox's keys die with it, and a profile left
    pointing at a closed port would only fail later."""
    name: str | None = args.profile
    if name is None:
        yield
        return
    _check_profile_can_be_used(ctx, name)  # again: the sandbox took a moment to start
    if saved_profile(ctx, name) is not None:
        # Left by a sandbox that was killed: its keys belong to an account that is gone.
        remove_profile(ctx.profiles, ctx.secrets, name)
    profile = Profile(
        name=name,
        account_id=sb.DEMO_ACCOUNT_ID,
        customer_code=sb.DEMO_CUSTOMER_CODE,
        api_base_url=sb.base_url,
        delivery_base_url=sb.delivery_base,  # links that open while the sandbox runs
    )
    # The profile first, checked under the file's lock, so a real profile's token is never
    # overwritten; the demo token only once the name is surely the sandbox's.
    ctx.profiles.update(name, lambda stored: _replacing(stored, profile))
    try:
        ctx.secrets.set_api_token(name, sb.DEMO_API_TOKEN)
        yield
    finally:
        _remove_if_ours(ctx, sb, name)


def _replacing(stored: Profile | None, profile: Profile) -> Profile:
    # Checked again under the file's lock: someone may have saved a real profile meanwhile.
    if stored is not None and not _points_at_a_sandbox(stored):
        raise UsageError(f"Profile {profile.name} was saved meanwhile; it was left as it is.")
    return profile


def _remove_if_ours(ctx: Context, sb: Sandbox, name: str) -> None:
    """Remove the profile and its secrets unless another sandbox has taken the name since."""
    try:
        current = saved_profile(ctx, name)
        if current is not None and current.api_base_url != sb.base_url:
            return
        remove_profile(ctx.profiles, ctx.secrets, name)
    except (ProfileError, SecretStoreError) as exc:
        ctx.note(
            f"warning: profile {name} could not be removed ({exc}); remove it with "
            f"`cfstream-token profiles remove {name}`."
        )
        return
    ctx.note(f"profile {name} removed with the sandbox, with any signing keys made through it")


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """`kill PID` stops the sandbox like Ctrl+C does, so its profile is removed either way."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (tests run commands in threads)
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        with suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)


# --- what it prints -------------------------------------------------------------------------------


def print_banner(sb: Sandbox, out: TextIO, *, profile: str | None = None) -> None:
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
    lines += ["", *(_with_profile(profile, example) if profile else _without_profile(sb, example))]
    lines += ["", "Press Ctrl+C to stop."]
    print("\n".join(lines), file=out)


def _with_profile(name: str, example: str) -> list[str]:
    return [
        f"Profile {name} points here until the sandbox stops (then it is removed, with its keys).",
        "Use it from another terminal:",
        f"  cfstream-token keys create --profile {name}",
        f"  cfstream-token keys list --profile {name}",
        f"  cfstream-token create {example} --profile {name} --local --output watch",
        "Its playback links open on this sandbox.",
    ]


def _without_profile(sb: Sandbox, example: str) -> list[str]:
    env = (
        f"CLOUDFLARE_BASE_URL={shlex.quote(sb.base_url)} "
        f"CLOUDFLARE_API_TOKEN={shlex.quote(sb.DEMO_API_TOKEN)}"
    )
    return [
        "Try it from another terminal:",
        f"  {env} cfstream-token create {example} --account {sb.DEMO_ACCOUNT_ID}",
        "For keys, local signing and links that open across commands, run "
        "`cfstream-token sandbox --profile play` instead.",
    ]


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
