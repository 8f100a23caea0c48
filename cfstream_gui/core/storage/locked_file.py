"""One inter-process lock per config file, and a JSON writer that leaves the old file or the new
one, never half of either and never a pile of temp files.

The window and the command line may run side by side, each several times over, and every change
to `profiles.json` is read, change, write. Without a lock two writers read the same file and the
second write drops the first one's change. So every writer of a file holds its lock (a `.NAME.lock`
file beside it, locked with the system's file lock) from before it reads until after it renames.

The system lets go of a dead process's lock by itself, so a writer killed with kill -9 blocks
nobody. It may leave its temp file behind, though; the next writer clears those (see
`_remove_orphans`).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Long enough for any honest writer (they hold the lock for milliseconds), short enough that a
# stuck process turns into a message rather than a frozen window or command.
LOCK_WAIT = 5.0


class FileBusy(TimeoutError):
    """Another process held a file's lock for longer than we wait. An OSError, like every other
    way a write can fail, with a sentence for the user as its message."""

    def __init__(self, path: Path, wait: float) -> None:
        super().__init__(
            f"{path} was kept locked by another cfstream-gui or cfstream-token for more than "
            f"{wait:g} seconds, so nothing was changed. Try again in a moment."
        )
        self.path = path


@contextlib.contextmanager
def locked(path: Path, *, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the lock that every writer of `path` takes, waiting at most `wait` seconds for it
    (FileBusy after that). Re-entrant within a thread; other threads and processes wait.

    Creates the private (0700) directory if needed. OSError if the lock cannot be made there."""
    # Only writers lock, so filelock (~15 ms, ~7 MiB to import) waits for the first write.
    from filelock import FileLock, Timeout

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # One instance per lock file in this process (is_singleton), so a thread that already holds
    # it may take it again; each thread keeps its own hold (thread_local), so threads exclude
    # each other just as processes do.
    lock = FileLock(path.parent / f".{path.name}.lock", mode=0o600, is_singleton=True)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise FileBusy(path, wait) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write_json(path: Path, data: Any, *, wait: float = LOCK_WAIT) -> None:
    """Replace `path` with `data` as JSON, under `path`'s lock, so that readers see the old or
    the new file, never half of one. The directory is created private (0700), the file is 0600.

    A caller that reads the file and writes back a changed version must hold `locked(path)`
    around both; this function then takes the same lock again, which a holder may do."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"  # fails before anything exists
    with locked(path, wait=wait):
        _remove_orphans(path)
        _replace(path, text)
    _fsync_dir(path.parent)


def _replace(path: Path, text: str) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            # On disk before the rename: a crash right after it must not leave an empty file
            # under the real name.
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _remove_orphans(path: Path) -> None:
    """Delete the temp files of earlier writers of `path` that died before their rename.

    Called with the lock held. Every writer makes its temp file only while it holds the lock
    and removes or renames it before letting go, so while we hold it no live writer owns one:
    each such file is an orphan, however new. (A minimum age would only let orphans of rapid
    crashes linger, and would not make deleting any safer.)"""
    prefix = _temp_prefix(path)
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            # Not following links: a link planted under such a name goes, its target stays.
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                if entry.is_dir(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open directories, and a failure
    # here only weakens durability, so it is not worth failing the save over.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
