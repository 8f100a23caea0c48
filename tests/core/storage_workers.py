"""Separate processes that write the config files the way the app and the command line do, for
the concurrency and kill -9 tests. Run as `python -m tests.core.storage_workers ROLE ...`.

Each role that races others first prints "ready" and waits for a line on stdin, so the test can
start all of them at the same moment rather than one after the other.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileStore

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"


def _wait_for_go() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def save(directory: Path, prefix: str, count: int) -> int:
    """What `profiles add` does, through the library: one new profile at a time."""
    store = ProfileStore(directory, env={})
    _wait_for_go()
    for i in range(count):
        store.save(Profile(f"{prefix}-{i}", ACCOUNT))
    return 0


def cli(prefix: str, count: int) -> int:
    """`cfstream-token profiles add` run `count` times (in this process, to keep it quick)."""
    from cfstream_gui.cli.main import main

    _wait_for_go()
    failures = 0
    for i in range(count):
        failures += main(["profiles", "add", f"{prefix}-{i}", "--account", ACCOUNT]) != 0
    return 1 if failures else 0


def cli_edit(name: str, count: int) -> int:
    """`cfstream-token profiles add NAME --base-url ...` on one existing profile, over and over."""
    from cfstream_gui.cli.main import main

    _wait_for_go()
    failures = 0
    for i in range(count):
        url = f"https://edge-{i}.example.com/client/v4"
        failures += main(["profiles", "add", name, "--base-url", url]) != 0
    return 1 if failures else 0


def codes(directory: Path, name: str, count: int) -> int:
    """The window learning one profile's customer code again and again."""
    profiles = ProfileStore(directory, env={})
    _wait_for_go()
    for i in range(count):
        profiles.remember_customer_code(name, f"code{i}")
    return 0


def gui(directory: Path, prefix: str, count: int) -> int:
    """What the window does beside the command line: learn customer codes and save the form."""
    profiles = ProfileStore(directory, env={})
    forms = FormStore(directory, env={})
    _wait_for_go()
    for i in range(count):
        profiles.remember_customer_code(f"{prefix}-{i}", f"code{i}")
        forms.save(FormState(video=f"video-{i}"))
    return 0


def stall(directory: Path, number: int) -> int:
    """Save one profile, then start saving another and stop dead once its temp file is written
    and flushed (the test kills this process right there)."""
    store = ProfileStore(directory, env={})
    store.save(Profile(f"kept-{number}", ACCOUNT))
    real_fsync = os.fsync

    def stop_after_flush(fd: FileDescriptorLike) -> None:
        real_fsync(fd)
        print("mid-write", flush=True)
        time.sleep(60)

    os.fsync = stop_after_flush
    store.save(Profile(f"lost-{number}", ACCOUNT))
    return 1  # not reached: the test kills us


def loop(directory: Path, number: int) -> int:
    """Rewrite the file over and over until killed, at whatever point the kill lands."""
    store = ProfileStore(directory, env={})
    print("ready", flush=True)
    i = 0
    while True:
        store.save(Profile(f"loop-{number}-{i % 5}", ACCOUNT, customer_code=f"c{i}"))
        i += 1


def hold(directory: Path) -> int:
    """Take the profiles file's lock and keep it until killed, like a stuck process would."""
    from cfstream_gui.core.storage.locked_file import locked

    with locked(directory / "profiles.json"):
        print("held", flush=True)
        time.sleep(60)
    return 1


def run(argv: list[str]) -> int:
    role, *rest = argv
    if role == "save":
        return save(Path(rest[0]), rest[1], int(rest[2]))
    if role == "cli":
        return cli(rest[0], int(rest[1]))
    if role == "cli-edit":
        return cli_edit(rest[0], int(rest[1]))
    if role == "codes":
        return codes(Path(rest[0]), rest[1], int(rest[2]))
    if role == "gui":
        return gui(Path(rest[0]), rest[1], int(rest[2]))
    if role == "stall":
        return stall(Path(rest[0]), int(rest[1]))
    if role == "loop":
        return loop(Path(rest[0]), int(rest[1]))
    if role == "hold":
        return hold(Path(rest[0]))
    raise SystemExit(f"unknown role {role!r}")


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
