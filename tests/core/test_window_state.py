"""The window's remembered place survives a restart; a damaged or hostile file is no memory at
all rather than a window opened somewhere absurd."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from cfstream_gui.core.storage.window_state import WINDOW_FILE, WindowState, WindowStateStore

PLACE = WindowState(x=40, y=30, width=1280, height=700, maximized=True, request_preview=False)


def test_round_trip_through_a_private_file(config_dir: Path) -> None:
    store = WindowStateStore()
    store.save(PLACE)
    assert store.path == config_dir / WINDOW_FILE
    assert WindowStateStore().load() == PLACE
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_no_file_is_no_memory(config_dir: Path) -> None:
    assert WindowStateStore().load() is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '"a string"',
        "\udcff",
        '{"x": 1, "y": 2, "width": 300}',  # no height
        '{"x": 1, "y": 2, "width": 0, "height": 300}',
        '{"x": 1, "y": 2, "width": -5, "height": 300}',
        '{"x": 1, "y": 2, "width": "900", "height": 300}',
        '{"x": true, "y": 2, "width": 900, "height": 300}',
        '{"x": NaN, "y": 2, "width": 900, "height": 300}',
        '{"x": 1, "y": Infinity, "width": 900, "height": 300}',
        '{"x": 1, "y": 2, "width": 1e400, "height": 300}',
        '{"x": 1, "y": 2, "width": 900, "height": 99999999999999999999}',
    ],
)
def test_a_damaged_or_hostile_file_is_no_memory(config_dir: Path, text: str) -> None:
    path = config_dir / WINDOW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    assert WindowStateStore().load() is None


def test_unknown_or_mistyped_choices_fall_back_to_none_chosen(config_dir: Path) -> None:
    path = config_dir / WINDOW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"x": 1, "y": 2, "width": 900, "height": 600, "maximized": "yes"}
    data |= {"request_preview": "open", "future": [1, 2]}
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = WindowStateStore().load()
    assert loaded == WindowState(x=1, y=2, width=900, height=600)


def test_an_unwritable_config_dir_raises_oserror(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        WindowStateStore(config_dir=blocker / "config").save(PLACE)
