"""Several processes (and threads) changing the config files at once, and writers killed with
kill -9 halfway through: no update is lost, the files stay whole, and no litter piles up."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfstream_gui.core.storage.form_state import FormState, FormStore
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and symlinks")

Worker = subprocess.Popen[str]


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Started worker processes; any still running when the test ends are killed."""
    started: list[Worker] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def start(workers: list[Worker], *args: str) -> Worker:
    # A keyring that refuses everything: no worker may touch a real one.
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.core.storage_workers", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers.append(proc)
    return proc


def expect_line(proc: Worker, line: str) -> None:
    assert proc.stdout is not None
    got = proc.stdout.readline()
    if got != f"{line}\n":
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"worker said {got!r} instead of {line!r}: {err}")


def race(procs: list[Worker]) -> None:
    """Let the workers go at the same moment and wait until every one has finished."""
    for proc in procs:
        expect_line(proc, "ready")
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        _, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err


def kill_9(proc: Worker) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL


def stored(directory: Path) -> dict[str, dict[str, object]]:
    """The profiles as they are on disk; fails the test if the file is not whole JSON."""
    data = json.loads((directory / "profiles.json").read_text(encoding="utf-8"))
    profiles: dict[str, dict[str, object]] = data["profiles"]
    return profiles


def temp_files(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


# -- no lost updates --------------------------------------------------------------------------


def test_four_processes_adding_profiles_at_once_keep_all_of_them(
    tmp_path: Path, workers: list[Worker]
) -> None:
    race([start(workers, "save", str(tmp_path), f"writer{n}", "50") for n in range(4)])

    profiles = stored(tmp_path)
    assert len(profiles) == 200
    assert {f"writer{n}-{i}" for n in range(4) for i in range(50)} == set(profiles)
    assert temp_files(tmp_path) == []


def test_the_command_line_beside_the_window_loses_nothing(
    config_dir: Path, workers: list[Worker]
) -> None:
    """`profiles add` in a loop while the window learns customer codes and saves its form."""
    procs = [start(workers, "cli", f"cli{n}", "30") for n in range(2)]
    procs.append(start(workers, "gui", str(config_dir), "gui", "30"))
    race(procs)

    profiles = stored(config_dir)
    assert {f"cli{n}-{i}" for n in range(2) for i in range(30)} <= set(profiles)
    assert {name: profiles[name]["customer_code"] for name in profiles if name[:3] == "gui"} == {
        f"gui-{i}": f"code{i}" for i in range(30)
    }
    assert len(profiles) == 90
    last_form = FormStore(config_dir, env={}).load()
    assert last_form is not None
    assert last_form.video == "video-29"
    assert temp_files(config_dir) == []


def test_changes_to_one_profile_from_two_processes_both_survive(
    config_dir: Path, workers: list[Worker]
) -> None:
    """Each change applies to the profile as it is at that moment, not to a copy read earlier."""
    ProfileStore(config_dir, env={}).save(Profile("shared", ACCOUNT))
    race(
        [
            start(workers, "cli-edit", "shared", "30"),
            start(workers, "codes", str(config_dir), "shared", "30"),
        ]
    )

    shared = stored(config_dir)["shared"]
    assert shared["api_base_url"] == "https://edge-29.example.com/client/v4"
    assert shared["customer_code"] == "code29"
    assert shared["account_id"] == ACCOUNT


def test_threads_of_one_process_lose_nothing_either(tmp_path: Path) -> None:
    """The window saves from its own thread and from worker threads (customer codes)."""
    store = ProfileStore(tmp_path, env={})
    errors: list[BaseException] = []

    def add(prefix: str) -> None:
        try:
            for i in range(25):
                store.save(Profile(f"{prefix}-{i}", ACCOUNT))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(f"thread{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(store.list()) == 100


# -- kill -9 ----------------------------------------------------------------------------------


@posix_only
def test_writers_killed_mid_write_leave_a_whole_file_and_no_pile_of_temp_files(
    tmp_path: Path, workers: list[Worker]
) -> None:
    for number in range(30):
        writer = start(workers, "stall", str(tmp_path), str(number))
        expect_line(writer, "mid-write")  # its temp file is written; the rename has not happened
        kill_9(writer)

        profiles = stored(tmp_path)
        assert set(profiles) == {f"kept-{n}" for n in range(number + 1)}
        # The killed writer's own temp file is the only one: each writer clears the earlier.
        assert len(temp_files(tmp_path)) == 1

    ProfileStore(tmp_path, env={}).save(Profile("after", ACCOUNT))
    assert temp_files(tmp_path) == []
    assert len(stored(tmp_path)) == 31


@posix_only
def test_writers_killed_at_any_moment_never_damage_the_file(
    tmp_path: Path, workers: list[Worker]
) -> None:
    store = ProfileStore(tmp_path, env={})
    store.save(Profile("first", ACCOUNT))
    pick = random.Random(8)
    for number in range(10):
        writer = start(workers, "loop", str(tmp_path), str(number))
        expect_line(writer, "ready")
        time.sleep(pick.uniform(0.0, 0.05))  # lands the kill somewhere in the write loop
        kill_9(writer)

        assert "first" in stored(tmp_path)
        # A dead writer holds no lock: the next change goes through at once.
        store.save(Profile(f"after-{number}", ACCOUNT))
        assert temp_files(tmp_path) == []
    assert {f"after-{n}" for n in range(10)} <= set(stored(tmp_path))


# -- a lock that is not let go ----------------------------------------------------------------


@posix_only
def test_a_lock_held_too_long_is_a_sentence_not_a_hang(
    tmp_path: Path, workers: list[Worker]
) -> None:
    store = ProfileStore(tmp_path, env={}, lock_wait=0.3)
    store.save(Profile("work", ACCOUNT))
    before = (tmp_path / "profiles.json").read_bytes()
    holder = start(workers, "hold", str(tmp_path))
    expect_line(holder, "held")

    with pytest.raises(ProfileError) as caught:
        store.save(Profile("home", ACCOUNT))
    message = str(caught.value)
    assert str(tmp_path / "profiles.json") in message
    assert "another cfstream-gui or cfstream-token" in message
    assert "nothing was changed" in message
    assert (tmp_path / "profiles.json").read_bytes() == before
    for change in (lambda: store.use("work"), lambda: store.remove("work")):
        with pytest.raises(ProfileError, match="nothing was changed"):
            change()
    assert [p.name for p in store.list()] == ["work"]  # reading needs no lock

    kill_9(holder)  # the system lets go of a dead process's lock
    store.save(Profile("home", ACCOUNT))
    assert [p.name for p in store.list()] == ["home", "work"]


# -- litter from earlier crashes --------------------------------------------------------------


@posix_only
def test_saving_the_form_clears_what_killed_writers_left_and_nothing_else(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("somebody else's file")
    config = tmp_path / "config"
    config.mkdir()
    orphans = [config / ".last_form.json.k1l2ed.tmp", config / ".last_form.json.x9y8z7.tmp"]
    for orphan in orphans:
        orphan.write_text('{"video": "half a wri')
    # A link where a temp file would be: removing it must not touch what it points to.
    (config / ".last_form.json.link.tmp").symlink_to(outside)
    unrelated = [config / ".other.json.abc.tmp", config / "notes.tmp", config / "profiles.json"]
    for path in unrelated:
        path.write_text("{}")

    FormStore(config, env={}).save(FormState(video="kept"))

    assert not any(orphan.exists() for orphan in orphans)
    assert not (config / ".last_form.json.link.tmp").is_symlink()
    assert outside.read_text() == "somebody else's file"
    assert all(path.read_text() == "{}" for path in unrelated)
    loaded = FormStore(config, env={}).load()
    assert loaded is not None
    assert loaded.video == "kept"
