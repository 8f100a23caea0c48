"""Starting the window with no display: one sentence about the display and exit 1, instead of
Qt aborting the process with advice about libxcb-cursor0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cfstream_gui import app
from cfstream_gui.display import missing_display

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "env",
    [
        {"DISPLAY": ":0"},
        {"WAYLAND_DISPLAY": "wayland-0"},
        {"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0"},
        {"QT_QPA_PLATFORM": "offscreen"},
        {"QT_QPA_PLATFORM": "xcb", "DISPLAY": "localhost:10.0"},
        {"QT_QPA_PLATFORM": "wayland;xcb"},  # the user chose; Qt speaks for that choice
        {"QT_QPA_PLATFORM": "vnc"},
    ],
)
def test_a_usable_display_or_a_chosen_platform_is_left_to_qt(env: dict[str, str]) -> None:
    assert missing_display(env, "linux") is None


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({}, "neither DISPLAY nor WAYLAND_DISPLAY is set"),
        ({"DISPLAY": "", "WAYLAND_DISPLAY": ""}, "neither DISPLAY nor WAYLAND_DISPLAY is set"),
        ({"QT_QPA_PLATFORM": " "}, "neither DISPLAY nor WAYLAND_DISPLAY is set"),
        ({"QT_QPA_PLATFORM": "xcb"}, "QT_QPA_PLATFORM is xcb but DISPLAY is not set"),
        (
            {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"},
            "QT_QPA_PLATFORM is xcb but DISPLAY is not set",
        ),
    ],
)
def test_no_display_is_one_sentence_naming_the_way_out(env: dict[str, str], reason: str) -> None:
    sentence = missing_display(env, "linux")
    assert sentence is not None and f"({reason})" in sentence
    assert "QT_QPA_PLATFORM=offscreen" in sentence and "desktop session" in sentence
    assert sentence.count(". ") == 0 and sentence.endswith(".")


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_always_have_a_display(platform: str) -> None:
    assert missing_display({}, platform) is None


def test_the_app_says_so_instead_of_aborting(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["CFSTREAM_CONFIG_DIR"] = str(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, "-m", "cfstream_gui"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # Qt's abort would be -6 (SIGABRT) or 134 through a shell.
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == missing_display({}, "linux")
    assert "xcb-cursor0" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "config").exists()


def test_main_returns_before_touching_qt_or_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)

    def no_qt(_args: list[str]) -> None:
        raise AssertionError("the app asked Qt for a window without a display")

    monkeypatch.setattr(app, "_application", no_qt)
    assert app.main(["--sandbox"]) == 1
    assert "no display" in capsys.readouterr().err
